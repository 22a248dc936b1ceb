#!/usr/bin/env bash
# npm run test:scale [-- options]: n8n queue mode (Redis, one main, workers) against one shared HubSpot
# rate limit. Installs Redis from Debian's packages when it is missing, n8n from the npm registry when it
# is not cached, builds, then runs scripts/scale.ts (options: see its header, e.g. -- --calls 80 --workers 3).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v redis-server >/dev/null 2>&1; then
  echo "scale: installing redis-server from Debian's packages" >&2
  sudo_cmd=()
  [ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends redis-server >/dev/null
fi
N8N_APP_DIR="$(bash scripts/install-n8n.sh)"
export N8N_APP_DIR
npm run build --silent
exec npx ts-node --transpile-only scripts/scale.ts "$@"
