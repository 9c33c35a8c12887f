// The man page renderers (scripts/lib/man-page.mjs) and the meta-data reader they share with the
// README's agent reference (scripts/lib/meta-data.mjs).
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { agentPage, commandPage, roff, subcommands } from '../../scripts/lib/man-page.mjs';
import { parseMetaData } from '../../scripts/lib/meta-data.mjs';

const XML = `<?xml version="1.0"?>
<!DOCTYPE resource-agent SYSTEM "ra-api-1.dtd">
<resource-agent name="Demo" version="0.1.0">
  <version>1.0</version>
  <longdesc lang="en">Keeps &lt;things&gt; &amp; more.
.leading dot</longdesc>
  <shortdesc lang="en">Demo agent (pgbeat)</shortdesc>
  <parameters>
    <parameter name="ip" unique="1" required="1">
      <longdesc lang="en">The address.</longdesc>
      <shortdesc lang="en">Address</shortdesc>
      <content type="string"/>
    </parameter>
    <parameter name="count" unique="0" required="0">
      <longdesc lang="en">How many -n.</longdesc>
      <shortdesc lang="en">Count</shortdesc>
      <content type="integer" default="5"/>
    </parameter>
  </parameters>
  <actions>
    <action name="start" timeout="20s"/>
    <action name="monitor" timeout="20s" interval="10s" depth="0" role="Promoted"/>
    <action name="monitor" timeout="20s" interval="11s" depth="0"/>
  </actions>
</resource-agent>
`;

const cases: [string, string, string][] = [
  ['a backslash becomes \\e', 'a\\b', 'a\\eb'],
  ['a hyphen becomes \\-', 'meta-data', 'meta\\-data'],
  ['a dot at a line start is neutralised', 'x\n.TH', 'x\n\\&.TH'],
  ['an apostrophe at a line start is neutralised', "'quoted", "\\&'quoted"],
  ['a dot inside a line stays', 'a.b', 'a.b'],
];
for (const [name, input, want] of cases) {
  it(`roff(): ${name}`, () => assert.equal(roff(input), want));
}

it('parseMetaData() reads the agent, parameters with flags and defaults, and every action', () => {
  const md = parseMetaData(XML);
  assert.equal(md.name, 'Demo');
  assert.equal(md.shortdesc, 'Demo agent (pgbeat)');
  assert.equal(md.longdesc, 'Keeps <things> & more.\n.leading dot');
  assert.deepEqual(md.parameters.map((p) => [p.name, p.required, p.unique, p.type, p.default]), [
    ['ip', true, true, 'string', undefined],
    ['count', false, false, 'integer', '5'],
  ]);
  assert.deepEqual(md.actions.map((a) => `${a['name']}/${a['interval'] ?? ''}`), ['start/', 'monitor/10s', 'monitor/11s']);
});

it('parseMetaData() throws a SyntaxError on text that is not meta-data', () => {
  assert.throws(() => parseMetaData('<html></html>'), SyntaxError);
});

it('agentPage() names the page ocf_pgbeat_<agent>(7), lists parameters and actions once each, and escapes', () => {
  const page = agentPage(parseMetaData(XML), { date: '2026-12-04', version: '0.1.0' });
  assert.match(page, /^\.TH "OCF_PGBEAT_DEMO" 7 "2026-12-04" "pgbeat 0\.1\.0" "OCF resource agents"$/m);
  assert.match(page, /^ocf_pgbeat_Demo \\- Demo agent \(pgbeat\)$/m);
  assert.match(page, /^\\fBDemo\\fR \[\\fBstart\\fR \| \\fBmonitor\\fR\]$/m, 'synopsis lists monitor once');
  assert.match(page, /^\\&\.leading dot$/m, 'a description line starting with a dot is not a request');
  assert.match(page, /^\(required, unique, string, no default\)$/m);
  assert.match(page, /^\(optional, integer, default "5"\)$/m);
  assert.match(page, /^\\fBmonitor\\fR \(timeout 20s, interval 10s, role Promoted\)$/m);
  assert.match(page, /^pcs resource create example_Demo ocf:pgbeat:Demo ip=<ip> op monitor interval=10s$/m);
  assert.doesNotMatch(page, /^[.'](?!\\"|TH|nh|ad|SH|SS|PP|RS|RE|sp|IP|nf|fi|TP)/m, 'no stray request lines');
});

const HELP = `pgbeat <command>

Commands:
  pgbeat start                 Run the manager in the foreground
  pgbeat standby [group|all]   Hand groups to the peer
  pgbeat version               Print the pgbeat version

Options:
  --help     Show help                                                 [boolean]
`;

it('subcommands() reads the command names of a yargs --help text, and none without a Commands section', () => {
  assert.deepEqual(subcommands(HELP), ['start', 'standby', 'version']);
  assert.deepEqual(subcommands('pgbeat\n\nOptions:\n  --help\n'), []);
});

it('commandPage() is pgbeat(8) with the top-level help and one subsection per command', () => {
  const page = commandPage({
    help: HELP, commands: [['start', 'pgbeat start\n\n.odd line\n']], date: '2026-12-04', version: '0.1.0',
    files: [['/etc/ha.d/ha.cf', 'Nodes.']],
  });
  assert.match(page, /^\.TH "PGBEAT" 8 "2026-12-04" "pgbeat 0\.1\.0" "System Administration"$/m);
  assert.match(page, /^ {2}pgbeat standby \[group\|all\] {3}Hand groups to the peer$/m);
  assert.match(page, /^\.SS "pgbeat start"$/m);
  assert.match(page, /^\\&\.odd line$/m);
  assert.match(page, /^\\fI\/etc\/ha\.d\/ha\.cf\\fR$/m);
  assert.match(page, /\\-\\-help/);
});
