// A process's CPU time and memory from /proc (pure parsing, and the read of one sample): the
// benchmark's cost of the pgbeat daemon, as % of one core over a quiet interval and its resident set.
import { readFileSync } from 'node:fs';

/** CPU times in clock ticks: the process's own, and of its waited-for children (the agents it ran). */
export interface CpuTicks {
  utime: number;
  stime: number;
  cutime: number;
  cstime: number;
}

/**
 * Fields 14-17 of /proc/<pid>/stat. The command name (field 2) may hold spaces and parentheses, so
 * fields are counted after its last ')'.
 */
export const parseProcStat = (text: string): CpuTicks => {
  const close = text.lastIndexOf(')');
  if (close < 0) throw new Error('not a /proc/<pid>/stat line (no command name)');
  // After ") " comes field 3 (state); field n is at index n - 3.
  const f = text.slice(close + 2).trim().split(/\s+/);
  const at = (n: number): number => {
    const v = Number(f[n - 3]);
    if (!Number.isInteger(v) || v < 0) throw new Error(`/proc/<pid>/stat field ${n} is not a tick count: ${f[n - 3] ?? '(missing)'}`);
    return v;
  };
  return { utime: at(14), stime: at(15), cutime: at(16), cstime: at(17) };
};

/** VmRSS of /proc/<pid>/status in kB (undefined for a kernel thread or a zombie). */
export const parseVmRssKb = (status: string): number | undefined => {
  const m = status.match(/^VmRSS:\s*(\d+)\s*kB$/m);
  return m ? Number(m[1]) : undefined;
};

/** % of one core used between two samples `seconds` apart: the process alone, and with its children. */
export const cpuPercent = (a: CpuTicks, b: CpuTicks, ticksPerSecond: number, seconds: number): { own: number; withChildren: number } => {
  if (!(seconds > 0) || !(ticksPerSecond > 0)) throw new Error('cpuPercent needs a positive interval and tick rate');
  const own = b.utime + b.stime - (a.utime + a.stime);
  const kids = b.cutime + b.cstime - (a.cutime + a.cstime);
  const pct = (ticks: number): number => (ticks / ticksPerSecond / seconds) * 100;
  return { own: pct(own), withChildren: pct(own + kids) };
};

/** One sample of a live process: its ticks and RSS (throws when it is gone). */
export const sampleProcess = (pid: number): { ticks: CpuTicks; rssKb: number | undefined } => ({
  ticks: parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8')),
  rssKb: parseVmRssKb(readFileSync(`/proc/${pid}/status`, 'utf8')),
});
