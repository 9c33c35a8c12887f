// "Decisions are pure; effects live in io/ folders" (STYLE.md section 7), checked by reading the code:
// a lib/ file outside an io/ folder imports no I/O module or effectful package, reads no `process`
// and sets no timer. Adapters in io/ and the composition roots (agents/) are exempt.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
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
