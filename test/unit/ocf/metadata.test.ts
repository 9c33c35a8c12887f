import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { escapeXml, methodNames, renderMetadata, type MetadataSource } from '../../../lib/ocf/metadata.ts';
import type { ActionAdvice } from '../../../lib/ocf/agent-spec.ts';
import { vipSchema } from '../../../lib/vip/params.ts';

const source: MetadataSource = {
  name: 'Demo',
  version: '1.2.3',
  shortdesc: 'Demo <agent>',
  longdesc: 'Manages "demo" & friends.',
  params: {
    ip: { type: 'string', required: true, unique: true, shortdesc: 'Address', longdesc: 'The address.' },
    count: { type: 'integer', default: 5, shortdesc: 'Count', longdesc: 'How many.' },
    flag: { type: 'boolean', default: false, shortdesc: 'Flag', longdesc: 'Whether.' },
    note: { type: 'string', default: 'a<b & "c"', shortdesc: 'Note', longdesc: 'x > y' },
  },
  actions: [
    { name: 'start', timeout: 20 },
    { name: 'stop', timeout: 20 },
    { name: 'monitor', timeout: 20, interval: 10, depth: 0 },
    { name: 'monitor', timeout: 30, interval: 60, depth: 10, role: 'Promoted' },
    { name: 'meta-data', timeout: 5 },
  ],
};

const xml = renderMetadata(source);
const lines = xml.split('\n');

test('renderMetadata starts with the XML declaration and the exact ra-api-1.dtd DOCTYPE', () => {
  assert.equal(lines[0], '<?xml version="1.0"?>');
  assert.equal(lines[1], '<!DOCTYPE resource-agent SYSTEM "ra-api-1.dtd">');
});

test('renderMetadata names the agent and its own version on the root element', () => {
  assert.equal(lines[2], '<resource-agent name="Demo" version="1.2.3">');
  assert.ok(xml.trimEnd().endsWith('</resource-agent>'));
});

test('renderMetadata puts version, longdesc, shortdesc, parameters, actions in DTD order', () => {
  const top = lines.filter((l) => /^ {2}<[a-z]/.test(l)).map((l) => /^ {2}<([a-z]+)/.exec(l)![1]);
  assert.deepEqual(top, ['version', 'longdesc', 'shortdesc', 'parameters', 'actions']);
  assert.ok(xml.includes('  <version>1.0</version>'));
});

test('renderMetadata orders each parameter as longdesc, shortdesc, content', () => {
  const block = /<parameter name="count"[^]*?<\/parameter>/.exec(xml)![0];
  const kids = [...block.matchAll(/<(longdesc|shortdesc|content)\b/g)].map((m) => m[1]);
  assert.deepEqual(kids, ['longdesc', 'shortdesc', 'content']);
});

test('renderMetadata writes lang="en" on every longdesc and shortdesc', () => {
  const descs = [...xml.matchAll(/<(longdesc|shortdesc)([^>]*)>/g)];
  assert.equal(descs.length, 2 + 2 * Object.keys(source.params).length);
  for (const d of descs) assert.equal(d[2], ' lang="en"');
});

test('renderMetadata writes unique and required as 1/0, never true/false', () => {
  assert.ok(xml.includes('<parameter name="ip" unique="1" required="1">'));
  assert.ok(xml.includes('<parameter name="count" unique="0" required="0">'));
  assert.doesNotMatch(xml, /(unique|required)="(true|false)"/);
});

test('renderMetadata writes content types and defaults (booleans as true/false)', () => {
  assert.ok(xml.includes('<content type="string"/>'));
  assert.ok(xml.includes('<content type="integer" default="5"/>'));
  assert.ok(xml.includes('<content type="boolean" default="false"/>'));
});

test('renderMetadata escapes < > & and " in text and attributes', () => {
  assert.ok(xml.includes('<shortdesc lang="en">Demo &lt;agent&gt;</shortdesc>'));
  assert.ok(xml.includes('<longdesc lang="en">Manages &quot;demo&quot; &amp; friends.</longdesc>'));
  assert.ok(xml.includes('<content type="string" default="a&lt;b &amp; &quot;c&quot;"/>'));
  assert.ok(xml.includes('<longdesc lang="en">x &gt; y</longdesc>'));
});

test('escapeXml escapes the ampersand first so entities are not doubled', () => {
  assert.equal(escapeXml('&lt;'), '&amp;lt;');
  assert.equal(escapeXml('<a href="x">&</a>'), '&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;');
});

test('renderMetadata gives every action a timeout in seconds, and interval/depth/role when advised', () => {
  const actions = lines.filter((l) => l.includes('<action '));
  assert.equal(actions.length, source.actions.length);
  for (const a of actions) assert.match(a, / timeout="\d+s"/);
  assert.ok(xml.includes('<action name="start" timeout="20s"/>'));
  assert.ok(xml.includes('<action name="monitor" timeout="20s" interval="10s" depth="0"/>'));
  assert.ok(xml.includes('<action name="monitor" timeout="30s" interval="60s" depth="10" role="Promoted"/>'));
});

test('renderMetadata keeps an empty parameters element when there are none', () => {
  const out = renderMetadata({ ...source, params: {} });
  assert.match(out, /<parameters>\n {2}<\/parameters>/);
});

test('methodNames lists each advertised action once, in first-seen order', () => {
  const actions: ActionAdvice[] = [
    { name: 'start', timeout: 20 },
    { name: 'monitor', timeout: 20, interval: 10 },
    { name: 'stop', timeout: 20 },
    { name: 'monitor', timeout: 20, interval: 30, depth: 10 },
    { name: 'start', timeout: 40 },
  ];
  assert.deepEqual(methodNames(actions), ['start', 'monitor', 'stop']);
});

// The IPaddr meta-data as agents/IPaddr.ts declares it (the agent file itself calls runAgent on import).
const ipaddrXml = renderMetadata({
  name: 'IPaddr',
  version: '0.0.0-test',
  shortdesc: 'Virtual IP address (pgbeat)',
  longdesc: 'Manages one virtual IPv4 or IPv6 address.',
  params: vipSchema,
  actions: [
    { name: 'start', timeout: 20 },
    { name: 'stop', timeout: 20 },
    { name: 'status', timeout: 20, interval: 10, depth: 0 },
    { name: 'monitor', timeout: 20, interval: 10, depth: 0 },
    { name: 'monitor', timeout: 20, interval: 30, depth: 10 },
    { name: 'meta-data', timeout: 5 },
    { name: 'validate-all', timeout: 20 },
    { name: 'usage', timeout: 5 },
    { name: 'methods', timeout: 5 },
  ],
});

test('IPaddr meta-data declares ip as required and unique, and every schema parameter once', () => {
  assert.ok(ipaddrXml.includes('<parameter name="ip" unique="1" required="1">'));
  const names = [...ipaddrXml.matchAll(/<parameter name="([^"]+)"/g)].map((m) => m[1]);
  assert.deepEqual(names, Object.keys(vipSchema));
  // Only the types ra-api-1.dtd and ocf-tester accept.
  for (const m of ipaddrXml.matchAll(/<content type="([^"]+)"/g)) assert.ok(['string', 'integer', 'boolean'].includes(m[1]!), m[1]);
});

const DTD = '/usr/share/resource-agents/ra-api-1.dtd';
const haveXmllint = spawnSync('xmllint', ['--version']).error === undefined;
test('IPaddr meta-data validates against ra-api-1.dtd with xmllint', { skip: !existsSync(DTD) || !haveXmllint ? 'xmllint or ra-api-1.dtd not installed' : false }, () => {
  const r = spawnSync('xmllint', ['--noout', '--dtdvalid', DTD, '-'], { input: ipaddrXml, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
});
