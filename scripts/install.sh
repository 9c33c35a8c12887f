#!/usr/bin/env bash
# Installs the built pgbeat agents where the cluster managers look for them, and removes them again.
#
#   bash scripts/install.sh                       # install dist/ into the real system (root)
#   bash scripts/install.sh --prefix-root DIR     # the same layout under DIR (tests, packaging)
#   bash scripts/install.sh --uninstall [--prefix-root DIR]
#
# What goes where (each agent in dist/agents/, e.g. IPaddr):
#   /usr/lib/ocf/resource.d/pgbeat/<agent>   the OCF agent: Pacemaker (ocf:pgbeat:<agent>), ocf-tester
#   /etc/ha.d/resource.d/pgbeat-<agent>      the same program as a heartbeat v1 resource script.
#                                            heartbeat and resource-agents ship their own IPaddr
#                                            there, hence the prefix; ResourceManager handles the
#                                            dash like any other character (it only splits on "::"
#                                            and spaces), so haresources says pgbeat-IPaddr::...
#                                            db_sync's one-shot `run` for cron uses either path:
#                                            pgbeat-db_sync <source_host> <target_dir> [name=value ...] run
#   /usr/local/lib/pgbeat/bin/pgbeat         the bundled heartbeat manager / CLI, with serialport's native
#   /usr/local/lib/pgbeat/prebuilds/<plat>/  binding in ../prebuilds, where the bundle looks for it
#                                            (scripts/build.mjs); the serial medium needs it
#   /usr/local/bin/pgbeat                    a two-line script that runs the manager from there
#   /usr/local/bin/{cl_status,hb_standby,hb_takeover}
#                                            heartbeat's admin tools answered by pgbeat (scripts/admin/),
#                                            only where heartbeat's own are absent (/usr/bin/cl_status,
#                                            /usr/share/heartbeat/hb_*) and nothing else is there
#   /var/lib/pgbeat/install-manifest         what this script installed: one line per path with
#                                            its sha256, plus the directories it created
#
# Rules:
#   * It never overwrites a file it did not install (or that was edited since): it says which and
#     exits 1 before writing anything.
#   * Re-installing updates the files it owns; files of an older install that the new build no
#     longer has are removed (when unchanged).
#   * --uninstall removes only files whose content still matches the manifest, then the
#     directories it created if they are empty.
#   * Installed agents start with `#!/usr/bin/env node` (whatever interpreter line the build has: a
#     dev build names the repository's pinned runtime, which must not outlive the clone). Pacemaker
#     runs them with PATH=/usr/sbin:/usr/bin:/sbin:/bin; when node is not found there, the installed
#     copies get `#!<absolute node path>`. The Debian package (npm run package) carries its own runtime.
set -euo pipefail
umask 022

PROG=pgbeat-install
# The PATH Pacemaker gives agents (overridable only so tests can simulate node living elsewhere).
CLEAN_PATH=${PGBEAT_MANAGER_PATH:-/usr/sbin:/usr/bin:/sbin:/bin}
OCF_DIR=/usr/lib/ocf/resource.d/pgbeat
HA_RESOURCE_DIR=/etc/ha.d/resource.d
BIN_DIR=/usr/local/bin
LIB_DIR=/usr/local/lib/pgbeat
ADMIN_SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/admin
MANIFEST=/var/lib/pgbeat/install-manifest
V1_PREFIX=pgbeat-

usage() {
  cat <<EOF
usage: $0 [--prefix-root DIR] [--dist DIR] [--node PATH] [--uninstall]
  --prefix-root DIR  install under DIR instead of / (the manifest goes there too)
  --dist DIR         the build to install (default: dist/ next to this script's directory)
  --node PATH        the node interpreter agents must use when \`env node\` does not find it
                     with Pacemaker's PATH ($CLEAN_PATH)
  --uninstall        remove what an earlier install put there
EOF
}

die() { echo "$PROG: $*" >&2; exit 1; }
say() { echo "$PROG: $*"; }

root=/
dist=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/dist
node_opt=
mode=install
while [[ $# -gt 0 ]]; do
  case $1 in
    --prefix-root) [[ $# -ge 2 ]] || die "--prefix-root needs a directory"; root=$2; shift 2 ;;
    --prefix-root=*) root=${1#*=}; shift ;;
    --dist) [[ $# -ge 2 ]] || die "--dist needs a directory"; dist=$2; shift 2 ;;
    --dist=*) dist=${1#*=}; shift ;;
    --node) [[ $# -ge 2 ]] || die "--node needs a path"; node_opt=$2; shift 2 ;;
    --node=*) node_opt=${1#*=}; shift ;;
    --uninstall) mode=uninstall; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument: $1" ;;
  esac
done

[[ -d $root ]] || die "prefix root $root is not a directory"
root=$(cd "$root" && pwd)
[[ $root == / ]] && root=
# R/path: the path as written on disk (under the prefix root when there is one).
R() { printf '%s%s' "$root" "$1"; }
if [[ -z $root && $(id -u) -ne 0 ]]; then die "installing into / needs root (or use --prefix-root DIR)"; fi

sha() { sha256sum -- "$1" | cut -d' ' -f1; }

# ---- the manifest: "file<TAB>sha256<TAB>/path" and "dir<TAB>-<TAB>/path" lines, paths without root ----
declare -A m_hash=()      # path -> sha256 of the content this script wrote
declare -a m_files=()     # paths, in install order
declare -a m_dirs=()      # directories this script created, parents first
read_manifest() {
  local f kind hash path
  f=$(R "$MANIFEST")
  [[ -f $f ]] || return 0
  while IFS=$'\t' read -r kind hash path; do
    case $kind in
      file) [[ -n ${m_hash[$path]+x} ]] || m_files+=("$path"); m_hash[$path]=$hash ;;
      dir) m_dirs+=("$path") ;;
      ''|'#'*) ;;
      *) die "$f: unknown line kind '$kind'" ;;
    esac
  done <"$f"
}
write_manifest() {
  local f tmp p
  f=$(R "$MANIFEST")
  tmp=$(mktemp "$f.XXXXXX")
  {
    echo "# pgbeat install manifest: written by scripts/install.sh, read by --uninstall"
    for p in "${m_dirs[@]}"; do printf 'dir\t-\t%s\n' "$p"; done
    for p in "${m_files[@]}"; do
      if [[ -n ${m_hash[$p]+x} ]]; then printf 'file\t%s\t%s\n' "${m_hash[$p]}" "$p"; fi
    done
  } >"$tmp"
  chmod 644 "$tmp"
  mv -f "$tmp" "$f"
}
dir_listed() { local d; for d in "${m_dirs[@]}"; do [[ $d == "$1" ]] && return 0; done; return 1; }

# Creates a directory and its missing parents (mode 755), remembering the ones it made.
make_dir() {
  local path=$1 parent
  [[ -d $(R "$path") ]] && return 0
  parent=$(dirname "$path")
  [[ $parent != "$path" ]] && make_dir "$parent"
  mkdir -m 755 "$(R "$path")"
  dir_listed "$path" || m_dirs+=("$path")
}

# Removes a file we installed, if it still holds what we wrote. Prints why it keeps one.
remove_owned() {
  local path=$1 disk
  disk=$(R "$path")
  if [[ -L $disk || ( -e $disk && ! -f $disk ) ]]; then
    say "kept $disk: no longer the regular file pgbeat installed"
  elif [[ ! -e $disk ]]; then
    :
  elif [[ $(sha "$disk") != "${m_hash[$path]}" ]]; then
    say "kept $disk: changed since pgbeat installed it"
  else
    rm -f -- "$disk"
    say "removed $disk"
  fi
  unset "m_hash[$path]"
}

# Removes the directories we created, deepest first, while they are empty.
remove_dirs() {
  local i d disk keep=()
  for ((i = ${#m_dirs[@]} - 1; i >= 0; i--)); do
    d=${m_dirs[$i]}
    disk=$(R "$d")
    if [[ ! -d $disk ]]; then continue; fi
    if rmdir -- "$disk" 2>/dev/null; then say "removed $disk/"; else keep=("$d" "${keep[@]}"); fi
  done
  m_dirs=("${keep[@]}")
}

uninstall() {
  read_manifest
  [[ -f $(R "$MANIFEST") ]] || { say "nothing to uninstall: no $(R "$MANIFEST")"; return 0; }
  local p
  for p in "${m_files[@]}"; do remove_owned "$p"; done
  m_files=()
  rm -f -- "$(R "$MANIFEST")"
  remove_dirs
  # Directories that still hold something else are left alone (and forgotten), like dpkg does.
  local d
  for d in "${m_dirs[@]}"; do say "kept $(R "$d")/: not empty"; done
}

# ---- install ----

# The interpreter line agents get: keep `#!/usr/bin/env node` when Pacemaker's PATH finds node.
choose_shebang() {
  local found
  found=$(env -i PATH="$CLEAN_PATH" /bin/sh -c 'command -v node' 2>/dev/null || true)
  if [[ -z $node_opt && -n $found ]]; then
    shebang='#!/usr/bin/env node'
    node_bin=$found
    return
  fi
  node_bin=${node_opt:-$(command -v node || true)}
  [[ -n $node_bin ]] || die "node is not on Pacemaker's PATH ($CLEAN_PATH) nor on this PATH; use --node PATH"
  [[ $node_bin == /* ]] || die "--node must be an absolute path, got $node_bin"
  [[ -x $node_bin ]] || die "$node_bin is not executable"
  shebang="#!$node_bin"
}

# The bundles are built for node >= 20.19 (esbuild target node20); CI tests only the pinned
# runtime (package.json "engines", 24.22.3), which the Debian package carries.
check_node_version() {
  local v
  v=$("$node_bin" -p 'process.versions.node' 2>/dev/null) || true
  [[ $v =~ ^[0-9]+\.[0-9]+ ]] || die "$node_bin does not look like a node interpreter"
  local major=${v%%.*} rest=${v#*.}
  local minor=${rest%%.*}
  if (( major < 20 || (major == 20 && minor < 19) )); then
    die "$node_bin is node $v; the agents need node >= 20.19"
  fi
}

# Every component of an installed path must let other users through (ocf-tester runs meta-data as
# nobody, so does Pacemaker's metadata cache on some setups).
check_traversable() {
  local path=$1 d= part perms
  local IFS=/
  for part in $path; do
    [[ -z $part ]] && continue
    d="$d/$part"
    [[ -e $(R "$d") ]] || return 0
    perms=$(stat -L -c %A -- "$(R "$d")")
    [[ ${perms:9:1} == [xt] ]] ||
      die "$(R "$d") is not traversable by other users ($perms); agents there would not run as nobody"
  done
}

# A package.json with "type": "module" above an extensionless bundle would make node load it as ESM.
check_no_esm_scope() {
  local d=$1 pj
  while :; do
    pj=$(R "$d")/package.json
    [[ $d == / ]] && pj=$root/package.json
    if [[ -f $pj ]] && grep -q '"type"[[:space:]]*:[[:space:]]*"module"' "$pj"; then
      die "$pj declares \"type\": \"module\"; node would load the CommonJS agents below it as ES modules"
    fi
    [[ $d == / ]] && return 0
    d=$(dirname "$d")
  done
}

# plan_raw: 1 = copied as it is (a script, a native binding), else a bundle that gets $shebang.
declare -a plan_src=() plan_dst=() plan_raw=() plan_mode=()
tmpdir=
install_all() {
  [[ -d $dist/agents ]] || die "no $dist/agents: run \`npm run build\` first"
  local agents=() a
  for a in "$dist"/agents/*; do [[ -f $a ]] && agents+=("$a"); done
  [[ ${#agents[@]} -gt 0 ]] || die "$dist/agents is empty: run \`npm run build\` first"
  [[ -f $dist/bin/pgbeat ]] || die "no $dist/bin/pgbeat: run \`npm run build\` first"
  for a in "${agents[@]}" "$dist/bin/pgbeat"; do
    # A build starts with its interpreter line (`env node`, or the pinned runtime of a dev build),
    # then the bootstrap's build hash.
    [[ $(head -n1 "$a") == '#!'* && $(sed -n '2{s/=.*//;p;q}' "$a") == 'var __pgbeatBuild' ]] ||
      die "$a does not look like a pgbeat build (a #! line, then var __pgbeatBuild=...)"
  done

  choose_shebang
  check_node_version
  read_manifest

  # The plan: source -> installed path.
  tmpdir=$(mktemp -d)
  trap 'rm -rf -- "$tmpdir"' EXIT
  plan() { plan_src+=("$1"); plan_dst+=("$2"); plan_raw+=("$3"); plan_mode+=("$4"); }
  for a in "${agents[@]}"; do
    plan "$a" "$OCF_DIR/$(basename "$a")" 0 755
    plan "$a" "$HA_RESOURCE_DIR/$V1_PREFIX$(basename "$a")" 0 755
  done
  plan "$dist/bin/pgbeat" "$LIB_DIR/bin/pgbeat" 0 755
  printf '#!/bin/sh\n# pgbeat (scripts/install.sh): the manager lives in %s with its native binding.\nexec %s "$@"\n' \
    "$LIB_DIR" "$LIB_DIR/bin/pgbeat" >"$tmpdir/pgbeat-launcher"
  plan "$tmpdir/pgbeat-launcher" "$BIN_DIR/pgbeat" 1 755
  local f
  for f in "$dist"/prebuilds/*/*.node; do
    [[ -f $f && $f != *.musl.node ]] || continue
    plan "$f" "$LIB_DIR/prebuilds/$(basename "$(dirname "$f")")/$(basename "$f")" 1 644
  done
  # heartbeat's admin tools: never where heartbeat has its own, nor over a file pgbeat did not install.
  local tool theirs
  for tool in cl_status hb_standby hb_takeover; do
    if [[ $tool == cl_status ]]; then theirs=/usr/bin/cl_status; else theirs=/usr/share/heartbeat/$tool; fi
    if [[ -e $(R "$theirs") ]]; then
      say "not installing $BIN_DIR/$tool: heartbeat's own is installed ($theirs)"
    elif [[ ( -e $(R "$BIN_DIR/$tool") || -L $(R "$BIN_DIR/$tool") ) && -z ${m_hash[$BIN_DIR/$tool]+x} ]]; then
      say "not installing $BIN_DIR/$tool: $(R "$BIN_DIR/$tool") exists and is not pgbeat's"
    else
      plan "$ADMIN_SRC/$tool" "$BIN_DIR/$tool" 1 755
    fi
  done

  # Preflight: decide everything before writing anything.
  local i src dst disk refuse=() staged=()
  for i in "${!plan_dst[@]}"; do
    src=${plan_src[$i]} dst=${plan_dst[$i]} disk=$(R "${plan_dst[$i]}")
    staged[$i]=$tmpdir/$i
    if [[ ${plan_raw[$i]} == 1 ]]; then cat -- "$src" >"${staged[$i]}"; else { echo "$shebang"; tail -n +2 -- "$src"; } >"${staged[$i]}"; fi
    if [[ -L $disk ]]; then
      refuse+=("$disk is a symbolic link pgbeat did not install")
    elif [[ -e $disk && ! -f $disk ]]; then
      refuse+=("$disk exists and is not a regular file")
    elif [[ -e $disk && -z ${m_hash[$dst]+x} ]]; then
      refuse+=("$disk exists and was not installed by pgbeat (not in $(R "$MANIFEST"))")
    elif [[ -e $disk && $(sha "$disk") != "${m_hash[$dst]}" && $(sha "$disk") != $(sha "${staged[$i]}") ]]; then
      refuse+=("$disk was changed since pgbeat installed it")
    fi
  done
  if [[ -e $(R "$MANIFEST") && ! -f $(R "$MANIFEST") ]]; then refuse+=("$(R "$MANIFEST") is not a regular file"); fi
  if [[ ${#refuse[@]} -gt 0 ]]; then
    printf "$PROG: refusing to install, nothing was written:\n" >&2
    printf '  %s\n' "${refuse[@]}" >&2
    echo "$PROG: move those files away (or uninstall what owns them) and run again" >&2
    exit 1
  fi
  for dst in "${plan_dst[@]}" "$MANIFEST"; do
    check_traversable "$(dirname "$dst")"
  done
  check_no_esm_scope "$OCF_DIR"
  check_no_esm_scope "$HA_RESOURCE_DIR"
  check_no_esm_scope "$BIN_DIR"
  check_no_esm_scope "$LIB_DIR/bin"

  # Write: directories, then each file through a temporary name in its directory (atomic rename),
  # recording it in the manifest straight away.
  make_dir "$(dirname "$MANIFEST")"
  for i in "${!plan_dst[@]}"; do
    dst=${plan_dst[$i]} disk=$(R "${plan_dst[$i]}")
    make_dir "$(dirname "$dst")"
    local tmp
    tmp=$(mktemp "$(dirname "$disk")/.pgbeat-new.XXXXXX")
    cat -- "${staged[$i]}" >"$tmp"
    chmod "${plan_mode[$i]}" "$tmp"
    mv -f -- "$tmp" "$disk"
    [[ -n ${m_hash[$dst]+x} ]] || m_files+=("$dst")
    m_hash[$dst]=$(sha "$disk")
    write_manifest
    say "installed $disk"
  done

  # Files an older install put there that this build no longer has.
  local p keep=() wanted
  for p in "${m_files[@]}"; do
    wanted=0
    for dst in "${plan_dst[@]}"; do [[ $p == "$dst" ]] && wanted=1; done
    if [[ $wanted -eq 1 ]]; then keep+=("$p"); else remove_owned "$p"; fi
  done
  m_files=("${keep[@]}")
  write_manifest
  say "manifest $(R "$MANIFEST")"

  # The check ocf-tester makes first: meta-data as nobody, with a clean environment.
  if [[ -z $root ]]; then
    local agent
    for agent in "${agents[@]}"; do
      agent=$OCF_DIR/$(basename "$agent")
      if ! (cd / && runuser -u nobody -- env -i PATH="$CLEAN_PATH" "$agent" meta-data >/dev/null 2>"$tmpdir/err"); then
        echo "$PROG: installed, but \`$agent meta-data\` fails as nobody:" >&2
        cat "$tmpdir/err" >&2
        exit 1
      fi
    done
  fi
  if [[ $shebang != '#!/usr/bin/env node' ]]; then
    if [[ -n $node_opt ]]; then say "agents use $shebang (--node)"; else say "agents use $shebang (node is not on $CLEAN_PATH)"; fi
  fi
}

case $mode in
  install) install_all ;;
  uninstall) uninstall ;;
esac
