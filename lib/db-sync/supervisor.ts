// The supervisor record start writes under HA_RSCTMP (gone after a reboot): its PID and start time.

/** Who syncs for this resource, since when. */
export interface SupervisorRecord {
  /** 0 when interval is 0 (started, no supervisor: cron does the syncs). */
  pid: number;
  /** Seconds since the epoch. */
  startedAt: number;
}

/** The record's text. */
export const renderSupervisor = (r: SupervisorRecord): string => `${r.pid} ${r.startedAt}\n`;

/** Parses the record, or undefined when the text is not one. */
export const parseSupervisor = (text: string | undefined): SupervisorRecord | undefined => {
  const m = /^(\d+) (\d+(?:\.\d+)?)\s*$/.exec(text ?? '');
  return m ? { pid: Number(m[1]), startedAt: Number(m[2]) } : undefined;
};

/** Milliseconds to wait before the next run: `interval` after the previous run started, at least 1 s. */
export const nextRunDelayMs = (intervalS: number, runStartedMs: number, nowMs: number): number =>
  Math.max(1_000, runStartedMs + intervalS * 1000 - nowMs);
