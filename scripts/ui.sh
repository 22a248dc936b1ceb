#!/usr/bin/env bash
# npm run test:ui: the node in n8n's editor, in a real browser (test/ui/). The browser is the Chromium or
# Chrome that CHROMIUM_PATH names (GitHub's ubuntu-latest: /usr/bin/google-chrome, which its image ships;
# Ubuntu has no chromium package, only a snap placeholder); without CHROMIUM_PATH, Debian's chromium at
# /usr/bin/chromium. A browser that is not there is installed from Debian's packages. Then n8n from the
# npm registry when it is not cached (see install-n8n.sh), the build, and the browser tests with
# playwright-core driving that browser.
set -euo pipefail
cd "$(dirname "$0")/.."
BROWSER="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ ! -x "$BROWSER" ]; then
  echo "ui: installing chromium from Debian's packages" >&2
  bash scripts/apt-install.sh chromium
  if [ ! -x "$BROWSER" ]; then
    echo "ui: $BROWSER is not an executable browser: set CHROMIUM_PATH to Chrome or Chromium" >&2
    exit 1
  fi
fi
N8N_APP_DIR="$(bash scripts/install-n8n.sh)"
export N8N_APP_DIR
npm run build --silent
exec npx jest -c jest.e2e.config.js --roots "$PWD/test/ui" "$@"
