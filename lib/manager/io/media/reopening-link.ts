// What every medium adapter shares: open a link, report up; when it fails or closes, report down and
// reopen after an exponential backoff; sends never throw (a failure is a status, and counted).
import type { Medium, MediumStatus } from '../../ports.ts';
import { MEDIUM_BACKOFF, backoffDelay, type BackoffPolicy } from '../../media/backoff.ts';

/** An open connection as an adapter provides it. */
export interface Link {
  send(frame: Uint8Array): Promise<void>;
  close(): Promise<void>;
}

/** Opens a link; `deliver` gets each whole frame, `fail` is called once if the open link dies. */
export type LinkOpener = (deliver: (frame: Uint8Array) => void, fail: (why: string) => void) => Promise<Link>;

/** Counters of one medium (for status and tests). */
export interface MediumStats {
  openAttempts: number;
  openFailures: number;
  sent: number;
  sendFailures: number;
  received: number;
}

/** A Medium over a LinkOpener, with backoff between reopen attempts; reports each change between up and down (with the first reason). */
export class ReopeningMedium implements Medium {
  readonly stats: MediumStats = { openAttempts: 0, openFailures: 0, sent: 0, sendFailures: 0, received: 0 };
  private link: Link | undefined;
  private failures = 0;
  private timer: NodeJS.Timeout | undefined;
  private stableTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private lastStatus: MediumStatus | undefined;
  private frameHandlers: ((f: Uint8Array) => void)[] = [];
  private statusHandlers: ((s: MediumStatus) => void)[] = [];

  constructor(readonly name: string, private readonly opener: LinkOpener, private readonly policy: BackoffPolicy = MEDIUM_BACKOFF) {
    void this.attempt();
  }

  async send(frame: Uint8Array): Promise<void> {
    const link = this.link;
    if (!link) {
      this.stats.sendFailures += 1;
      return;
    }
    try {
      await link.send(frame);
      this.stats.sent += 1;
      this.report({ up: true });
    } catch (e) {
      this.stats.sendFailures += 1;
      this.report({ up: false, reason: `send failed: ${(e as Error).message}` });
    }
  }

  onFrame(handler: (frame: Uint8Array) => void): void {
    this.frameHandlers.push(handler);
  }

  onStatus(handler: (status: MediumStatus) => void): void {
    this.statusHandlers.push(handler);
    if (this.lastStatus) handler(this.lastStatus);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    clearTimeout(this.stableTimer);
    const link = this.link;
    this.link = undefined;
    await link?.close().catch(() => undefined);
  }

  /** Whether a link is open now. */
  get isOpen(): boolean {
    return this.link !== undefined;
  }

  private report(status: MediumStatus): void {
    const last = this.lastStatus;
    if (last && last.up === status.up) return;
    this.lastStatus = status;
    for (const h of this.statusHandlers) h(status);
  }

  private async attempt(): Promise<void> {
    if (this.closed) return;
    this.stats.openAttempts += 1;
    let dead = false;
    const fail = (why: string): void => {
      if (dead || this.closed) return;
      dead = true;
      const link = this.link;
      this.link = undefined;
      clearTimeout(this.stableTimer);
      void link?.close().catch(() => undefined);
      this.retryLater(why);
    };
    try {
      const link = await this.opener((f) => {
        if (dead || this.closed) return;
        this.stats.received += 1;
        for (const h of this.frameHandlers) h(f);
      }, fail);
      if (this.closed || dead) {
        await link.close().catch(() => undefined);
        return;
      }
      this.link = link;
      this.report({ up: true });
      // Forget past failures only once the link has stayed up a while (a flapping port keeps backing off).
      this.stableTimer = setTimeout(() => { this.failures = 0; }, this.policy.maxMs);
    } catch (e) {
      this.stats.openFailures += 1;
      dead = true;
      this.retryLater(`open failed: ${(e as Error).message}`);
    }
  }

  private retryLater(why: string): void {
    if (this.closed) return;
    this.failures += 1;
    const delay = backoffDelay(this.failures, this.policy);
    this.report({ up: false, reason: `${why}; retrying in ${delay} ms` });
    this.timer = setTimeout(() => void this.attempt(), delay);
  }
}
