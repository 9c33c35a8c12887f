// Bundles each agent and the manager CLI into one self-contained executable (CommonJS, so an
// extensionless file under /usr/lib/ocf runs without a package.json beside it).
import { build } from 'esbuild';
import { chmodSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const agents = readdirSync(join(root, 'agents')).filter((f) => f.endsWith('.ts'));
const targets = [
  ...agents.map((f) => ({ entry: join(root, 'agents', f), out: join(root, 'dist/agents', basename(f, '.ts')) })),
  { entry: join(root, 'lib/heartbeat/io/cli.ts'), out: join(root, 'dist/bin/pgbeat') },
];

// The repository is "type": "module"; the bundles are CommonJS wherever they are run from.
mkdirSync(join(root, 'dist'), { recursive: true });
writeFileSync(join(root, 'dist/package.json'), '{ "type": "commonjs" }\n');

for (const t of targets) {
  mkdirSync(dirname(t.out), { recursive: true, mode: 0o755 });
  await build({
    entryPoints: [t.entry],
    outfile: t.out,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minify: true,
    legalComments: 'none',
    logLevel: 'warning',
    // The entry files carry their own shebang; esbuild keeps it as the first line.
    define: { 'import.meta.url': 'importMetaUrl' },
    banner: { js: 'const importMetaUrl=require("url").pathToFileURL(__filename).href;' },
  });
  chmodSync(t.out, 0o755);
  chmodSync(dirname(t.out), 0o755);
  console.log(`built ${t.out.slice(root.length + 1)}`);
}
