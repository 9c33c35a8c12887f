// How a stop spends its time: fast shutdown (clean: the shutdown checkpoint reaches the standbys), then
// immediate (a crash, recovered at the next start), then, if the postmaster still waits, SIGKILL.
// A fast shutdown normally takes well under a second; one that takes longer is held by something that
// will not finish soon (a frozen and resumed server, a stalled client's connection, a standby that
// does not confirm), so it gets a bounded share and stop + promote fit inside the advised timeouts.

/** The longest a fast shutdown may take before the stop escalates. */
export const FAST_MAX_MS = 10_000;

/** The longest an immediate shutdown may take before the postmaster is killed. */
export const IMMEDIATE_MAX_MS = 10_000;

/** Milliseconds for each rung of a stop. */
export interface StopPlan {
  fastMs: number;
  immediateMs: number;
}

/**
 * The rungs for a stop that must end within `budgetMs`: fast gets min(10 s, a third of the budget),
 * immediate min(10 s, half of what is left), each at least 1 s (pg_ctl counts whole seconds); the
 * rest is for SIGKILL and its wait.
 */
export const stopPlan = (budgetMs: number): StopPlan => {
  const fastMs = Math.max(1_000, Math.min(FAST_MAX_MS, Math.floor(budgetMs / 3)));
  const immediateMs = Math.max(1_000, Math.min(IMMEDIATE_MAX_MS, Math.floor((budgetMs - fastMs) / 2)));
  return { fastMs, immediateMs };
};
