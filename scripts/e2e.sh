#!/usr/bin/env bash
# npm run test:e2e: the packed package in the real n8n application.
# Installs n8n from the npm registry once (cached outside the repo, see install-n8n.sh), builds, then runs
# test/e2e/*.e2e.ts, which packs the package, installs the tarball into a temporary n8n user folder and
# runs the example workflows with n8n's CLI against the HubSpot emulator.
set -euo pipefail
cd "$(dirname "$0")/.."
N8N_APP_DIR="$(bash scripts/install-n8n.sh)"
export N8N_APP_DIR
npm run build --silent
exec npx jest -c jest.e2e.config.js "$@"
