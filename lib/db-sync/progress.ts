// A progress line for a one-shot run on a terminal: bytes so far, rate and time left.
import { formatBytes } from '../pg/lsn.ts';

/** A progress line: `1.2 GiB of 3.4 GiB (35%), 85.0 MiB/s, ETA 0:27`; total may be unknown. */
export const progressLine = (done: number, total: number | undefined, elapsedMs: number): string => {
  const rate = elapsedMs > 0 ? (done * 1000) / elapsedMs : 0;
  const head = `${formatBytes(BigInt(Math.round(done)))}${total ? ` of ${formatBytes(BigInt(Math.round(total)))} (${Math.min(100, Math.floor((done * 100) / total))}%)` : ''}`;
  const eta = total && rate > 0 && total > done ? `, ETA ${clock((total - done) / rate)}` : '';
  return `${head}, ${formatBytes(BigInt(Math.round(rate)))}/s${eta}`;
};

/** Seconds as m:ss or h:mm:ss. */
export const clock = (s: number): string => {
  const t = Math.max(0, Math.round(s));
  const h = Math.floor(t / 3600);
  const m = Math.floor((t % 3600) / 60);
  const ss = String(t % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
};
