import { randomUUID } from 'node:crypto';
import { WorkspaceWritePools, writePoolIndex } from './write-pools';

describe('writePoolIndex', () => {
  it('sends a workspace to the same pool every time', () => {
    const id = randomUUID();
    expect(new Set(Array.from({ length: 10 }, () => writePoolIndex(id, 4))).size).toBe(1);
    expect(writePoolIndex('3f2b8c9e-1d4a-4e6b-9c7d-2a1b0c9d8e7f', 4)).toBe(writePoolIndex('3f2b8c9e-1d4a-4e6b-9c7d-2a1b0c9d8e7f', 4));
  });

  it('spreads workspaces evenly over the pools', () => {
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 4000; i++) counts[writePoolIndex(randomUUID(), 4)]++;
    for (const c of counts) expect(c).toBeGreaterThan(850);
  });

  it('spreads ids that differ in one character', () => {
    const base = '00000000-0000-4000-8000-0000000000';
    const used = new Set(Array.from({ length: 16 }, (_, i) => writePoolIndex(base + i.toString(16).padStart(2, '0'), 4)));
    expect(used.size).toBe(4);
  });
});

describe('WorkspaceWritePools', () => {
  it('refuses a count that is not a positive integer', () => {
    for (const n of [0, -1, 1.5, NaN]) expect(() => new WorkspaceWritePools({}, n, 2)).toThrow(/positive integer/);
  });

  it('maps an id in any letter case to the same pool', async () => {
    const pools = new WorkspaceWritePools({}, 8, 1);
    const id = randomUUID();
    expect(pools.forWorkspace(id.toUpperCase())).toBe(pools.forWorkspace(id));
    await pools.end();
  });
});
