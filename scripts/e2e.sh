#!/usr/bin/env bash
# npm run test:e2e: the packed package in the real n8n application.
# Installs n8n from the npm registry once (cached outside the repo, see install-n8n.sh), builds, then runs
# test/e2e/*.e2e.ts, which packs the package, installs the tarball into a temporary n8n user folder and
# runs the example workflows with n8n's CLI against the HubSpot emulator, and installs the package from a
# local npm registry through n8n's Community Nodes calls and N8N_COMMUNITY_PACKAGES (install.e2e.ts). The
# node as a tool: under n8n's AI Agent with a scripted model (aiTool.e2e.ts), and under n8n's MCP Server
# Trigger, called by the official MCP client (mcp.e2e.ts). HubSpot's two ways of starting a workflow live in
# `n8n start` (hubspotTriggers.e2e.ts: n8n's HubSpot Trigger, a HubSpot workflow's webhooks), with
# api.hubapi.com leading to the emulator.
set -euo pipefail
cd "$(dirname "$0")/.."
N8N_APP_DIR="$(bash scripts/install-n8n.sh)"
export N8N_APP_DIR
npm run build --silent
version="${N8N_VERSION:-2.40.7}"
major="${version%%.*}"
minor="${version#*.}"; minor="${minor%%.*}"
if [ "$major" -lt 2 ] || { [ "$major" -eq 2 ] && [ "$minor" -lt 21 ]; }; then
  # N8N_COMMUNITY_PACKAGES and the publish call install.e2e.ts and hubspotTriggers.e2e.ts use came with n8n 2.21.
  echo "e2e: n8n $version is older than 2.21: install.e2e.ts and hubspotTriggers.e2e.ts do not run" >&2
  exec npx jest -c jest.e2e.config.js --testPathIgnorePatterns '/(install|hubspotTriggers)\.e2e\.ts$' "$@"
fi
exec npx jest -c jest.e2e.config.js "$@"
