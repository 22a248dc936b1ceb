#!/usr/bin/env bash
# Installs Debian packages the browser and scale tests need (ui.sh: chromium; scale.sh: redis-server,
# postgresql) on a machine that lacks them, as a fresh CI machine does: as root, or through sudo when not
# root; the package lists updated first (a fresh machine may have none); no questions asked (the
# environment variable goes through `env`, since sudo drops the caller's environment); and waiting for an
# apt or dpkg that already runs (an unattended upgrade at boot, another checkout's test) instead of failing
# at once on its lock. Then stops the services the packages started on their own (Debian's postgresql
# makes and starts a main cluster where it can, redis-server starts on port 6379): the tests start servers
# of their own on free ports, and nothing of a test run may be left running after it.
#   Usage: bash scripts/apt-install.sh PACKAGE…   (the services stopped: postgresql, redis-server)
set -euo pipefail
sudo_cmd=()
[ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
apt_get=("${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600)

# DPkg::Lock::Timeout covers dpkg's lock, not the package lists' lock that `update` takes: retry it.
for attempt in 1 2 3 4 5 6; do
  "${apt_get[@]}" update -qq && break
  [ "$attempt" -eq 6 ] && exit 1
  echo "apt-install: apt-get update failed (another apt running?); trying again in 20 s" >&2
  sleep 20
done
"${apt_get[@]}" install -y -qq --no-install-recommends "$@" >/dev/null

for service in postgresql redis-server; do
  if [[ " $* " == *" $service "* ]]; then
    "${sudo_cmd[@]}" service "$service" stop >/dev/null 2>&1 || true
  fi
done
