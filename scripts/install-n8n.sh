#!/usr/bin/env bash
# Installs the n8n application (the CLI users run) from the npm registry into a cache folder outside the
# repo, and reuses it when a previous install completed (marker file). Used by the e2e test, the demo, the
# dev editor and the scale test.
#   Usage: bash scripts/install-n8n.sh        prints the folder that holds node_modules/.bin/n8n
#   N8N_VERSION (default 2.40.7), N8N_CACHE_DIR (default ~/.cache/n8n-nodes-hubspot-associations).
# Why these steps: a plain `npm install n8n` runs install scripts that download binaries from outside the
# registry (which fails offline), so scripts are skipped and only sqlite3 (n8n's default database driver) is
# rebuilt. n8n 2.x needs Node.js 24 (scripts/install-node24.sh). n8n@2.41.3 does not resolve from this
# registry snapshot (a missing @n8n/agents release); 2.40.7 does.
set -euo pipefail
version="${N8N_VERSION:-2.40.7}"
cache="${N8N_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/n8n-nodes-hubspot-associations}"
dir="$cache/n8n-$version"
marker="$dir/.install-complete"

if [ -f "$marker" ] && [ -x "$dir/node_modules/.bin/n8n" ]; then
  echo "$dir"
  exit 0
fi

node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 24 ]; then
  echo "install-n8n: n8n $version needs Node.js 24 on PATH (found $(node --version)); run scripts/install-node24.sh" >&2
  exit 1
fi

echo "install-n8n: installing n8n@$version into $dir (a few minutes, about 3 GB)" >&2
rm -rf "$dir"
mkdir -p "$dir"
cd "$dir"
if [ "${version%%.*}" = "1" ]; then
  # n8n 1.x depends on xlsx from cdn.sheetjs.com, outside the npm registry; the registry's last xlsx
  # release stands in (only the spreadsheet nodes use it). Used for the n8n 1.x compatibility check.
  printf '{"name":"n8n-app-cache","private":true,"overrides":{"xlsx":"0.18.5"}}\n' > package.json
else
  printf '{"name":"n8n-app-cache","private":true}\n' > package.json
fi
start=$(date +%s)
npm install --ignore-scripts --no-audit --no-fund --loglevel=error "n8n@$version" >&2
npm rebuild sqlite3 --loglevel=error >&2
./node_modules/.bin/n8n --version >&2
date -u +%FT%TZ > "$marker"
echo "install-n8n: done in $(( $(date +%s) - start )) s" >&2
echo "$dir"
