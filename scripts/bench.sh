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
#   BENCH_SECTIONS='ipaddr postgresql db_sync'   the sections to run (or: npm run bench -- db_sync)
#   DB_SYNC_SCALE=20               pgbench scale of the db_sync section's source (about 15 MB per unit)
#   npm run bench -- failover      the failover trials on the two-node bed (scripts/lab/bench-failover.ts:
#                                  pgbeat, heartbeat 3.0.6 and Pacemaker + corosync with our agents; its
#                                  head lists BENCH_FAILOVER_TRIALS and the other knobs); tens of minutes
#   npm run bench -- --report      ipaddr, postgresql and failover, then a markdown report and pictures
#                                  in BENCH_REPORT_DIR (default ./bench-report), whose paths it prints
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

PGBEAT_DB_SYNC=$BENCH_ROOT/dist/agents/db_sync
DB_SYNC_SCALE=${DB_SYNC_SCALE:-20}   # pgbench scale of the source (20: about 300 MB)
DB_SYNC_RSYNCD_PID=""

# Milliseconds since the epoch.
now_ms() { echo $(($(date +%s%N) / 1000000)); }

# A file's or tree's size in bytes (hard links counted once).
tree_bytes() { du -sb "$1" | cut -f1; }

# db_sync's state file value: db_sync_state TARGET FIELD (a number of lastGood).
db_sync_state() {
  local key=${1#/}
  key=${key//[^A-Za-z0-9_.-]/_}
  "$BENCH_NODE" -e 'const s = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); console.log(s.lastGood[process.argv[2]])' "$BENCH_TMP/dbsync-state/$key.state" "$2"
}

db_sync_cleanup() {
  if [[ -n $DB_SYNC_RSYNCD_PID ]]; then kill "$DB_SYNC_RSYNCD_PID" 2>/dev/null || true; DB_SYNC_RSYNCD_PID=""; fi
  pg_stop_all
  bench_cleanup
}

# db_sync: a full consistent rsync copy against raw pg_basebackup of the same source, in the same run;
# then ~1% of pgbench_accounts rows changed and an incremental rsync run: bytes moved against the bytes
# changed (the WAL the change wrote, full-page images included: every data page it touched, once).
section_db_sync() {
  [[ -x $PGBIN/pgbench ]] || bench_die "PostgreSQL binaries not found in $PGBIN (set PGBIN)"
  [[ -x $PGBEAT_DB_SYNC ]] || bench_die "$PGBEAT_DB_SYNC is missing: npm run build"
  command -v rsync >/dev/null || bench_die "rsync not found; install it with: apt-get install -y rsync"
  trap db_sync_cleanup EXIT
  local port=55493 rport=55494 src=$BENCH_TMP/pgsrc
  pg_instance pgsrc $port
  local psql=(runuser -u postgres -- "$PGBIN/psql" -h "$src/sock" -p $port -qAtX -d postgres)
  echo "db_sync: pgbench -i -s $DB_SYNC_SCALE ..." >&2
  runuser -u postgres -- "$PGBIN/pgbench" -i -q -s "$DB_SYNC_SCALE" -h "$src/sock" -p $port postgres >/dev/null 2>&1 || bench_die "pgbench -i failed"
  "${psql[@]}" -c 'CHECKPOINT' >/dev/null

  # A real rsync daemon on loopback exporting the source's data directory, with a secret.
  printf 'bench:s3cret\n' >"$BENCH_TMP/rsyncd.secrets" && printf 's3cret\n' >"$BENCH_TMP/rsync.pass"
  chmod 600 "$BENCH_TMP/rsyncd.secrets" "$BENCH_TMP/rsync.pass"
  printf 'use chroot = no\npid file = %s\n[pgdata]\npath = %s\nread only = yes\nuid = postgres\ngid = postgres\nauth users = bench\nsecrets file = %s\n' \
    "$BENCH_TMP/rsyncd.pid" "$src/data" "$BENCH_TMP/rsyncd.secrets" >"$BENCH_TMP/rsyncd.conf"
  rsync --daemon --no-detach --config="$BENCH_TMP/rsyncd.conf" --port=$rport --address=127.0.0.1 &
  DB_SYNC_RSYNCD_PID=$!
  local tries=0
  until rsync "rsync://127.0.0.1:$rport/" >/dev/null 2>&1; do ((++tries < 100)) || bench_die "the rsync daemon did not start"; sleep 0.1; done

  mkdir -p "$BENCH_TMP/copies" && chmod 755 "$BENCH_TMP/copies"
  local agent=(env -i "PATH=$CLEAN_PATH" "OCF_RESKEY_source_host=$src/sock" "OCF_RESKEY_source_port=$port" "OCF_RESKEY_bindir=$PGBIN"
    OCF_RESKEY_method=rsync OCF_RESKEY_rsync_host=127.0.0.1 OCF_RESKEY_rsync_module=pgdata "OCF_RESKEY_rsync_port=$rport" OCF_RESKEY_rsync_user=bench
    "OCF_RESKEY_rsync_password_file=$BENCH_TMP/rsync.pass" "OCF_RESKEY_state_dir=$BENCH_TMP/dbsync-state"
    "OCF_RESKEY_target_dir=$BENCH_TMP/copies/rsync")

  local t0 t1 bb_ms=999999999 full_ms=999999999 inc_ms size full_moved inc_moved lsn0 lsn1 changed rows round
  # Two rounds each, alternating, best kept: the first run of anything pays for a cold page cache.
  for round in 1 2; do
    rm -rf "$BENCH_TMP/copies/bb" && mkdir -p "$BENCH_TMP/copies/bb" && chown postgres "$BENCH_TMP/copies/bb"
    t0=$(now_ms)
    runuser -u postgres -- "$PGBIN/pg_basebackup" -D "$BENCH_TMP/copies/bb" -d "host=$src/sock port=$port" -X stream -c fast || bench_die "pg_basebackup failed"
    t1=$(now_ms); ((t1 - t0 < bb_ms)) && bb_ms=$((t1 - t0))
    size=$(tree_bytes "$BENCH_TMP/copies/bb")
    rm -rf "$BENCH_TMP/copies/bb" "$BENCH_TMP/copies/rsync"
    t0=$(now_ms)
    "${agent[@]}" "$PGBEAT_DB_SYNC" run 2>"$BENCH_TMP/dbsync-full.log" || bench_die "db_sync full run failed: $(tail -1 "$BENCH_TMP/dbsync-full.log")"
    t1=$(now_ms); ((t1 - t0 < full_ms)) && full_ms=$((t1 - t0))
    full_moved=$(db_sync_state "$BENCH_TMP/copies/rsync" bytesMoved)
  done

  rows=$((DB_SYNC_SCALE * 1000))
  lsn0=$("${psql[@]}" -c 'CHECKPOINT' -c 'SELECT pg_current_wal_lsn()')
  "${psql[@]}" -c "UPDATE pgbench_accounts SET abalance = abalance + 1 WHERE aid <= $rows" >/dev/null
  lsn1=$("${psql[@]}" -c 'SELECT pg_current_wal_lsn()')
  changed=$("${psql[@]}" -c "SELECT pg_wal_lsn_diff('$lsn1', '$lsn0')::bigint")
  "${psql[@]}" -c 'CHECKPOINT' >/dev/null

  t0=$(now_ms)
  "${agent[@]}" "$PGBEAT_DB_SYNC" run 2>"$BENCH_TMP/dbsync-inc.log" || bench_die "db_sync incremental run failed: $(tail -1 "$BENCH_TMP/dbsync-inc.log")"
  t1=$(now_ms); inc_ms=$((t1 - t0))
  inc_moved=$(db_sync_state "$BENCH_TMP/copies/rsync" bytesMoved)

  echo "db_sync (PostgreSQL 15 source, pgbench scale $DB_SYNC_SCALE, $(calc "$size / 1048576") MiB; rsync daemon on loopback; full copies: best of 2)"
  printf '  %-56s %10s %14s %12s\n' run time 'bytes moved' 'MiB/s'
  printf '  %-56s %7d ms %14d %12s\n' 'pg_basebackup -X stream -c fast (raw)' "$bb_ms" "$size" "$(calc "$size / 1048576 / ($bb_ms / 1000)")"
  printf '  %-56s %7d ms %14d %12s\n' 'db_sync run, method=rsync, full' "$full_ms" "$full_moved" "$(calc "$size / 1048576 / ($full_ms / 1000)")"
  printf '  %-56s %7d ms %14d %12s\n' "db_sync run, method=rsync, after $rows rows (1%) changed" "$inc_ms" "$inc_moved" '-'
  printf '  %-56s %10s %14d\n' 'bytes changed (WAL of the UPDATE, FPIs incl.)' '' "$changed"
  echo
  verdict 'db_sync full/basebackup throughput' "$(calc "$bb_ms / $full_ms")" x '>=' 0.8
  verdict 'db_sync incremental moved/changed' "$(calc "$inc_moved / $changed")" x '<=' 2
  verdict 'db_sync incremental time' "$(calc "$inc_ms / 1000")" s - ''
  verdict 'db_sync RPO at interval=300' "$(calc "300 + $full_ms / 1000")" s - ''
}

BENCH_LOCK=/tmp/pgbeat-cluster.lock   # the bed's namespaces have fixed names: one bed at a time per machine
BENCH_REPORT=""                       # the report directory with --report

# failover: the bed's trials (scripts/lab/bench-failover.ts; each trial takes the lock the bed's tests take).
section_failover() {
  [[ -x $BENCH_ROOT/dist/bin/pgbeat ]] || bench_die "$BENCH_ROOT/dist/bin/pgbeat is missing: npm run build"
  command -v flock >/dev/null || bench_die "flock not found; install it with: apt-get install -y util-linux"
  local args=()
  [[ -n $BENCH_REPORT ]] && args=(--report "$BENCH_REPORT")
  echo "failover: each trial takes $BENCH_LOCK (tests that build the bed take it too), so expect waits" >&2
  (cd "$BENCH_ROOT" && BENCH_COMMAND="npm run bench -- ${BENCH_ARGS:-failover}" "$BENCH_NODE" --import tsx scripts/lab/bench-failover.ts "${args[@]}") ||
    bench_die "the failover trials did not run (scripts/lab/bench-failover.ts down removes what a crashed run left)"
  echo
}

# The report's second part: the agent micro-benchmarks' ratios and targets.
report_append_verdicts() {
  local file=$BENCH_REPORT/failover.md line
  {
    echo
    echo "### Agent micro-benchmarks"
    echo
    echo "\`npm run bench\` (ipaddr, postgresql sections), medians of $BENCH_RUNS runs; ratios are pgbeat / stock resource-agents:"
    echo
    echo '```'
    for line in "${VERDICTS[@]}"; do echo "$line"; done
    echo '```'
  } >>"$file"
  echo "report: $file (with the agent micro-benchmarks)"
}

main() {
  BENCH_ARGS="$*"
  if [[ ${1:-} == --report ]]; then
    BENCH_REPORT=$(realpath -m "${BENCH_REPORT_DIR:-$PWD/bench-report}")
    mkdir -p "$BENCH_REPORT" || bench_die "cannot create $BENCH_REPORT"
    set -- "${BENCH_SECTIONS:-ipaddr postgresql failover}"
  fi
  bench_init
  bench_header
  # `npm run bench -- db_sync` (or BENCH_SECTIONS=db_sync) runs that section alone.
  local sections=${1:-${BENCH_SECTIONS:-ipaddr postgresql db_sync}}
  if [[ " $sections " == *" ipaddr "* || " $sections " == *" postgresql "* ]]; then bench_ns_create; fi
  [[ " $sections " == *" ipaddr "* ]] && section_ipaddr
  [[ " $sections " == *" postgresql "* ]] && section_postgresql
  if [[ " $sections " == *" db_sync "* ]]; then pg_stop_all; section_db_sync; fi
  [[ " $sections " == *" failover "* ]] && section_failover
  bench_summary
  if [[ -n $BENCH_REPORT && -f $BENCH_REPORT/failover.md ]]; then report_append_verdicts; fi
}

main "$@"
