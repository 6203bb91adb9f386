/** How a gate runs writes: one alone, or several together, all or nothing. */
export interface WriteRunner<W, T> {
  one(write: W): Promise<T>;
  /** Runs `writes` in order in one transaction: every result, or a rejection with nothing written. */
  many(writes: W[]): Promise<T[]>;
  /** Whether `b` may share a transaction with `a`. */
  joins(a: W, b: W): boolean;
  /**
   * Whether `many` failed in a way that surely wrote nothing (the server refused the transaction),
   * so its writes can run again one by one. Otherwise (a lost connection: the commit may have
   * happened) every write of the batch gets the error, as a single write would.
   */
  rollbackCertain(err: unknown): boolean;
}

export interface WriteGateStats {
  /** Transactions that ran more than one write. */
  batches: number;
  /** Writes that ran in those transactions. */
  batchedWrites: number;
  /**
   * Transactions refused as a whole, whose writes were then tried again in smaller ones: each
   * workspace's batch on its own, a workspace's batch write by write.
   */
  batchesSplit: number;
}

export interface Queued<W, T> {
  write: W;
  resolve(value: T): void;
  reject(err: unknown): void;
}

interface Submission<W, T> {
  batch: Queued<W, T>[];
  done: () => void;
}

/**
 * Runs batches of writes as transactions, at most `limit` at once; the batches that wait for a
 * transaction (of any workspace) are merged into one, up to `maxBatch` writes. A merged transaction
 * refused as a whole (PostgreSQL's lock timeout for such transactions among the causes) is split:
 * each batch is tried again in a transaction of its own, outside the bound, so a batch waiting on a
 * lock of its own workspace holds up neither the others nor a slot. A batch refused as a whole is
 * run one write at a time, so one bad write fails alone. If a transaction's outcome is unknown (a
 * lost connection), every write of it gets the error, as a single write would.
 */
export class CommitQueue<W, T> {
  readonly stats: WriteGateStats = { batches: 0, batchedWrites: 0, batchesSplit: 0 };
  private active = 0;
  private readonly waiting: Submission<W, T>[] = [];

  constructor(
    private readonly runner: WriteRunner<W, T>,
    private readonly limit: number,
    private readonly maxBatch: number,
  ) {}

  /** Settles every write of `batch`; resolves once all are settled. */
  submit(batch: Queued<W, T>[]): Promise<void> {
    return new Promise((done) => {
      this.waiting.push({ batch, done });
      this.start();
    });
  }

  private start(): void {
    while (this.active < this.limit && this.waiting.length > 0) {
      const merged = [this.waiting.shift()!];
      let size = merged[0].batch.length;
      // Later batches that may share the transaction join it, in arrival order, while they fit.
      while (this.waiting.length > 0 && size + this.waiting[0].batch.length <= this.maxBatch && this.runner.joins(merged[0].batch[0].write, this.waiting[0].batch[0].write)) {
        const next = this.waiting.shift()!;
        size += next.batch.length;
        merged.push(next);
      }
      this.active++;
      void this.commitMerged(merged).finally(() => {
        this.active--;
        this.start();
      });
    }
  }

  /** Resolves when the slot can go to the next transaction; each submission is `done` once settled. */
  private async commitMerged(merged: Submission<W, T>[]): Promise<void> {
    if (merged.length === 1) {
      await this.commit(merged[0].batch);
      merged[0].done();
      return;
    }
    if ((await this.tryTogether(merged.flatMap((m) => m.batch))) === 'settled') {
      for (const m of merged) m.done();
      return;
    }
    for (const m of merged) void this.commit(m.batch).then(m.done);
  }

  /** One batch: in one transaction, or write by write if that is refused. */
  private async commit(batch: Queued<W, T>[]): Promise<void> {
    if (batch.length > 1 && (await this.tryTogether(batch)) === 'settled') return;
    for (const q of batch) {
      try {
        q.resolve(await this.runner.one(q.write));
      } catch (err) {
        q.reject(err);
      }
    }
  }

  /** `writes` in one transaction: every write answered ('settled'), or none written nor answered. */
  private async tryTogether(writes: Queued<W, T>[]): Promise<'settled' | 'rolled back'> {
    this.stats.batches++;
    this.stats.batchedWrites += writes.length;
    try {
      const results = await this.runner.many(writes.map((q) => q.write));
      writes.forEach((q, i) => q.resolve(results[i]));
      return 'settled';
    } catch (err) {
      if (!this.runner.rollbackCertain(err)) {
        for (const q of writes) q.reject(err);
        return 'settled';
      }
      this.stats.batchesSplit++;
      return 'rolled back';
    }
  }
}
