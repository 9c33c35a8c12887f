#!/usr/bin/env bash
# npm run bench: what pgbeat's agents cost per call, against the stock resource-agents they replace.
# Pacemaker runs `monitor` every few seconds on every node, so start-up time is the agents' main cost.
#
# Needs root (network namespaces), hyperfine, iproute2, resource-agents (the stock agents), node.
# Installs nothing. Builds dist/ first if it is missing. Creates one network namespace (a veth pair,
# 192.0.2.0/24, no route out) and deletes it on exit.
#
#   BENCH_RUNS=50 BENCH_WARMUP=5   timed and warm-up runs per command (defaults shown)
#   BENCH_ROUNDS=1                 repeat the hyperfine run, pooling samples (spreads a load burst)
#   BENCH_KEEP=DIR                 also copy hyperfine's JSON exports to DIR
#
# Exit 0 whatever the figures (targets are reported as PASS/MISS); 1 when something could not run.
# Sections are functions; add new ones (postgresql monitor vs ocf:heartbeat:pgsql, promote time) the
# same way: register commands with `measure`, time them with `bench_run`, read `median`, call `verdict`.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib/bench-common.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/bench-common.sh"

PGBEAT_IPADDR=$BENCH_ROOT/dist/agents/IPaddr
STOCK_IPADDR2=$OCF_ROOT_DIR/resource.d/heartbeat/IPaddr2
VIP=192.0.2.10

# IPaddr vs IPaddr2: the node floor, monitor with the address present, meta-data, validate-all.
section_ipaddr() {
  [[ -x $STOCK_IPADDR2 ]] || bench_die "stock IPaddr2 not found at $STOCK_IPADDR2; install it with: apt-get install -y resource-agents"
  ip -n "$BENCH_NS" addr add "$VIP/24" dev veth0

  local empty agent=(env -i "PATH=$CLEAN_PATH" "OCF_ROOT=$OCF_ROOT_DIR")
  local params=(OCF_RESOURCE_INSTANCE=bench-vip "OCF_RESKEY_ip=$VIP" OCF_RESKEY_cidr_netmask=24 OCF_RESKEY_nic=veth0)
  local recurring=(OCF_RESKEY_CRM_meta_interval=10000 OCF_RESKEY_CRM_meta_timeout=20000)
  empty=$(bench_empty_node_script)

  measure 'node floor (empty script)' "${agent[@]}" "$empty"
  measure 'node -e 0' "${agent[@]}" node -e 0
  measure 'pgbeat IPaddr monitor' "${agent[@]}" "${params[@]}" "${recurring[@]}" "$PGBEAT_IPADDR" monitor
  measure 'stock IPaddr2 monitor' "${agent[@]}" "${params[@]}" "${recurring[@]}" "$STOCK_IPADDR2" monitor
  measure 'pgbeat IPaddr meta-data' "${agent[@]}" "$PGBEAT_IPADDR" meta-data
  measure 'stock IPaddr2 meta-data' "${agent[@]}" "$STOCK_IPADDR2" meta-data
  measure 'pgbeat IPaddr validate-all' "${agent[@]}" "${params[@]}" "$PGBEAT_IPADDR" validate-all
  measure 'stock IPaddr2 validate-all' "${agent[@]}" "${params[@]}" "$STOCK_IPADDR2" validate-all
  bench_run ipaddr

  bench_table ipaddr "IPaddr (ip=$VIP cidr_netmask=24 nic=veth0, address present; monitor with CRM_meta_interval=10000)"

  # Targets are judged on medians; the same figures from minima are shown beside them.
  local floor mon_pg mon_st md_pg md_st va_pg va_st
  local floor_m mon_pg_m mon_st_m md_pg_m md_st_m va_pg_m va_st_m
  floor=$(median ipaddr 'node floor (empty script)') floor_m=$(minimum ipaddr 'node floor (empty script)')
  mon_pg=$(median ipaddr 'pgbeat IPaddr monitor') mon_pg_m=$(minimum ipaddr 'pgbeat IPaddr monitor')
  mon_st=$(median ipaddr 'stock IPaddr2 monitor') mon_st_m=$(minimum ipaddr 'stock IPaddr2 monitor')
  md_pg=$(median ipaddr 'pgbeat IPaddr meta-data') md_pg_m=$(minimum ipaddr 'pgbeat IPaddr meta-data')
  md_st=$(median ipaddr 'stock IPaddr2 meta-data') md_st_m=$(minimum ipaddr 'stock IPaddr2 meta-data')
  va_pg=$(median ipaddr 'pgbeat IPaddr validate-all') va_pg_m=$(minimum ipaddr 'pgbeat IPaddr validate-all')
  va_st=$(median ipaddr 'stock IPaddr2 validate-all') va_st_m=$(minimum ipaddr 'stock IPaddr2 validate-all')
  verdict 'monitor pgbeat/stock' "$(calc "$mon_pg / $mon_st")" x '<=' 0.5 "$(calc "$mon_pg_m / $mon_st_m")"
  verdict 'meta-data pgbeat - node floor' "$(calc "$md_pg - $floor")" ms '<=' 10 "$(calc "$md_pg_m - $floor_m")"
  verdict 'validate-all pgbeat/stock' "$(calc "$va_pg / $va_st")" x - '' "$(calc "$va_pg_m / $va_st_m")"
  verdict 'meta-data pgbeat/stock' "$(calc "$md_pg / $md_st")" x - '' "$(calc "$md_pg_m / $md_st_m")"
  verdict 'monitor pgbeat - node floor' "$(calc "$mon_pg - $floor")" ms - '' "$(calc "$mon_pg_m - $floor_m")"
}

# To come, same shape: section_postgresql (monitor vs stock ocf:heartbeat:pgsql), section_promote.

main() {
  bench_init
  bench_header
  bench_ns_create
  section_ipaddr
  bench_summary
}

main "$@"
