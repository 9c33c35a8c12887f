#!/usr/bin/env bash
# Installs the Debian packages pgbeat's tests, demo and lab use, if any is missing.
# Idempotent and quick when everything is there; needs root (apt-get) only when something is missing.
#   bash scripts/setup-system.sh          # everything the tests need
#   bash scripts/setup-system.sh --demo   # only what the VIP demo needs
#   bash scripts/setup-system.sh --lab    # what the two-node lab needs (npm run lab)
set -euo pipefail

demo=(iproute2 iputils-arping iputils-ping)
lab=("${demo[@]}" procps util-linux perl socat postgresql-15 postgresql-client-15)
tests=(
  "${demo[@]}"
  procps util-linux             # runuser, unshare, ps
  libxml2-utils                 # xmllint: meta-data against ra-api-1.dtd
  resource-agents               # ocf-tester, stock IPaddr2/pgsql for comparison, send_ua
  pacemaker pacemaker-cli-utils corosync   # crm_resource --force-*
  heartbeat                     # heartbeat 3.0.6: ResourceManager and the daemon
  postgresql-15 postgresql-client-15 postgresql-contrib
  socat rsync iptables
  openssh-server                # a private sshd for db_sync's rsync over ssh (never started as a service)
  hyperfine                     # npm run bench
  dpkg-dev fakeroot binutils lintian man-db   # npm run package (dpkg-shlibdeps, strip), its test
)

want=("${tests[@]}")
[[ "${1:-}" == "--demo" ]] && want=("${demo[@]}")
[[ "${1:-}" == "--lab" ]] && want=("${lab[@]}")

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

if [[ $(id -u) -ne 0 ]]; then
  echo "pgbeat: missing Debian packages: ${missing[*]}" >&2
  echo "pgbeat: run as root, or: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "pgbeat: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# Pacemaker and heartbeat must not start services here: policy-rc.d refuses service starts.
policy=/usr/sbin/policy-rc.d
made_policy=0
if [[ ! -e $policy ]]; then printf '#!/bin/sh\nexit 101\n' >"$policy"; chmod 755 "$policy"; made_policy=1; fi
trap '[[ $made_policy -eq 1 ]] && rm -f "$policy"' EXIT
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
