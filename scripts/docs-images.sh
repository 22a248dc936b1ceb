#!/usr/bin/env bash
# npm run docs:images: runs the browser tests (npm run test:ui), which save a screenshot of each step to
# test/ui/artifacts/, then copies the four the README shows to docs/images/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ui.sh
mkdir -p docs/images
for name in 06-nodes-panel-actions 07-object-type-search 11-output-table 13-agent-tool; do
  cp "test/ui/artifacts/${name}.png" "docs/images/${name#*-}.png"
done
echo "docs/images/: nodes-panel-actions.png object-type-search.png output-table.png agent-tool.png refreshed" >&2
