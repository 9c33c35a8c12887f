import { test } from 'node:test';
import assert from 'node:assert/strict';
import { needsNewBase, planShipping, segmentsToRemove } from '../../../lib/db-sync/wal-archive-plan.ts';

const M16 = 16n * 1024n * 1024n;
const seg = (tli: number, n: number): string => `${tli.toString(16).toUpperCase().padStart(8, '0')}${Math.floor(n / 256).toString(16).toUpperCase().padStart(8, '0')}${(n % 256).toString(16).toUpperCase().padStart(8, '0')}`;

test('planShipping: complete segments from the restore point on, not yet archived, plus history files', () => {
  const source = [seg(1, 3), seg(1, 4), seg(1, 5), seg(1, 6), seg(1, 7), '00000002.history'];
  const p = planShipping(source, seg(1, 7), seg(1, 4), new Set([seg(1, 4)]), M16);
  assert.deepEqual(p.ship, [seg(1, 5), seg(1, 6), '00000002.history'].sort());
  assert.equal(p.gap, undefined);
});

test('planShipping: across a log id boundary (segment FF to the next log)', () => {
  const p = planShipping([seg(1, 255), seg(1, 256), seg(1, 257)], seg(1, 257), seg(1, 255), new Set(), M16);
  assert.deepEqual(p.ship, [seg(1, 255), seg(1, 256)]);
  assert.equal(p.gap, undefined);
});

test('planShipping: the old timeline\'s last segment is complete once a newer timeline writes the same number', () => {
  const p = planShipping([seg(1, 5), seg(2, 5)], seg(2, 5), seg(1, 5), new Set(), M16);
  assert.deepEqual(p.ship, [seg(1, 5)]);
});

test('planShipping: a needed segment neither archived nor on the source is a gap', () => {
  const p = planShipping([seg(1, 6), seg(1, 7)], seg(1, 7), seg(1, 4), new Set([seg(1, 4)]), M16);
  assert.equal(p.gap, seg(1, 5));
});

test('segmentsToRemove: older segment numbers whatever the timeline; history files and newer segments stay', () => {
  const archived = [seg(1, 2), seg(1, 3), seg(2, 3), seg(2, 4), '00000002.history'];
  assert.deepEqual(segmentsToRemove(archived, seg(2, 4)), [seg(1, 2), seg(1, 3), seg(2, 3)]);
  assert.throws(() => segmentsToRemove(archived, 'nonsense'), /not a WAL segment name/);
});

const baseCases: { name: string; o: Parameters<typeof needsNewBase>[0]; want: RegExp | undefined }[] = [
  { name: 'no base yet', o: { hasBase: false, gap: undefined, baseAgeS: 0, baseInterval: 3600 }, want: /no restore point yet/ },
  { name: 'a gap', o: { hasBase: true, gap: '0000000000000005', baseAgeS: 10, baseInterval: 3600 }, want: /segment 0000000000000005 was recycled/ },
  { name: 'too old', o: { hasBase: true, gap: undefined, baseAgeS: 4000, baseInterval: 3600 }, want: /4000 s old \(base_interval=3600\)/ },
  { name: 'fresh and complete', o: { hasBase: true, gap: undefined, baseAgeS: 10, baseInterval: 3600 }, want: undefined },
];
for (const c of baseCases) {
  test(`needsNewBase: ${c.name}`, () => {
    const r = needsNewBase(c.o);
    if (c.want === undefined) assert.equal(r, undefined);
    else assert.match(r ?? '', c.want);
  });
}
