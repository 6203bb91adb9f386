import { Pool, PoolClient } from 'pg';

const guardedPools = new WeakSet<Pool>();
const guardedClients = new WeakSet<PoolClient>();

/**
 * Gives every client the pool hands out an 'error' listener of its own, from the moment it is
 * handed out. The pool listens only while a client is idle; a checked-out client whose session
 * ends between its statements emits 'error', and an 'error' nobody listens to ends the process.
 * The statement in flight, or the next one, reports the failure instead. Attaching the listener
 * after `pool.connect()` resolves is too late: a new client is handed out from inside the socket
 * read that ended its handshake, and a FATAL in that same read is emitted before the caller resumes.
 */
export function guardCheckedOutClients(pool: Pool): void {
  if (guardedPools.has(pool)) return;
  pool.on('acquire', guardClient);
  guardedPools.add(pool);
}

function guardClient(client: PoolClient): void {
  if (guardedClients.has(client)) return;
  client.on('error', () => undefined);
  guardedClients.add(client);
}
