// "Decisions are pure; effects live in io/ folders" (STYLE.md section 7), checked by reading the code:
// a lib/ file outside an io/ folder imports no I/O module or effectful package, reads no `process`
// and sets no timer. Adapters in io/ and the composition roots (agents/) are exempt.
// "Layers point one way", checked the same way: every relative import between folders must be an edge
// of the allowed-imports table below.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

const NODE_IO = [
  'fs', 'fs/promises', 'child_process', 'net', 'dgram', 'tty', 'os', 'timers', 'timers/promises',
  'http', 'https', 'http2', 'dns', 'dns/promises', 'tls', 'process', 'readline', 'worker_threads', 'cluster',
];
const PACKAGES = ['execa', 'pg', 'serialport', '@serialport', 'dgram-as-promised', 'yargs'];
const TIMERS = new Set(['setTimeout', 'setInterval', 'setImmediate']);

const forbiddenModule = (spec: string): boolean => {
  const bare = spec.startsWith('node:') ? spec.slice('node:'.length) : spec;
  if (NODE_IO.includes(bare)) return true;
  return PACKAGES.some((p) => spec === p || spec.startsWith(`${p}/`));
};

/** The rule's violations in one source text, as `line: what` sentences. */
const violations = (fileName: string, text: string): string[] => {
  const src = ts.createSourceFile(fileName, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const found: string[] = [];
  const at = (node: ts.Node, what: string): void => {
    found.push(`${src.getLineAndCharacterOfPosition(node.getStart(src)).line + 1}: ${what}`);
  };
  const visit = (node: ts.Node): void => {
    // import ... from 'x', import 'x', export ... from 'x' (type-only imports count too).
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      if (forbiddenModule(node.moduleSpecifier.text)) at(node, `imports ${node.moduleSpecifier.text}`);
    }
    // import x = require('x')
    if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      const e = node.moduleReference.expression;
      if (ts.isStringLiteral(e) && forbiddenModule(e.text)) at(node, `imports ${e.text}`);
    }
    if (ts.isCallExpression(node)) {
      const [arg] = node.arguments;
      const dynamic = node.expression.kind === ts.SyntaxKind.ImportKeyword
        || (ts.isIdentifier(node.expression) && node.expression.text === 'require');
      if (dynamic && arg && ts.isStringLiteralLike(arg) && forbiddenModule(arg.text)) at(node, `imports ${arg.text}`);
      const callee = ts.isPropertyAccessExpression(node.expression) && ts.isIdentifier(node.expression.expression)
        && node.expression.expression.text === 'globalThis' ? node.expression.name : node.expression;
      if (ts.isIdentifier(callee) && TIMERS.has(callee.text)) at(node, `sets a timer (${callee.text})`);
    }
    // process.x, process['x'], globalThis.process
    if ((ts.isPropertyAccessExpression(node) || ts.isElementAccessExpression(node)) && ts.isIdentifier(node.expression)) {
      if (node.expression.text === 'process') at(node, 'reads process');
      if (node.expression.text === 'globalThis' && ts.isPropertyAccessExpression(node) && node.name.text === 'process') at(node, 'reads process');
    }
    ts.forEachChild(node, visit);
  };
  visit(src);
  return found;
};

const root = new URL('../../', import.meta.url).pathname;
const libDir = join(root, 'lib');
const tsFiles = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return tsFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
const isIo = (path: string): boolean => relative(libDir, path).split(sep).includes('io');

// The layers, top to bottom: agents -> agent policy -> domain -> core. Each folder lists the folders
// it may import from (a folder may always import its own files). The manager stands apart: it runs the
// agents as executables, so it never imports agent code or agent policy.
const CORE = ['lib/log', 'lib/exec', 'lib/ocf', 'lib/version.ts'];
const DOMAIN = ['lib/pg', 'lib/net', 'lib/pacemaker'];
const POLICY = ['lib/postgresql', 'lib/vip', 'lib/db-sync'];
const MANAGER_MAY = ['lib/ocf', 'lib/log', 'lib/exec', 'lib/version.ts', 'lib/pg', 'lib/net'];
const ALLOWED_IMPORTS: Record<string, readonly string[]> = {
  'agents': [...POLICY, ...DOMAIN, ...CORE],
  'lib/postgresql': [...DOMAIN, ...CORE],
  'lib/vip': [...DOMAIN, ...CORE],
  'lib/db-sync': [...DOMAIN, ...CORE],
  'lib/pg': ['lib/net', ...CORE],
  'lib/net': CORE,
  'lib/pacemaker': CORE,
  'lib/manager': MANAGER_MAY,
  // Core, bottom up: log is the ground floor, exec may log, the OCF contract uses both.
  'lib/ocf': ['lib/log', 'lib/exec', 'lib/version.ts'],
  'lib/exec': ['lib/log'],
  'lib/log': [],
  'lib/version.ts': [],
};

/** The table's name for the folder (or lib/ root file) that holds a path relative to the repository. */
const layerOf = (path: string): string => {
  const parts = path.split('/');
  if (parts[0] !== 'lib') return parts[0]!;
  return parts.length === 2 ? path : `lib/${parts[1]}`;
};

/** Relative module specifiers in a source text (static, type-only, re-export, dynamic, require), with lines. */
const relativeImports = (fileName: string, text: string): { line: number; spec: string }[] => {
  const src = ts.createSourceFile(fileName, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const found: { line: number; spec: string }[] = [];
  const add = (node: ts.Node, spec: string): void => {
    if (spec.startsWith('.')) found.push({ line: src.getLineAndCharacterOfPosition(node.getStart(src)).line + 1, spec });
  };
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      add(node, node.moduleSpecifier.text);
    }
    if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference) && ts.isStringLiteral(node.moduleReference.expression)) {
      add(node, node.moduleReference.expression.text);
    }
    if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      add(node, node.argument.literal.text);
    }
    if (ts.isCallExpression(node)) {
      const [arg] = node.arguments;
      const dynamic = node.expression.kind === ts.SyntaxKind.ImportKeyword
        || (ts.isIdentifier(node.expression) && node.expression.text === 'require');
      if (dynamic && arg && ts.isStringLiteralLike(arg)) add(node, arg.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(src);
  return found;
};

/** The forbidden edges of one file (path relative to the repository), as `path:line: from -> to (spec)`. */
const layerViolations = (path: string, text: string, table: Record<string, readonly string[]> = ALLOWED_IMPORTS): string[] => {
  const from = layerOf(path);
  const allowed = table[from];
  if (!allowed) return [`${path}:1: ${from} is not in the allowed-imports table`];
  return relativeImports(path, text).flatMap(({ line, spec }) => {
    const target = relative(root, resolve(root, dirname(path), spec)).split(sep).join('/');
    const to = layerOf(target);
    if (to === from || allowed.includes(to)) return [];
    return [`${path}:${line}: ${from} -> ${to} (${spec})`];
  });
};

const checkerCases: { name: string; source: string; want: string[] }[] = [
  { name: 'a node: I/O import', source: "import { readFileSync } from 'node:fs';", want: ['1: imports node:fs'] },
  { name: 'a bare fs/promises import', source: "import { readFile } from 'fs/promises';", want: ['1: imports fs/promises'] },
  { name: 'node:timers/promises', source: "import { setTimeout as sleep } from 'node:timers/promises';", want: ['1: imports node:timers/promises'] },
  { name: 'node:https', source: "import https from 'node:https';", want: ['1: imports node:https'] },
  { name: 'a type-only node:child_process import', source: "import type { ChildProcess } from 'node:child_process';", want: ['1: imports node:child_process'] },
  { name: 'execa', source: "import { execa } from 'execa';", want: ['1: imports execa'] },
  { name: 'a pg subpath', source: "import x from 'pg/lib/client';", want: ['1: imports pg/lib/client'] },
  { name: 'a re-export of serialport', source: "export { SerialPort } from 'serialport';", want: ['1: imports serialport'] },
  { name: 'a side-effect import of yargs', source: "import 'yargs';", want: ['1: imports yargs'] },
  { name: 'a dynamic import of dgram-as-promised', source: "const m = await import('dgram-as-promised');", want: ['1: imports dgram-as-promised'] },
  { name: 'a require of node:net', source: "const net = require('node:net');", want: ['1: imports node:net'] },
  { name: 'process.env', source: "const home = process.env['HOME'];", want: ['1: reads process'] },
  { name: "process['argv']", source: "const a = process['argv'];", want: ['1: reads process'] },
  { name: 'a global timer', source: 'setTimeout(() => undefined, 10);', want: ['1: sets a timer (setTimeout)'] },
  { name: 'globalThis.setInterval', source: '\nglobalThis.setInterval(() => undefined, 10);', want: ['2: sets a timer (setInterval)'] },
  { name: 'a pure import', source: "import { parseIp } from '../net/address.ts';\nimport { join } from 'node:path';", want: [] },
  { name: 'a package whose name only starts like a forbidden one', source: "import x from 'pgpass';\nimport y from 'execa-like';", want: [] },
  { name: 'process in a comment or a string', source: "// reads process.env\nconst s = 'process.env';\n/* setTimeout(f) */", want: [] },
  { name: 'a property named process', source: 'const o = { process: 1 };\nconst n = o.process;', want: [] },
];
for (const c of checkerCases) {
  test(`the architecture check ${c.want.length ? 'flags' : 'allows'} ${c.name}`, () => {
    assert.deepEqual(violations('sample.ts', c.source), c.want);
  });
}

const layerCases: { name: string; path: string; source: string; want: string[] }[] = [
  { name: 'an import inside the same folder', path: 'lib/ocf/io/run-agent.ts', source: "import { x } from '../metadata.ts';", want: [] },
  { name: 'core importing the log', path: 'lib/ocf/agent-spec.ts', source: "import type { Logger } from '../log/logger.ts';", want: [] },
  { name: 'the log importing the OCF contract', path: 'lib/log/io/ocf-logger.ts', source: "import { writeErr } from '../../ocf/io/out.ts';",
    want: ["lib/log/io/ocf-logger.ts:1: lib/log -> lib/ocf (../../ocf/io/out.ts)"] },
  { name: 'domain importing agent policy', path: 'lib/pg/io/bindir.ts', source: "\nimport { p } from '../../postgresql/params.ts';",
    want: ["lib/pg/io/bindir.ts:2: lib/pg -> lib/postgresql (../../postgresql/params.ts)"] },
  { name: 'domain importing domain it may use', path: 'lib/pg/pg-hba.ts', source: "import { contains } from '../net/cidr.ts';", want: [] },
  { name: 'net importing pg', path: 'lib/net/cidr.ts', source: "import type { Lsn } from '../pg/lsn.ts';",
    want: ["lib/net/cidr.ts:1: lib/net -> lib/pg (../pg/lsn.ts)"] },
  { name: 'core importing domain through a re-export', path: 'lib/exec/result.ts', source: "export { parseIp } from '../net/address.ts';",
    want: ["lib/exec/result.ts:1: lib/exec -> lib/net (../net/address.ts)"] },
  { name: 'a dynamic import upwards', path: 'lib/ocf/io/run-agent.ts', source: "const m = await import('../../vip/params.ts');",
    want: ["lib/ocf/io/run-agent.ts:1: lib/ocf -> lib/vip (../../vip/params.ts)"] },
  { name: 'an import type() upwards', path: 'lib/net/ip-json.ts', source: "let x: import('../vip/params.ts').VipParams;",
    want: ["lib/net/ip-json.ts:1: lib/net -> lib/vip (../vip/params.ts)"] },
  { name: 'the version file from an agent', path: 'agents/IPaddr.ts', source: "import { V } from '../lib/version.ts';", want: [] },
  { name: 'an agent reaching policy', path: 'agents/postgresql.ts', source: "import { x } from '../lib/postgresql/io/actions.ts';", want: [] },
  { name: 'the version file importing anything', path: 'lib/version.ts', source: "import { x } from './log/format.ts';",
    want: ["lib/version.ts:1: lib/version.ts -> lib/log (./log/format.ts)"] },
  { name: 'the manager importing agent policy', path: 'lib/manager/io/run.ts', source: "import { a } from '../../postgresql/io/actions.ts';",
    want: ["lib/manager/io/run.ts:1: lib/manager -> lib/postgresql (../../postgresql/io/actions.ts)"] },
  { name: 'the manager importing an agent', path: 'lib/manager/plan.ts', source: "import '../../agents/IPaddr.ts';",
    want: ["lib/manager/plan.ts:1: lib/manager -> agents (../../agents/IPaddr.ts)"] },
  { name: 'the manager importing the IPaddr policy by require', path: 'lib/manager/plan.ts', source: "const v = require('../vip/params.ts');",
    want: ["lib/manager/plan.ts:1: lib/manager -> lib/vip (../vip/params.ts)"] },
  { name: 'the manager importing core and domain', path: 'lib/manager/plan.ts', source: "import { a } from '../pg/lsn.ts';\nimport { b } from '../ocf/exit-codes.ts';\nimport { c } from '../net/cidr.ts';", want: [] },
  { name: 'one policy importing another', path: 'lib/db-sync/plan.ts', source: "import { a } from '../postgresql/params.ts';",
    want: ["lib/db-sync/plan.ts:1: lib/db-sync -> lib/postgresql (../postgresql/params.ts)"] },
  { name: 'a folder missing from the table', path: 'lib/extra/x.ts', source: '', want: ['lib/extra/x.ts:1: lib/extra is not in the allowed-imports table'] },
  { name: 'package and node imports', path: 'lib/log/format.ts', source: "import { a } from 'pg';\nimport { b } from 'node:path';", want: [] },
];
for (const c of layerCases) {
  test(`the layering check ${c.want.length ? 'flags' : 'allows'} ${c.name}`, () => {
    assert.deepEqual(layerViolations(c.path, c.source), c.want);
  });
}

test('the allowed-imports table points one way: no two folders may import each other, and no cycle', () => {
  const reaches = (from: string, to: string, seen = new Set<string>()): boolean =>
    (ALLOWED_IMPORTS[from] ?? []).some((n) => n === to || (!seen.has(n) && (seen.add(n), reaches(n, to, seen))));
  const cycles = Object.keys(ALLOWED_IMPORTS).filter((f) => reaches(f, f));
  assert.deepEqual(cycles, []);
  for (const targets of Object.values(ALLOWED_IMPORTS)) for (const t of targets) assert.ok(t in ALLOWED_IMPORTS, `${t} is in the table`);
});

test('lib and agents files import across folders only along the allowed-imports table', () => {
  const files = [...tsFiles(libDir), ...tsFiles(join(root, 'agents'))];
  const broken = files.flatMap((f) => {
    const path = relative(root, f).split(sep).join('/');
    return layerViolations(path, readFileSync(f, 'utf8'));
  });
  assert.deepEqual(broken, [], `forbidden imports (file:line: from -> to):\n${broken.join('\n')}`);
});

test('the architecture check finds the lib files and tells io/ folders apart', () => {
  const files = tsFiles(libDir);
  assert.ok(files.some((f) => !isIo(f) && f.endsWith(join('ocf', 'context.ts'))));
  assert.ok(files.some((f) => isIo(f) && f.endsWith(join('ocf', 'io', 'run-agent.ts'))));
});

test('lib files outside io/ folders import no I/O module, read no process and set no timer', () => {
  const broken = tsFiles(libDir)
    .filter((f) => !isIo(f))
    .flatMap((f) => violations(f, readFileSync(f, 'utf8')).map((v) => `lib/${relative(libDir, f)}:${v}`));
  assert.deepEqual(broken, [], `effects belong in an io/ folder:\n${broken.join('\n')}`);
});
