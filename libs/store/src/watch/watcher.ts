import { ChangeEvent } from '../objects/change-log.types';

/** Why a watcher stopped: the API server turns 'expired' into a 410 ERROR event, the rest into a close. */
export type WatcherCloseReason = 'closed' | 'too-slow' | 'expired' | 'hub-stopped' | 'error';

/**
 * One watch stream: a bounded queue the hub pushes into and the HTTP handler pulls from. The hub
 * never waits for a watcher; one that lets its queue fill is closed ('too-slow') and the client
 * re-watches from the last revision it saw.
 */
export class Watcher implements AsyncIterable<ChangeEvent> {
  /** Highest revision handed to this watcher (or its starting revision). */
  cursor: bigint;
  /** Highest revision handed out by next() (or the starting revision); see lastSeenRevision. */
  private seen: bigint;
  private readonly queue: ChangeEvent[] = [];
  private waiting: ((ev: ChangeEvent | null) => void) | null = null;
  private reason: WatcherCloseReason | null = null;
  private closeMessage = '';

  constructor(
    readonly workspaceId: string,
    fromRv: string,
    private readonly capacity: number,
    private readonly onClose: (w: Watcher) => void,
  ) {
    this.cursor = BigInt(fromRv);
    this.seen = this.cursor;
  }

  /**
   * The revision a BOOKMARK may carry: every change up to it has been pulled by the consumer.
   * Not `cursor`, which runs ahead while events are queued; a bookmark past a queued event would
   * make a client that reconnects after it skip that event.
   */
  get lastSeenRevision(): string {
    return this.seen.toString();
  }

  get closed(): boolean {
    return this.reason !== null;
  }

  get closeReason(): WatcherCloseReason | null {
    return this.reason;
  }

  get message(): string {
    return this.closeMessage;
  }

  /** Called by the hub only. */
  deliver(ev: ChangeEvent): void {
    if (this.reason) return;
    this.cursor = BigInt(ev.rv);
    if (this.waiting) {
      const w = this.waiting;
      this.waiting = null;
      this.seen = this.cursor;
      w(ev);
      return;
    }
    if (this.queue.length >= this.capacity) {
      this.close('too-slow', `watcher fell more than ${this.capacity} events behind`);
      return;
    }
    this.queue.push(ev);
  }

  /** The next event, or null once closed and drained (a too-slow close drops the backlog). */
  next(): Promise<ChangeEvent | null> {
    const ev = this.queue.shift();
    if (ev) {
      this.seen = BigInt(ev.rv);
      return Promise.resolve(ev);
    }
    if (this.reason) return Promise.resolve(null);
    return new Promise((resolve) => (this.waiting = resolve));
  }

  close(reason: WatcherCloseReason = 'closed', message = ''): void {
    if (this.reason) return;
    this.reason = reason;
    this.closeMessage = message;
    if (reason === 'too-slow') this.queue.length = 0;
    if (this.waiting) {
      const w = this.waiting;
      this.waiting = null;
      w(null);
    }
    this.onClose(this);
  }

  async *[Symbol.asyncIterator](): AsyncIterator<ChangeEvent> {
    for (;;) {
      const ev = await this.next();
      if (!ev) return;
      yield ev;
    }
  }
}
