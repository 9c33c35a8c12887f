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
  measure 'node -e 0' "${agent[@]}" "$BENCH_NODE" -e 0
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

PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
PGBEAT_PG=$BENCH_ROOT/dist/agents/postgresql
STOCK_PGSQL=$OCF_ROOT_DIR/resource.d/heartbeat/pgsql

# A scratch PostgreSQL instance owned by postgres: pg_instance NAME PORT (data in $BENCH_TMP/NAME).
pg_instance() {
  local dir=$BENCH_TMP/$1
  mkdir -p "$dir/sock" && chown -R postgres "$dir" && chmod 755 "$BENCH_TMP"
  runuser -u postgres -- "$PGBIN/initdb" -D "$dir/data" -A trust -N >/dev/null
  printf "port = %s\nunix_socket_directories = '%s'\nlisten_addresses = ''\nwal_log_hints = on\nfsync = off\n" "$2" "$dir/sock" >>"$dir/data/postgresql.conf"
  runuser -u postgres -- "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/log" -w start >/dev/null
}

pg_stop_all() {
  local d
  for d in "$BENCH_TMP"/pg*/data; do
    [[ -f $d/postmaster.pid ]] && runuser -u postgres -- "$PGBIN/pg_ctl" -D "$d" -m immediate -w stop >/dev/null 2>&1
  done
  return 0
}

# postgresql vs stock ocf:heartbeat:pgsql monitor on the same running primary and standby; promote time.
section_postgresql() {
  [[ -x $STOCK_PGSQL ]] || bench_die "stock pgsql not found at $STOCK_PGSQL; install it with: apt-get install -y resource-agents"
  [[ -x $PGBIN/initdb ]] || bench_die "PostgreSQL binaries not found in $PGBIN (set PGBIN)"
  trap 'pg_stop_all; bench_cleanup' EXIT
  pg_instance pgp 55491
  local p=$BENCH_TMP/pgp s=$BENCH_TMP/pgs
  runuser -u postgres -- "$PGBIN/pg_basebackup" -D "$s/data" -d "host=$p/sock port=55491 application_name=pgs" -R -X stream 2>/dev/null ||
    { mkdir -p "$s/sock" && chown -R postgres "$s" && runuser -u postgres -- "$PGBIN/pg_basebackup" -D "$s/data" -d "host=$p/sock port=55491 application_name=pgs" -R -X stream; }
  printf "port = 55492\nunix_socket_directories = '%s'\n" "$s/sock" >>"$s/data/postgresql.conf"
  runuser -u postgres -- "$PGBIN/pg_ctl" -D "$s/data" -l "$s/log" -w start >/dev/null

  local agent=(env -i "PATH=$CLEAN_PATH" "OCF_ROOT=$OCF_ROOT_DIR" OCF_RESKEY_CRM_meta_interval=15000 OCF_RESKEY_CRM_meta_timeout=20000 "HA_RSCTMP=$BENCH_TMP")
  local ours_p=(OCF_RESOURCE_INSTANCE=pgp "OCF_RESKEY_pgdata=$p/data" "OCF_RESKEY_pghost=$p/sock" OCF_RESKEY_pgport=55491 OCF_RESKEY_mode=primitive)
  local ours_s=(OCF_RESOURCE_INSTANCE=pgs "OCF_RESKEY_pgdata=$s/data" "OCF_RESKEY_pghost=$s/sock" OCF_RESKEY_pgport=55492 OCF_RESKEY_mode=promotable
    "OCF_RESKEY_primary_host=$p/sock" OCF_RESKEY_primary_port=55491)
  local stock=("OCF_RESKEY_pgctl=$PGBIN/pg_ctl" "OCF_RESKEY_psql=$PGBIN/psql")
  measure 'pgbeat postgresql monitor (primary)' "${agent[@]}" "${ours_p[@]}" "$PGBEAT_PG" monitor
  measure 'stock pgsql monitor (primary)' "${agent[@]}" OCF_RESOURCE_INSTANCE=sp "${stock[@]}" "OCF_RESKEY_pgdata=$p/data" "OCF_RESKEY_socketdir=$p/sock" "OCF_RESKEY_pghost=$p/sock" OCF_RESKEY_pgport=55491 "$STOCK_PGSQL" monitor
  measure 'pgbeat postgresql monitor (standby)' "${agent[@]}" "${ours_s[@]}" "$PGBEAT_PG" monitor
  measure 'stock pgsql monitor (standby)' "${agent[@]}" OCF_RESOURCE_INSTANCE=ss "${stock[@]}" "OCF_RESKEY_pgdata=$s/data" "OCF_RESKEY_socketdir=$s/sock" "OCF_RESKEY_pghost=$s/sock" OCF_RESKEY_pgport=55492 "$STOCK_PGSQL" monitor
  bench_run postgresql
  bench_table postgresql "postgresql (PostgreSQL 15 primary and streaming standby on unix sockets; monitor with CRM_meta_interval=15000)"

  local mp ms sp ss
  mp=$(median postgresql 'pgbeat postgresql monitor (primary)') sp=$(median postgresql 'stock pgsql monitor (primary)')
  ms=$(median postgresql 'pgbeat postgresql monitor (standby)') ss=$(median postgresql 'stock pgsql monitor (standby)')
  verdict 'monitor primary pgbeat/stock' "$(calc "$mp / $sp")" x '<=' 0.3 "$(calc "$(minimum postgresql 'pgbeat postgresql monitor (primary)') / $(minimum postgresql 'stock pgsql monitor (primary)')")"
  verdict 'monitor standby pgbeat/stock' "$(calc "$ms / $ss")" x '<=' 0.3 "$(calc "$(minimum postgresql 'pgbeat postgresql monitor (standby)') / $(minimum postgresql 'stock pgsql monitor (standby)')")"
  # Where our time goes: Node's own start (the empty script of the IPaddr section) is a floor no
  # agent written for Node goes below; the rest is the monitor's work.
  local floor
  floor=$(median ipaddr 'node floor (empty script)')
  verdict 'monitor primary pgbeat - node floor' "$(calc "$mp - $floor")" ms - '' "$(calc "$(minimum postgresql 'pgbeat postgresql monitor (primary)') - $(minimum ipaddr 'node floor (empty script)')")"
  verdict 'node floor / stock pgsql monitor (primary)' "$(calc "$floor / $sp")" x - '' "$(calc "$(minimum ipaddr 'node floor (empty script)') / $(minimum postgresql 'stock pgsql monitor (primary)')")"

  # Promote time: from the promote call to the first write the new primary accepts.
  runuser -u postgres -- "$PGBIN/psql" -h "$p/sock" -p 55491 -qAtc 'CREATE TABLE IF NOT EXISTS bench_w (x int)' postgres
  runuser -u postgres -- "$PGBIN/pg_ctl" -D "$p/data" -m fast -w stop >/dev/null
  local t0 t1 tries=0
  t0=$(date +%s%N)
  "${agent[@]}" "${ours_s[@]}" OCF_RESKEY_sync_mode=off "$PGBEAT_PG" promote 2>/dev/null || bench_die 'promote failed'
  until runuser -u postgres -- "$PGBIN/psql" -h "$s/sock" -p 55492 -qAtc 'INSERT INTO bench_w VALUES (1)' postgres >/dev/null 2>&1; do
    ((++tries < 500)) || bench_die 'no write accepted after promote'
    sleep 0.01
  done
  t1=$(date +%s%N)
  verdict 'promote: call to first accepted write' "$(calc "($t1 - $t0) / 1000000")" ms - '' "$(calc "($t1 - $t0) / 1000000")"
}

main() {
  bench_init
  bench_header
  bench_ns_create
  section_ipaddr
  section_postgresql
  bench_summary
}

main "$@"
