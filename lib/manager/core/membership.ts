// Peer liveness and per-link state from heartbeat arrivals and the clock: the peer is alive while a
// fresh heartbeat arrives on any medium; a link is dead after deadtime without a packet on it; one
// dead link never makes the peer dead. initdead applies until the peer has been heard once.

/** One medium's view of the peer. */
export interface LinkView {
  lastHeard: number | null;
  up: boolean;
  /** The medium adapter's own report (a serial port that vanished, a socket error). */
  adapterUp: boolean;
}

/** The peer as this node sees it. */
export interface Membership {
  /** Monotonic time of the last accepted heartbeat on any medium, null until the first. */
  lastHeard: number | null;
  /** When this membership started counting (boot, or the end of our own pause). */
  since: number;
  dead: boolean;
  links: Record<string, LinkView>;
}

/** What changed in a membership update, for the log. */
export interface MembershipEvent {
  level: 'info' | 'warn' | 'crit';
  sentence: string;
}

/** A membership that has heard nothing yet. */
export const newMembership = (links: string[], now: number): Membership => ({
  lastHeard: null,
  since: now,
  dead: false,
  links: Object.fromEntries(links.map((l) => [l, { lastHeard: null, up: false, adapterUp: true }])),
});

interface Timing {
  warntimeMs: number;
  deadtimeMs: number;
  initdeadMs: number;
}

/** A heartbeat from the peer arrived on `link` at `now`. */
export const heard = (m: Membership, link: string, now: number, peer: string, t: Timing): { m: Membership; events: MembershipEvent[] } => {
  const events: MembershipEvent[] = [];
  const links = { ...m.links };
  const old = links[link] ?? { lastHeard: null, up: false, adapterUp: true };
  if (!old.up) events.push({ level: 'info', sentence: `Link ${peer}:${link} up.` });
  links[link] = { ...old, lastHeard: now, up: true };
  if (m.lastHeard !== null && !m.dead) {
    const gap = now - m.lastHeard;
    if (gap > t.warntimeMs) events.push({ level: 'warn', sentence: `Late heartbeat: Node ${peer}: interval ${Math.round(gap)} ms` });
  }
  if (m.dead || m.lastHeard === null) events.push({ level: 'info', sentence: `Node ${peer}: status active (heard on ${link}).` });
  return { m: { ...m, links, lastHeard: Math.max(now, m.lastHeard ?? now), dead: false }, events };
};

/** The peer's silence limit: initdead until it was first heard, deadtime after. */
export const silenceLimit = (m: Membership, t: Timing): number => (m.lastHeard === null ? t.initdeadMs : t.deadtimeMs);

/** How long the peer has been silent at `now` (since boot or our pause if never heard). */
export const silenceMs = (m: Membership, now: number): number => now - Math.max(m.lastHeard ?? m.since, m.since);

/** Marks links and the peer dead when their silence exceeds deadtime (initdead before first contact). */
export const sweep = (m: Membership, now: number, peer: string, t: Timing): { m: Membership; events: MembershipEvent[] } => {
  const events: MembershipEvent[] = [];
  let links = m.links;
  for (const [name, l] of Object.entries(m.links)) {
    if (l.up && now - Math.max(l.lastHeard ?? m.since, m.since) > t.deadtimeMs) {
      links = { ...links, [name]: { ...l, up: false } };
      events.push({ level: 'info', sentence: `Link ${peer}:${name} dead.` });
    }
  }
  let dead = m.dead;
  if (!dead && silenceMs(m, now) > silenceLimit(m, t)) {
    dead = true;
    events.push({ level: 'warn', sentence: m.lastHeard === null
      ? `Node ${peer}: not heard within initdead (${t.initdeadMs} ms): is dead.`
      : `Node ${peer}: is dead (silent ${Math.round(now - m.lastHeard)} ms on every medium).` });
  }
  return { m: links === m.links && dead === m.dead ? m : { ...m, links, dead }, events };
};

/** After our own pause (a tick gap beyond the limit) silence proves nothing: restart the count at `now`. */
export const forgivePause = (m: Membership, now: number): Membership => ({ ...m, since: now });

/** A medium adapter reported its own state. */
export const adapterStatus = (m: Membership, link: string, up: boolean): Membership => {
  const old = m.links[link] ?? { lastHeard: null, up: false, adapterUp: true };
  return { ...m, links: { ...m.links, [link]: { ...old, adapterUp: up, up: up ? old.up : false } } };
};
