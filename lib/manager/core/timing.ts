// The timing inequalities the protocol needs (docs/two-node-arbitration.md, T1-T3, T5), checked on a
// configuration: each problem is a sentence for check-config and the start-up log.
import type { CoreConfig } from './core-config.ts';

type Timings = Pick<CoreConfig, 'keepaliveMs' | 'deadtimeMs' | 'leaseMs' | 'rho' | 'actMarginMs' | 'tickMs' | 'idleTickMs'>;

/** Every inequality the timings break, as sentences (empty when they hold). */
export const timingProblems = (t: Timings): string[] => {
  const problems: string[] = [];
  if (!(t.deadtimeMs > 2 * t.keepaliveMs)) problems.push(`deadtime ${t.deadtimeMs} ms must exceed twice keepalive (${2 * t.keepaliveMs} ms) (T1)`);
  if (!(2 * t.keepaliveMs < t.leaseMs)) problems.push(`lease ${t.leaseMs} ms must exceed two keepalives (${2 * t.keepaliveMs} ms), so one lost renewal does not end it (T2)`);
  if (!(t.leaseMs * (1 + t.rho) + t.keepaliveMs <= t.deadtimeMs)) {
    problems.push(`lease ${t.leaseMs} ms * (1 + rho) + keepalive must not exceed deadtime ${t.deadtimeMs} ms, or takeover waits for the lease (T3)`);
  }
  if (!(t.rho >= 0.001)) problems.push(`rho ${t.rho} is below 2 x 500 ppm, the NTP slew limit on both ends (T5)`);
  if (!(t.actMarginMs >= t.tickMs)) problems.push(`the action margin ${t.actMarginMs} ms must cover one core tick (${t.tickMs} ms)`);
  if (t.idleTickMs !== undefined && !(t.idleTickMs < t.deadtimeMs / 2)) {
    problems.push(`the settled tick gap ${t.idleTickMs} ms must stay under half of deadtime (${t.deadtimeMs / 2} ms), or a quiet node takes it for its own pause`);
  }
  if (!(t.leaseMs * (1 - t.rho) - t.actMarginMs > t.keepaliveMs)) {
    problems.push(`lease ${t.leaseMs} ms leaves no usable time once the action margin ${t.actMarginMs} ms is taken off`);
  }
  return problems;
};
