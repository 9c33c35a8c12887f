// The reason an action gives for its outcome: the agent's last `ocf-exit-reason:` line on stderr,
// else the last line of its stderr (a v1 script's complaint), else nothing.

/** The text Pacemaker would keep as the exit reason (the last such line), or stderr's last line. */
export const exitReasonOf = (stderr: string, prefix = 'ocf-exit-reason:'): string | undefined => {
  const lines = stderr.split('\n').map((l) => l.trimEnd()).filter(Boolean);
  const reasons = lines.filter((l) => l.startsWith(prefix));
  if (reasons.length > 0) return reasons[reasons.length - 1]!.slice(prefix.length).trim() || undefined;
  const last = lines[lines.length - 1];
  return last === undefined ? undefined : last.length > 300 ? `${last.slice(0, 300)}...` : last;
};
