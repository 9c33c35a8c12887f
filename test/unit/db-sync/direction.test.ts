import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decideSync, isOlderCopy, type SourceFacts, type TargetFacts } from '../../../lib/db-sync/direction.ts';

const SYS = '7300000000000000001';
const source: SourceFacts = { name: 'pg1:5432', systemId: SYS, inRecovery: false, timeline: 3, checkpointLsn: 0x5000060n, postmasterStart: 1733300000, walLevel: 'replica',
  history: [{ parentTimeline: 1, switchLsn: 0x1000000n, reason: 'no recovery target specified' }, { parentTimeline: 2, switchLsn: 0x3000000n, reason: 'no recovery target specified' }] };
const copy = (timeline: number, checkpointLsn: bigint, extra: { systemId?: string; pid?: number } = {}): TargetFacts => ({
  kind: 'copy', identity: { systemId: extra.systemId ?? SYS, timeline, checkpointLsn }, postmasterPid: extra.pid,
});

const cases: { name: string; source?: Partial<SourceFacts>; target: TargetFacts; go: boolean; kind?: string; says: RegExp }[] = [
  { name: 'no target directory: full copy', target: { kind: 'absent' }, go: true, says: /holds no copy yet: full copy from source pg1:5432 \(system 7300000000000000001, timeline 3, checkpoint 0\/5000060\)/ },
  { name: 'an empty directory: full copy', target: { kind: 'empty' }, go: true, says: /holds no copy yet/ },
  { name: 'an older checkpoint on the same timeline', target: copy(3, 0x4000000n), go: true, says: /is an older copy of source/ },
  { name: 'the same checkpoint (nothing written since)', target: copy(3, 0x5000060n), go: true, says: /older copy/ },
  { name: 'an older timeline, before the source left it', target: copy(2, 0x2FFFFF8n), go: true, says: /older copy/ },
  { name: 'an older timeline, past the point the source left it (a former primary)', target: copy(2, 0x3000028n), go: false, kind: 'target-diverged', says: /went on past 0\/3000000, where source pg1:5432 .* left timeline 2: it holds transactions the source never saw/ },
  { name: 'a timeline not in the source\'s history', source: { history: [] }, target: copy(2, 0x1n), go: false, kind: 'target-diverged', says: /on a timeline that is not in the history of source/ },
  { name: 'an older timeline, source history unreadable', source: { history: undefined }, target: copy(1, 0x1n), go: false, kind: 'target-diverged', says: /cannot read the timeline history of source/ },
  { name: 'a source with wal_level=minimal', source: { walLevel: 'minimal' }, target: { kind: 'absent' }, go: false, kind: 'source-not-capable', says: /source pg1:5432 has wal_level=minimal and cannot make an online backup \(set wal_level=replica and restart it\)/ },
  { name: 'a standby as source', source: { inRecovery: true }, target: copy(3, 0x4000000n), go: false, kind: 'source-not-primary', says: /source pg1:5432 is in recovery \(a standby\)/ },
  { name: 'a postmaster on the target', target: copy(3, 0x4000000n, { pid: 4242 }), go: false, kind: 'target-running', says: /a postmaster \(PID 4242\) runs on target \/d \(system 7300000000000000001, timeline 3, checkpoint 0\/4000000\); it is live, not a copy \(source pg1:5432\)/ },
  { name: 'the running source itself (this node holds the primary)', target: { ...copy(3, 0x5000060n, { pid: 4242 }), postmasterStart: 1733300000 } as TargetFacts, go: false, kind: 'target-is-source', says: /Nothing to copy: \/d is the running source pg1:5432 itself \(postmaster PID 4242\); this node holds the primary/ },
  { name: 'a running copy started at another time', target: { ...copy(3, 0x4000000n, { pid: 4242 }), postmasterStart: 1733300999 } as TargetFacts, go: false, kind: 'target-running', says: /runs on target/ },
  { name: 'another cluster', target: copy(3, 0x4000000n, { systemId: '7300000000000000002' }), go: false, kind: 'other-cluster', says: /target \/d \(system 7300000000000000002, .*\) belongs to another cluster than source pg1:5432 \(system 7300000000000000001/ },
  { name: 'a newer timeline (the copy was promoted)', target: copy(4, 0x1000000n), go: false, kind: 'target-newer', says: /timeline 4, .* is on a newer timeline than source pg1:5432 \(system \d+, timeline 3/ },
  { name: 'ahead on the same timeline', target: copy(3, 0x6000000n), go: false, kind: 'target-newer', says: /checkpoint 0\/6000000\) is ahead of source pg1:5432 .*checkpoint 0\/5000060\)/ },
  { name: 'a crashed primary on the same timeline, checkpoint behind (its WAL may not be)', target: { ...copy(3, 0x4000000n), crashedPrimary: true } as TargetFacts, go: false, kind: 'target-diverged',
    says: /target \/d .* is a primary that stopped without a shutdown checkpoint \(crashed or killed\): its WAL may hold transactions past that checkpoint, so nothing proves it an older copy of source pg1:5432 .*start it once so that crash recovery completes, or move it away by hand/ },
  { name: 'a crashed primary on an older timeline, checkpoint before the fork', target: { ...copy(2, 0x2FFFFF8n), crashedPrimary: true } as TargetFacts, go: false, kind: 'target-diverged', says: /stopped without a shutdown checkpoint/ },
  { name: 'a crashed primary of another cluster: that reason first', target: { ...copy(3, 0x4000000n, { systemId: '7300000000000000002' }), crashedPrimary: true } as TargetFacts, go: false, kind: 'other-cluster', says: /belongs to another cluster/ },
  { name: 'a copy never started (backup_label): crashedPrimary false, replaced', target: { ...copy(3, 0x4000000n), crashedPrimary: false } as TargetFacts, go: true, says: /older copy/ },
  { name: 'files but no control file', target: { kind: 'foreign', detail: 'it holds 3 entries but no readable global/pg_control' }, go: false, kind: 'target-foreign', says: /Refusing to sync into \/d: it holds 3 entries/ },
];

for (const c of cases) {
  test(`decideSync: ${c.name} -> ${c.go ? 'copy' : `refuse (${c.kind})`}`, () => {
    const v = decideSync({ ...source, ...c.source }, c.target, '/d');
    assert.equal(v.go, c.go);
    if (!v.go) assert.equal(v.kind, c.kind);
    assert.match(v.reason, c.says);
  });
}

const fresh = { systemId: SYS, timeline: 3, checkpointLsn: 0x5000000n };
const olderCases: { name: string; old: Parameters<typeof isOlderCopy>[0]; want: boolean }[] = [
  { name: 'an earlier checkpoint, same timeline', old: { ...fresh, checkpointLsn: 0x4000000n }, want: true },
  { name: 'the same checkpoint', old: fresh, want: true },
  { name: 'an earlier timeline, whatever its LSN', old: { ...fresh, timeline: 2, checkpointLsn: 0x9000000n }, want: true },
  { name: 'a later checkpoint', old: { ...fresh, checkpointLsn: 0x5000001n }, want: false },
  { name: 'a later timeline', old: { ...fresh, timeline: 4, checkpointLsn: 0x1n }, want: false },
  { name: 'another cluster', old: { ...fresh, systemId: '1', checkpointLsn: 0x1n }, want: false },
  { name: 'no readable control file', old: undefined, want: false },
];
for (const c of olderCases) {
  test(`isOlderCopy: ${c.name} -> ${c.want}`, () => assert.equal(isOlderCopy(c.old, fresh), c.want));
}
