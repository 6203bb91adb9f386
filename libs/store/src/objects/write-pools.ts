import { ClientConfig, Pool } from 'pg';
import { canonicalWorkspaceId } from '../schemas/workspace-schema-name';
import { PG_WRITE_SESSION_OPTIONS } from '../sql/session-options';

/**
 * The connections of an API server's single-object writes, in a few small pools; each workspace
 * always writes through the same one. A connection prepares each write statement once per
 * workspace and keeps the last 64 (PREPARED_PER_CONNECTION): when every connection served every
 * workspace, 50 busy workspaces already overflowed that, so connections kept parsing and planning
 * again. A pool serves a fraction of the workspaces, so its connections keep their statements and
 * plans (with the same measure, PostgreSQL's CPU per write over 50 workspaces fell by a third).
 * The write gate shares a transaction only among writes of one pool (`joins`).
 */
export class WorkspaceWritePools {
  readonly pools: readonly Pool[];

  /**
   * `count` pools of `connectionsPerPool` each: one workspace has at most that many write
   * transactions in flight (the write gate's per-workspace bound), so give it as many connections.
   */
  constructor(connection: ClientConfig, count: number, connectionsPerPool: number) {
    if (!Number.isInteger(count) || count < 1) throw new Error(`count must be a positive integer, got ${count}`);
    this.pools = Array.from({ length: count }, () => new Pool({ ...connection, max: connectionsPerPool, options: PG_WRITE_SESSION_OPTIONS }));
  }

  /** The pool of this workspace's writes, the same for every call. */
  forWorkspace(workspaceId: string): Pool {
    return this.pools[writePoolIndex(canonicalWorkspaceId(workspaceId), this.pools.length)];
  }

  async end(): Promise<void> {
    await Promise.all(this.pools.map((p) => p.end()));
  }
}

/** FNV-1a of the id, modulo `count`: stable across processes, so every replica groups alike. */
export function writePoolIndex(id: string, count: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  return (h >>> 0) % count;
}
