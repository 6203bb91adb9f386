import { ChangeEvent } from '../objects/change-log.types';
import { Watcher } from './watcher';

const ev = (rv: string): ChangeEvent => ({ rv, type: 'ADDED', resource: 'configmaps', namespace: 'd', name: `n${rv}`, uid: 'u', object: { metadata: { name: `n${rv}`, uid: 'u' } }, fields: {}, prevLabels: null, prevFields: null });

describe('Watcher.lastSeenRevision', () => {
  it('starts at the watch revision and follows what the consumer pulled, not what is queued', async () => {
    const w = new Watcher('ws', '10', 5, () => undefined);
    expect(w.lastSeenRevision).toBe('10');
    w.deliver(ev('11'));
    w.deliver(ev('12'));
    expect(w.cursor).toBe(12n);
    expect(w.lastSeenRevision).toBe('10');
    await w.next();
    expect(w.lastSeenRevision).toBe('11');
    await w.next();
    expect(w.lastSeenRevision).toBe('12');
    // Handed straight to a waiting consumer.
    const pending = w.next();
    w.deliver(ev('15'));
    expect((await pending)?.rv).toBe('15');
    expect(w.lastSeenRevision).toBe('15');
    w.close();
  });
});
