// arping arguments and answers. The outputs are iputils-arping 20221126 (Debian 12), captured in a
// network namespace.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { arpingIntervalSeconds, dadProbeArgs, garpArgs, readDadProbe } from '../../../lib/net/arping.ts';

test('arping intervals are whole seconds, at least 1, rounded up from milliseconds', () => {
  assert.deepEqual([10, 200, 999, 1000, 1001, 2500, 60_000].map(arpingIntervalSeconds), [1, 1, 1, 1, 2, 3, 60]);
});

test('a gratuitous ARP burst never passes a fractional -i (arping rejects "0.2")', () => {
  assert.deepEqual(garpArgs('eth0', '192.0.2.10', 5, 200), ['-U', '-c', '5', '-i', '1', '-I', 'eth0', '192.0.2.10']);
  for (const ms of [10, 200, 1500, 60_000]) {
    const i = garpArgs('eth0', '192.0.2.10', 3, ms)[4]!;
    assert.match(i, /^[1-9]\d*$/, `-i ${i} for ${ms} ms`);
  }
});

test('the duplicate probe sends one probe, waits one second (-w) and uses no -i', () => {
  const args = dadProbeArgs('eth0', '192.0.2.10');
  assert.deepEqual(args.slice(0, 5), ['-D', '-c', '1', '-w', '1']);
  assert.ok(!args.includes('-i'));
});

const REPLY = `ARPING 192.0.2.60 from 0.0.0.0 eth0
Unicast reply from 192.0.2.60 [66:0B:24:FE:9D:94]  0.534ms
Sent 1 probes (1 broadcast(s))
Received 1 response(s)
`;
const SILENCE = `ARPING 192.0.2.61 from 0.0.0.0 eth0
Sent 2 probes (2 broadcast(s))
Received 0 response(s)
`;

test('readDadProbe: an answer is a duplicate, with the MAC in lower case', () => {
  assert.deepEqual(readDadProbe(REPLY, 'unused'), { duplicate: true, mac: '66:0b:24:fe:9d:94' });
});

test('readDadProbe: no answer means the address is free', () => {
  assert.deepEqual(readDadProbe(SILENCE, 'unused'), { duplicate: false });
});

test('readDadProbe: output without the summary (a usage error) is an error, not "free"', () => {
  assert.deepEqual(readDadProbe('', "arping: invalid argument: '0.2'"), { error: "arping: invalid argument: '0.2'" });
});
