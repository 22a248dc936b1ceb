#!/usr/bin/env bash
# npm run test:scale [-- options]: n8n queue mode (PostgreSQL, Redis, one main, workers) against one
# shared HubSpot rate limit. Installs Redis and PostgreSQL's server (not for --db sqlite) from Debian's
# packages when missing, n8n from the npm registry when it is not cached, builds, then runs
# scripts/scale.ts (options: see its header, e.g. -- --calls 80 --workers 3).
set -euo pipefail
cd "$(dirname "$0")/.."
missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
if [[ " $* " != *" --db sqlite "* ]] && ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 && ! command -v postgres >/dev/null 2>&1; then
  missing+=(postgresql)
fi
if [ "${#missing[@]}" -gt 0 ]; then
  echo "scale: installing ${missing[*]} from Debian's packages" >&2
  bash scripts/apt-install.sh "${missing[@]}"
fi
N8N_APP_DIR="$(bash scripts/install-n8n.sh)"
export N8N_APP_DIR
npm run build --silent
exec npx ts-node --transpile-only scripts/scale.ts "$@"
