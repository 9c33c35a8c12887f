// The basebackup method: pg_basebackup of the source into the building directory (WAL streamed alongside).
import { OCF_ERR_GENERIC } from '../../ocf/exit-codes.ts';
import { OcfError } from '../../ocf/ocf-error.ts';
import { describeFailure } from '../../exec/result.ts';
import { basebackupArgs } from '../../pg/io/basebackup.ts';
import { renderConninfo } from '../../pg/conninfo.ts';
import type { CopyJob, CopyOutcome } from '../copy.ts';
import { treeBytes } from './dirs.ts';
import { runStreaming } from './stream-run.ts';
import { join } from 'node:path';

/** pg_basebackup -P prints `12345/67890 kB (18%), 0/1 tablespace` lines; returns [done, total] bytes. */
const basebackupProgress = (text: string): [number, number] | undefined => {
  const m = /(\d+)\/(\d+) kB/.exec(text);
  return m ? [Number(m[1]) * 1024, Number(m[2]) * 1024] : undefined;
};

/** Copies the source with pg_basebackup into job.paths.building (which exists, empty, owned by system_user). */
export const basebackupCopy = async (job: CopyJob): Promise<CopyOutcome> => {
  const { p } = job;
  const source = renderConninfo({
    host: p.source_host, port: p.source_port, user: p.source_user, passfile: p.source_passfile || undefined,
    application_name: 'db_sync', connect_timeout: 10,
  });
  const args = basebackupArgs({ pgdata: job.paths.building, source, writeRecoveryConf: false, checkpoint: 'fast', timeoutMs: job.timeoutMs });
  if (job.progress) args.push('--progress');
  const r = await runStreaming(join(p.bindir, 'pg_basebackup'), args, {
    user: p.system_user, timeoutMs: job.timeoutMs, signal: job.signal,
    progress: job.progress && { stream: 'stderr', parse: basebackupProgress, emit: job.progress },
  });
  if (job.signal.aborted) throw new OcfError(OCF_ERR_GENERIC, 'The copy was aborted (stop or SIGTERM); the previous copy is untouched');
  if (r.failed) {
    const full = /No space left on device/.test(r.stderr) ? ': the target disk is full' : '';
    throw new OcfError(OCF_ERR_GENERIC, `pg_basebackup from ${p.source_host}:${p.source_port} failed${full}: ${describeFailure(r)}`);
  }
  const bytes = treeBytes(job.paths.building);
  return { bytesMoved: bytes, detail: `pg_basebackup copied ${bytes} bytes in ${Math.round(r.durationMs)} ms` };
};
