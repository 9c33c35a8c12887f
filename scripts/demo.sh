#!/usr/bin/env bash
# npm run demo: the virtual IP 192.0.2.10 moves from node1 to node2, and a client follows it.
#
# Builds a private network from network namespaces: a "switch" namespace holding a bridge, and three
# hosts plugged into it with veth pairs: node1 192.0.2.11/24, node2 192.0.2.12/24, client
# 192.0.2.100/24 (no default route, no link to any host interface). Then, with the built agent run
# as Pacemaker runs it (OCF, env -i):
#   1. start the VIP on node1; the client pings it and learns node1's MAC (ip neigh);
#   2. stop it on node1, start it on node2; the client's neighbour entry switches to node2's MAC
#      from node2's gratuitous ARP alone: the client transmits nothing meanwhile (its tx counter);
#   3. the client pings the VIP again, now answered by node2.
# Prints each step's duration and ends with PASS or FAIL (exit 0 or 1). Deletes everything on exit.
#
# Needs root and these Debian packages, installed with apt-get when missing (scripts/setup-system.sh
# --demo): iproute2 (ip), iputils-arping (arping: the agent's gratuitous ARP), iputils-ping (ping).
# Builds dist/ first if it is missing (after `npm ci`). DEMO_AGENT=/path/to/IPaddr runs another build
# of the agent instead (the installed /usr/lib/ocf/resource.d/pgbeat/IPaddr, say).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
AGENT=${DEMO_AGENT:-$ROOT/dist/agents/IPaddr}
CLEAN_PATH=/usr/sbin:/usr/bin:/sbin:/bin   # Pacemaker's executor PATH
VIP=192.0.2.10
TAG=$$
SW=pgbdemo-sw-$TAG
NODE1=pgbdemo-node1-$TAG
NODE2=pgbdemo-node2-$TAG
CLIENT=pgbdemo-client-$TAG
MADE=()      # namespaces created, deleted on exit
TMP=""

say() { printf '%s\n' "$*"; }
step() { printf '\n== %s\n' "$*"; }
fail() {
  say ""
  say "FAIL: $*"
  exit 1
}

cleanup() {
  local i ns pid
  for ((i = ${#MADE[@]} - 1; i >= 0; i--)); do
    ns=${MADE[$i]}
    # Whatever still runs inside our namespaces (the agent's background arping) was started by us.
    for pid in $(ip netns pids "$ns" 2>/dev/null); do kill "$pid" 2>/dev/null || true; done
    ip netns del "$ns" 2>/dev/null || true
  done
  MADE=()
  if [[ -n $TMP ]]; then rm -rf -- "$TMP"; fi
  TMP=""
}

# Milliseconds since the epoch.
now_ms() { echo $(($(date +%s%N) / 1000000)); }

# agent NS HA_RSCTMP ACTION: runs the built agent in NS as Pacemaker would (clean environment, OCF
# variables only); sets RC, MS (duration) and OUT (its stderr: the agent's log lines).
agent() {
  local ns=$1 state=$2 action=$3 t0 interval=()
  [[ $action == monitor ]] && interval=(OCF_RESKEY_CRM_meta_interval=10000)
  t0=$(now_ms)
  RC=0
  OUT=$(ip netns exec "$ns" env -i PATH="$CLEAN_PATH" OCF_ROOT=/usr/lib/ocf HA_RSCTMP="$state" \
    OCF_RESOURCE_INSTANCE=vip OCF_RESKEY_ip=$VIP OCF_RESKEY_cidr_netmask=24 OCF_RESKEY_nic=eth0 \
    OCF_RESKEY_CRM_meta_timeout=20000 "${interval[@]}" "$AGENT" "$action" 2>&1 >/dev/null) || RC=$?
  MS=$(($(now_ms) - t0))
}

# agent_ok NAME NS STATE ACTION EXPECTED: runs the agent, prints the outcome, fails unless EXPECTED.
agent_ok() {
  local name=$1 expected=$5
  agent "$2" "$3" "$4"
  say "  $name: $4 -> exit $RC in $MS ms"
  if [[ $RC -ne $expected ]]; then
    [[ -n $OUT ]] && printf '    %s\n' "${OUT//$'\n'/$'\n'    }"
    fail "$4 on $name exited $RC, expected $expected"
  fi
}

mac_of() { ip -n "$1" -j link show dev eth0 | node -e 'console.log(JSON.parse(require("fs").readFileSync(0))[0].address)'; }
tx_packets() { ip -n "$1" -s -j link show dev eth0 | node -e 'console.log(JSON.parse(require("fs").readFileSync(0))[0].stats64.tx.packets)'; }
# The client's neighbour entry for the VIP: "<mac> <STATE>", or empty.
client_neigh() { ip -n "$CLIENT" neigh show "$VIP" dev eth0 | awk '{ for (i = 1; i < NF; i++) if ($i == "lladdr") m = $(i + 1); print m, $NF }'; }

# Packages, build, node on Pacemaker's PATH.
prepare() {
  [[ $(id -u) -eq 0 ]] || { echo "demo: needs root (network namespaces, addresses); run as root" >&2; exit 1; }
  bash "$ROOT/scripts/setup-system.sh" --demo
  command -v node >/dev/null || { echo "demo: node not found" >&2; exit 1; }
  if [[ -z ${DEMO_AGENT:-} && ! -x $AGENT ]]; then
    say "dist/ is missing: building (npm run build)"
    (cd "$ROOT" && npm run -s build)
  fi
  [[ -x $AGENT ]] || { echo "demo: agent $AGENT not found or not executable" >&2; exit 1; }
  if ! env -i PATH="$CLEAN_PATH" sh -c 'command -v node' >/dev/null; then
    CLEAN_PATH="$(dirname "$(command -v node)"):$CLEAN_PATH"
    say "note: node is not in Pacemaker's PATH; adding its directory for this demo"
  fi
}

# The switch (bridge) namespace and the three hosts, each with eth0 on the bridge.
build_network() {
  local i=0 ns addr
  ip netns add "$SW" && MADE+=("$SW")
  ip -n "$SW" link add br0 type bridge
  ip -n "$SW" link set br0 up
  for ns in "$NODE1:192.0.2.11/24" "$NODE2:192.0.2.12/24" "$CLIENT:192.0.2.100/24"; do
    addr=${ns#*:}
    ns=${ns%%:*}
    ip netns add "$ns" && MADE+=("$ns")
    # IPv4 only, so the client's tx counter counts nothing it sends on its own (router solicitations).
    ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
    ip -n "$SW" link add "p$i" type veth peer name eth0 netns "$ns"
    ip -n "$SW" link set "p$i" master br0 up
    ip -n "$ns" link set lo up
    ip -n "$ns" addr add "$addr" dev eth0
    ip -n "$ns" link set eth0 up
    i=$((i + 1))
  done
  mkdir -p "$TMP/node1" "$TMP/node2"   # each node's HA_RSCTMP, as on two machines
}

main() {
  prepare
  trap cleanup EXIT
  trap 'exit 130' INT TERM
  TMP=$(mktemp -d /tmp/pgbeat-demo.XXXXXX)

  say "pgbeat demo: virtual IP $VIP/24 moving from node1 to node2"
  say "agent: $AGENT (node $(env -i PATH="$CLEAN_PATH" node --version)), run as Pacemaker runs it:"
  say "  env -i PATH=$CLEAN_PATH OCF_ROOT=/usr/lib/ocf OCF_RESKEY_ip=$VIP OCF_RESKEY_cidr_netmask=24 OCF_RESKEY_nic=eth0 IPaddr <action>"
  say "(durations include 'ip netns exec', a few ms)"

  step "network: bridge namespace + node1 .11, node2 .12, client .100 on 192.0.2.0/24"
  build_network
  local mac1 mac2 entry tx0 tx1 t0 switched_ms="" i
  mac1=$(mac_of "$NODE1")
  mac2=$(mac_of "$NODE2")
  say "  node1 eth0 $mac1, node2 eth0 $mac2"

  step "1. start the VIP on node1"
  agent_ok node1 "$NODE1" "$TMP/node1" start 0
  local start1=$MS
  agent_ok node1 "$NODE1" "$TMP/node1" monitor 0
  ip netns exec "$CLIENT" ping -c 1 -W 2 -q "$VIP" >/dev/null || fail "client cannot ping $VIP on node1"
  say "  client: ping $VIP ok"
  entry=$(client_neigh)
  say "  client: ip neigh $VIP -> ${entry:-none}"
  [[ ${entry%% *} == "$mac1" ]] || fail "client's neighbour entry for $VIP is '${entry}', expected node1's MAC $mac1"
  say "  = node1's MAC"

  step "2. move it: stop on node1, start on node2 (the client sends nothing)"
  t0=$(now_ms)
  agent_ok node1 "$NODE1" "$TMP/node1" stop 0
  local stop1=$MS
  # From here on, only an ARP request of the client's own could also teach it node2's MAC: count
  # what it sends until its entry switches.
  tx0=$(tx_packets "$CLIENT")
  agent_ok node2 "$NODE2" "$TMP/node2" start 0
  local start2=$MS start2_log=$OUT
  # Wait (at most 3 s) for node2's gratuitous ARP to rewrite the client's entry; ip neigh only reads.
  for ((i = 0; i < 60; i++)); do
    entry=$(client_neigh)
    if [[ ${entry%% *} == "$mac2" ]]; then
      switched_ms=$(($(now_ms) - t0))
      break
    fi
    sleep 0.05
  done
  tx1=$(tx_packets "$CLIENT")
  say "  client: ip neigh $VIP -> ${entry:-none}"
  if [[ -z $switched_ms ]]; then
    [[ -n $start2_log ]] && printf '  node2 start log:\n    %s\n' "${start2_log//$'\n'/$'\n'    }"
    say "  hint: node2's gratuitous ARPs did not reach the client. The agent sends them with arping in the"
    say "  background, where arping's errors are not logged; compare by hand:"
    say "    ip netns exec $NODE2 arping -U -c 2 -I eth0 $VIP"
    fail "the client's neighbour entry for $VIP still points to ${entry%% *}, not node2's MAC $mac2, 3 s after the move"
  fi
  say "  client transmitted $((tx1 - tx0)) packets from node2's start until then"
  # An answer to a request of the client's own would leave the entry REACHABLE; an unsolicited
  # packet leaves it STALE. Packets the client did send (node1 checks the client's address again
  # 5 s after the first ping, and the client answers) do not matter while the entry is STALE.
  if [[ $tx1 -ne $tx0 && ${entry##* } != STALE ]]; then
    fail "the client's entry switched but is ${entry##* }, and the client sent $((tx1 - tx0)) packets meanwhile: it may have asked itself"
  fi
  [[ $tx1 -eq $tx0 ]] || say "  (none was a request answered by node2: the entry would then be REACHABLE)"
  say "  = node2's MAC, $switched_ms ms after the stop on node1 began, from gratuitous ARP alone"
  say "    (STALE: learned from an unsolicited packet; an answer to the client would make it REACHABLE)"
  agent_ok node1 "$NODE1" "$TMP/node1" monitor 7
  agent_ok node2 "$NODE2" "$TMP/node2" monitor 0

  step "3. the client reaches the VIP on node2"
  ip netns exec "$CLIENT" ping -c 1 -W 2 -q "$VIP" >/dev/null || fail "client cannot ping $VIP on node2"
  entry=$(client_neigh)
  say "  client: ping $VIP ok; ip neigh $VIP -> ${entry:-none}"
  [[ ${entry%% *} == "$mac2" ]] || fail "after the ping the client's entry is '${entry}', expected node2's MAC $mac2"

  step "cleanup: stop on node2"
  agent_ok node2 "$NODE2" "$TMP/node2" stop 0
  local stop2=$MS

  step "timings"
  say "  start node1 ${start1} ms | stop node1 ${stop1} ms | start node2 ${start2} ms | stop node2 ${stop2} ms"
  say "  client following the VIP: ${switched_ms} ms from the stop on node1 (stop + start + gratuitous ARP)"
  say ""
  say "PASS: $VIP moved node1 -> node2; the client's neighbour entry followed by gratuitous ARP in ${switched_ms} ms, ping ok"
}

main "$@"
