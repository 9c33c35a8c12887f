// Heartbeat's time syntax (cluster-glue cl_get_msec): a bare number is seconds (decimals allowed),
// `ms`/`msec` milliseconds, `us`/`usec` microseconds, rounded to whole milliseconds. Any other
// suffix (`s`, `sec`, `m`...) is invalid, as in heartbeat.

/** Milliseconds of a heartbeat time value, or undefined when heartbeat would reject it. */
export const parseHbTime = (text: string): number | undefined => {
  const m = /^(\d+(?:\.\d*)?|\.\d+)(ms|msec|us|usec)?$/.exec(text);
  if (!m) return undefined;
  const n = Number(m[1]);
  const unit = m[2];
  const ms = unit === 'ms' || unit === 'msec' ? n : unit === 'us' || unit === 'usec' ? n / 1000 : n * 1000;
  return Number.isFinite(ms) ? Math.round(ms) : undefined;
};
