import { WriteGate, WriteRunner } from './write-gate';

/** A write of the fake runner: `db` stands for the pool, `bad` fails it. */
interface FakeWrite {
  n: number;
  db?: string;
  bad?: boolean;
}

/**
 * Records each call (`one` as [n], `many` as [n, m, ...]) and holds it until the test calls
 * `finish()`; a batch holding a bad write fails whole, as a refused transaction does.
 */
function fakeRunner(opts: { lostConnection?: boolean } = {}) {
  const calls: number[][] = [];
  const held: (() => void)[] = [];
  const hold = () => new Promise<void>((go) => held.push(go));
  const runner: WriteRunner<FakeWrite, string> = {
    async one(w) {
      calls.push([w.n]);
      await hold();
      if (w.bad) throw new Error(`write ${w.n} refused`);
      return `done ${w.n}`;
    },
    async many(ws) {
      calls.push(ws.map((w) => w.n));
      await hold();
      if (ws.some((w) => w.bad)) throw new Error(opts.lostConnection ? 'connection lost' : 'batch refused');
      return ws.map((w) => `done ${w.n} in batch`);
    },
    joins: (a, b) => (a.db ?? '') === (b.db ?? ''),
    rollbackCertain: (err) => (err as Error).message !== 'connection lost',
  };
  /** Lets every held call go on, until nothing more is held. */
  const finish = async () => {
    for (let i = 0; i < 100; i++) {
      await tick();
      const go = held.splice(0);
      if (go.length === 0) return;
      go.forEach((g) => g());
    }
  };
  const release = async (k = 1) => {
    await tick();
    held.splice(0, k).forEach((g) => g());
    await tick();
  };
  return { runner, calls, finish, release };
}
const tick = () => new Promise((r) => setImmediate(r));
const writes = (...ns: number[]): FakeWrite[] => ns.map((n) => ({ n }));

describe('WriteGate', () => {
  it('lets `perWorkspace` writes of one workspace run at once and admits the rest in arrival order', async () => {
    const f = fakeRunner();
    const gate = new WriteGate(f.runner, 2);
    const results = writes(0, 1, 2, 3, 4).map((w) => gate.run('a', w));
    await tick();
    expect(f.calls).toEqual([[0], [1]]);
    await f.release();
    expect(f.calls).toEqual([[0], [1], [2]]);
    await f.finish();
    expect(f.calls).toEqual([[0], [1], [2], [3], [4]]);
    await expect(Promise.all(results)).resolves.toEqual(['done 0', 'done 1', 'done 2', 'done 3', 'done 4']);
    expect(gate.busyWorkspaces).toBe(0);
    expect(gate.stats.batches).toBe(0);
  });

  it('runs the writes that waited together, up to maxBatch, in arrival order, each with its own result', async () => {
    const f = fakeRunner();
    const gate = new WriteGate(f.runner, 1, 3);
    const results = writes(0, 1, 2, 3, 4, 5).map((w) => gate.run('a', w));
    await f.finish();
    expect(f.calls).toEqual([[0], [1, 2, 3], [4, 5]]);
    await expect(Promise.all(results)).resolves.toEqual(['done 0', 'done 1 in batch', 'done 2 in batch', 'done 3 in batch', 'done 4 in batch', 'done 5 in batch']);
    expect(gate.stats).toEqual({ batches: 2, batchedWrites: 5, batchesSplit: 0 });
    expect(gate.busyWorkspaces).toBe(0);
  });

  it('batches only writes that may share a transaction, without reordering', async () => {
    const f = fakeRunner();
    const gate = new WriteGate(f.runner, 1, 10);
    const ws: FakeWrite[] = [{ n: 0 }, { n: 1 }, { n: 2 }, { n: 3, db: 'other' }, { n: 4 }];
    const results = ws.map((w) => gate.run('a', w));
    await f.finish();
    expect(f.calls).toEqual([[0], [1, 2], [3], [4]]);
    await expect(Promise.all(results)).resolves.toHaveLength(5);
  });

  it('a batch refused as a whole is run again one by one, so only the bad write fails', async () => {
    const f = fakeRunner();
    const gate = new WriteGate(f.runner, 1, 10);
    const results = [{ n: 0 }, { n: 1 }, { n: 2, bad: true }, { n: 3 }].map((w) => gate.run('a', w).catch((e: Error) => e.message));
    await f.finish();
    expect(f.calls).toEqual([[0], [1, 2, 3], [1], [2], [3]]);
    await expect(Promise.all(results)).resolves.toEqual(['done 0', 'done 1', 'write 2 refused', 'done 3']);
    expect(gate.stats).toEqual({ batches: 1, batchedWrites: 3, batchesSplit: 1 });
  });

  it('a batch whose outcome is unknown (connection lost) is not run again: every write gets the error', async () => {
    const f = fakeRunner({ lostConnection: true });
    const gate = new WriteGate(f.runner, 1, 10);
    const results = [{ n: 0 }, { n: 1 }, { n: 2, bad: true }].map((w) => gate.run('a', w).catch((e: Error) => e.message));
    await f.finish();
    expect(f.calls).toEqual([[0], [1, 2]]);
    await expect(Promise.all(results)).resolves.toEqual(['done 0', 'connection lost', 'connection lost']);
    expect(gate.busyWorkspaces).toBe(0);
  });

  it('with a bound on transactions, the batches of several workspaces that wait for one commit together', async () => {
    const f = fakeRunner();
    const gate = new WriteGate(f.runner, 1, 10, 1);
    const results = [gate.run('a', { n: 0 }), gate.run('b', { n: 1 }), gate.run('c', { n: 2 }), gate.run('a', { n: 3 }), gate.run('d', { n: 4, db: 'other' })];
    await tick();
    expect(f.calls).toEqual([[0]]); // the one transaction allowed
    await f.finish();
    // b and c waited together; a's next write waited for its own lane; d may not share a transaction.
    expect(f.calls).toEqual([[0], [1, 2], [4], [3]]);
    await expect(Promise.all(results)).resolves.toEqual(['done 0', 'done 1 in batch', 'done 2 in batch', 'done 3', 'done 4']);
    expect(gate.stats).toEqual({ batches: 1, batchedWrites: 2, batchesSplit: 0 });
    expect(gate.busyWorkspaces).toBe(0);
  });

  it('a merged transaction refused as a whole is run again write by write: only the bad write fails', async () => {
    const f = fakeRunner();
    const gate = new WriteGate(f.runner, 1, 10, 1);
    const results = [gate.run('a', { n: 0 }), gate.run('b', { n: 1, bad: true }), gate.run('c', { n: 2 })].map((p) => p.catch((e: Error) => e.message));
    await f.finish();
    expect(f.calls).toEqual([[0], [1, 2], [1], [2]]);
    await expect(Promise.all(results)).resolves.toEqual(['done 0', 'write 1 refused', 'done 2']);
    expect(gate.stats).toEqual({ batches: 1, batchedWrites: 2, batchesSplit: 1 });
  });

  it('keeps workspaces apart: a full lane does not hold up another workspace', async () => {
    const f = fakeRunner();
    const gate = new WriteGate(f.runner, 1, 10);
    const a = gate.run('a', { n: 0 });
    const b = gate.run('b', { n: 1 });
    await tick();
    expect(f.calls).toEqual([[0], [1]]);
    expect(gate.busyWorkspaces).toBe(2);
    await f.finish();
    await expect(Promise.all([a, b])).resolves.toEqual(['done 0', 'done 1']);
    expect(gate.busyWorkspaces).toBe(0);
  });

  it('a failed write frees its slot and passes its error on', async () => {
    const f = fakeRunner();
    const gate = new WriteGate(f.runner, 1);
    const failed = gate.run('a', { n: 0, bad: true }).catch((e: Error) => e.message);
    const next = gate.run('a', { n: 1 });
    await f.finish();
    await expect(failed).resolves.toBe('write 0 refused');
    await expect(next).resolves.toBe('done 1');
    expect(gate.busyWorkspaces).toBe(0);
  });

  it('refuses limits that are not positive integers', () => {
    const f = fakeRunner();
    for (const bad of [0, -1, 1.5, NaN]) {
      expect(() => new WriteGate(f.runner, bad)).toThrow(/perWorkspace must be a positive integer/);
      expect(() => new WriteGate(f.runner, 1, bad)).toThrow(/maxBatch must be a positive integer/);
      expect(() => new WriteGate(f.runner, 1, 1, bad)).toThrow(/transactions must be a positive integer or Infinity/);
    }
  });
});
