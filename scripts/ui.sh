#!/usr/bin/env bash
# npm run test:ui: the node in n8n's editor, in a real browser (test/ui/). The browser is the Chromium or
# Chrome that CHROMIUM_PATH names (GitHub's ubuntu-latest: /usr/bin/google-chrome, which its image ships;
# Ubuntu has no chromium package, only a snap placeholder); without CHROMIUM_PATH, Debian's chromium at
# /usr/bin/chromium, installed from Debian's packages when missing. Then n8n from the npm registry when it
# is not cached (see install-n8n.sh), the build, and the browser tests with playwright-core driving that
# browser.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -n "${CHROMIUM_PATH:-}" ]; then
  if [ ! -x "$CHROMIUM_PATH" ]; then
    echo "ui: CHROMIUM_PATH=$CHROMIUM_PATH is not an executable browser" >&2
    exit 1
  fi
elif [ ! -x /usr/bin/chromium ]; then
  echo "ui: installing chromium from Debian's packages" >&2
  bash scripts/apt-install.sh chromium
fi
N8N_APP_DIR="$(bash scripts/install-n8n.sh)"
export N8N_APP_DIR
npm run build --silent
exec npx jest -c jest.e2e.config.js --roots "$PWD/test/ui" "$@"
