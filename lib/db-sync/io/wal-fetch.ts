// The WAL a consistent file copy needs, read from the source over the backup's own session
// (pg_read_binary_file) and written into the copy's pg_wal: only the pages recovery reads, the rest of
// each segment left sparse zeros. Transport-independent, and it moves the WAL written during the copy
// instead of whole 16 MB segments.
import { chownSync, closeSync, ftruncateSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { PgSession } from '../../pg/io/session.ts';
import { historyFileName } from '../../pg/lsn.ts';
import type { WalPiece } from '../rsync-plan.ts';

/** Bytes read per query. */
const CHUNK = 4 * 1024 * 1024;

/** Writes the pieces (and the timeline's history file past timeline 1) into `walDir`; returns the bytes moved. */
export const fetchWal = async (
  session: PgSession,
  o: { walDir: string; pieces: readonly WalPiece[]; timeline: number; segmentSize: number; owner: { uid: number; gid: number }; signal: AbortSignal },
): Promise<number> => {
  const read = async (name: string, offset: number, length: number): Promise<Buffer> => {
    const [row] = await session.query<{ b: string }>("SELECT encode(pg_read_binary_file($1, $2, $3), 'base64') AS b", [`pg_wal/${name}`, offset, length]);
    const b = String(row?.b ?? '');
    moved += b.length;
    return Buffer.from(b, 'base64');
  };
  let moved = 0;
  const names = [...new Set(o.pieces.map((p) => p.name))];
  for (const name of names) {
    const path = join(o.walDir, name);
    const fd = openSync(path, 'w', 0o600);
    try {
      ftruncateSync(fd, o.segmentSize);
      for (const piece of o.pieces.filter((p) => p.name === name)) {
        for (let at = 0; at < piece.length; at += CHUNK) {
          if (o.signal.aborted) throw new Error('aborted');
          const buf = await read(name, piece.offset + at, Math.min(CHUNK, piece.length - at));
          writeSync(fd, buf, 0, buf.length, piece.offset + at);
        }
      }
    } finally {
      closeSync(fd);
    }
    chownSync(path, o.owner.uid, o.owner.gid);
  }
  if (o.timeline > 1) {
    const name = historyFileName(o.timeline);
    const [row] = await session.query<{ b: string }>("SELECT encode(pg_read_binary_file($1), 'base64') AS b", [`pg_wal/${name}`]);
    moved += String(row?.b ?? '').length;
    const path = join(o.walDir, name);
    writeFileSync(path, Buffer.from(String(row?.b ?? ''), 'base64'), { mode: 0o600 });
    chownSync(path, o.owner.uid, o.owner.gid);
  }
  return moved;
};
