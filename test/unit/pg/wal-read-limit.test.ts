import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseLsn } from '../../../lib/pg/lsn.ts';
import { walReadLimit } from '../../../lib/pg/wal-read-limit.ts';

const MB16 = 16n * 1024n * 1024n;
const cases: { name: string; names: string[]; timeline: number; start: string; size?: bigint; want: string | undefined }[] = [
  { name: 'one segment: its end', names: ['000000010000000000000002', 'archive_status'], timeline: 1, start: '0/2000028', want: '0/3000000' },
  { name: 'the newest segment of the timeline counts', names: ['000000010000000000000002', '000000010000000000000004', '000000010000000000000003'], timeline: 1, start: '0/2000028', want: '0/5000000' },
  { name: 'other timelines, history and partial files are ignored', names: ['000000020000000000000009', '00000002.history', '000000010000000000000005.partial', '000000010000000000000003'], timeline: 1, start: '0/3000000', want: '0/4000000' },
  { name: 'a segment crossing a log id', names: ['0000000100000000000000FF'], timeline: 1, start: '0/FF000000', want: '1/0' },
  { name: '64 MB segments', names: ['000000010000000000000001'], timeline: 1, start: '0/4000000', size: 64n * 1024n * 1024n, want: '0/8000000' },
  { name: 'nothing of the timeline: no limit', names: ['000000020000000000000003'], timeline: 1, start: '0/3000000', want: undefined },
  { name: 'every file ends before the start: no limit', names: ['000000010000000000000002'], timeline: 1, start: '0/3000000', want: undefined },
];
for (const c of cases) {
  test(`walReadLimit: ${c.name}`, () => {
    const got = walReadLimit(c.names, c.timeline, parseLsn(c.start), c.size ?? MB16);
    assert.equal(got, c.want === undefined ? undefined : parseLsn(c.want));
  });
}
