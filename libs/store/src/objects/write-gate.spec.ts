import { WorkspaceWriteGate } from './write-gate';

/** A write that finishes when the test says so. */
function pending() {
  let finish!: () => void;
  let fail!: (err: Error) => void;
  const done = new Promise<void>((ok, ko) => {
    finish = ok;
    fail = ko;
  });
  return { done, finish, fail };
}
const tick = () => new Promise((r) => setImmediate(r));

describe('WorkspaceWriteGate', () => {
  it('lets `perWorkspace` writes of one workspace run at once and admits the rest in arrival order', async () => {
    const gate = new WorkspaceWriteGate(2);
    const started: number[] = [];
    const writes = Array.from({ length: 5 }, () => pending());
    const results = writes.map((w, i) => gate.run('a', async () => (started.push(i), await w.done, i)));
    await tick();
    expect(started).toEqual([0, 1]);
    writes[1].finish();
    await tick();
    expect(started).toEqual([0, 1, 2]);
    writes[0].finish();
    writes[2].finish();
    await tick();
    expect(started).toEqual([0, 1, 2, 3, 4]);
    writes[3].finish();
    writes[4].finish();
    await expect(Promise.all(results)).resolves.toEqual([0, 1, 2, 3, 4]);
    expect(gate.busyWorkspaces).toBe(0);
  });

  it('keeps workspaces apart: a full lane does not hold up another workspace', async () => {
    const gate = new WorkspaceWriteGate(1);
    const blocker = pending();
    const a = gate.run('a', () => blocker.done);
    await expect(gate.run('b', async () => 'b done')).resolves.toBe('b done');
    expect(gate.busyWorkspaces).toBe(1);
    blocker.finish();
    await a;
    expect(gate.busyWorkspaces).toBe(0);
  });

  it('a failed write frees its slot and passes its error on', async () => {
    const gate = new WorkspaceWriteGate(1);
    const first = pending();
    const failed = gate.run('a', () => first.done);
    const next = gate.run('a', async () => 'next ran');
    first.fail(new Error('conflict'));
    await expect(failed).rejects.toThrow('conflict');
    await expect(next).resolves.toBe('next ran');
    expect(gate.busyWorkspaces).toBe(0);
  });

  it('refuses a limit that is not a positive integer', () => {
    for (const bad of [0, -1, 1.5, NaN]) expect(() => new WorkspaceWriteGate(bad)).toThrow(/positive integer/);
  });
});
