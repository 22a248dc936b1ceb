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
  sudo_cmd=()
  [ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # The packages may start system services of their own (Debian's postgresql makes and starts a main
  # cluster where it can); the test starts its own servers on free ports, so stop those.
  "${sudo_cmd[@]}" service postgresql stop >/dev/null 2>&1 || true
  "${sudo_cmd[@]}" service redis-server stop >/dev/null 2>&1 || true
fi
N8N_APP_DIR="$(bash scripts/install-n8n.sh)"
export N8N_APP_DIR
npm run build --silent
exec npx ts-node --transpile-only scripts/scale.ts "$@"
