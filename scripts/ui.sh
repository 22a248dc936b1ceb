#!/usr/bin/env bash
# npm run test:ui: the node in n8n's editor, in a real browser (test/ui/). Installs Chromium from Debian's
# packages when missing, n8n from the npm registry when it is not cached (see install-n8n.sh), builds, then
# runs the browser tests with playwright-core driving that Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then
  echo "ui: installing chromium from Debian's packages" >&2
  bash scripts/apt-install.sh chromium
fi
N8N_APP_DIR="$(bash scripts/install-n8n.sh)"
export N8N_APP_DIR
npm run build --silent
exec npx jest -c jest.e2e.config.js --roots "$PWD/test/ui" "$@"
