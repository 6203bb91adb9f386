import { sweepOperations, SweepQueuePort } from './operation-sweep';
import type { StaleOperation } from './operations-sweep.repository';

const NOW = new Date('2030-01-01T00:00:30Z');

function fakes(ops: StaleOperation[], presence: Record<string, 'live' | 'dead' | 'missing' | 'error'>) {
  const requeued: string[] = [];
  let cutoff: Date | null = null;
  const source = { findStaleInFlight: async (olderThan: Date) => ((cutoff = olderThan), ops) };
  const queue: SweepQueuePort = {
    presence: async (id) => {
      if (presence[id] === 'error') throw new Error('redis down');
      return presence[id] as 'live' | 'dead' | 'missing';
    },
    requeue: async (_type, id) => (requeued.push(id), true),
  };
  return { source, queue, requeued, cutoff: () => cutoff };
}

describe('sweepOperations', () => {
  const op = (id: string, status: 'Queued' | 'Running' = 'Queued'): StaleOperation => ({ id, type: 'ProvisionWorkspace', status });

  it('re-enqueues operations whose job Redis lost or let die, and leaves live jobs alone', async () => {
    const f = fakes([op('a'), op('b', 'Running'), op('c'), op('d', 'Running')], { a: 'missing', b: 'dead', c: 'live', d: 'live' });
    const result = await sweepOperations(f.source, f.queue, { now: NOW, graceMs: 30_000, limit: 10 });
    expect(f.requeued).toEqual(['a', 'b']);
    expect(result.requeued.map((r) => [r.id, r.presence])).toEqual([['a', 'missing'], ['b', 'dead']]);
    expect(result.examined).toBe(4);
    expect(f.cutoff()).toEqual(new Date('2030-01-01T00:00:00Z'));
  });

  it('keeps going when Redis fails for one operation and reports it', async () => {
    const f = fakes([op('a'), op('b')], { a: 'error', b: 'missing' });
    const result = await sweepOperations(f.source, f.queue, { now: NOW, graceMs: 0, limit: 10 });
    expect(result.failed).toEqual([{ id: 'a', error: 'redis down' }]);
    expect(f.requeued).toEqual(['b']);
  });
});
