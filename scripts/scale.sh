#!/usr/bin/env bash
# npm run test:scale [-- options]: n8n queue mode (PostgreSQL, Redis, one main, workers) against one
# shared HubSpot rate limit. Installs Redis and PostgreSQL's server (not for --db sqlite) from Debian's
# packages when missing, n8n from the npm registry when it is not cached, builds, then runs
# scripts/scale.ts (options: see its header, e.g. -- --calls 80 --workers 3).
# -- --mode regular: n8n in regular mode instead (one main process on SQLite; no Redis, no PostgreSQL),
# scripts/scaleRegular.ts (options: see its header, e.g. -- --mode regular --calls 60 --pairs 250).
set -euo pipefail
cd "$(dirname "$0")/.."
mode=queue
args=()
while [ "$#" -gt 0 ]; do
  case "$1" in
    --mode) mode="${2:-}"; shift 2 || { echo "scale: --mode needs queue or regular" >&2; exit 2; } ;;
    --mode=*) mode="${1#--mode=}"; shift ;;
    *) args+=("$1"); shift ;;
  esac
done
if [ "$mode" = regular ]; then
  N8N_APP_DIR="$(bash scripts/install-n8n.sh)"
  export N8N_APP_DIR
  npm run build --silent
  exec npx ts-node --transpile-only scripts/scaleRegular.ts "${args[@]}"
fi
[ "$mode" = queue ] || { echo "scale: --mode must be queue or regular, got $mode" >&2; exit 2; }
set -- "${args[@]}"
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
