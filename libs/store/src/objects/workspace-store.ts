import { Pool } from 'pg';
import { canonicalWorkspaceId, QuotedSchema, quotedWorkspaceSchema } from '../schemas/workspace-schema-name';
import * as sql from '../sql/statements';
import { inWorkspaceStatement, inWorkspaceTx, WorkspaceTx } from '../sql/workspace-tx';
import { StoreError, StoreQuotaExceeded } from '../store.errors';
import { compactChanges, readChangesSince, readCompactedRevision } from './change-log';
import { ChangeEvent, CompactOptions, CompactResult } from './change-log.types';
import { decodeContinue, encodeContinue } from './continue-token';
import { CreateOptions, DeleteCollectionOptions, DeleteOptions, KubeObject, ListOptions, ListResult, UpdateOptions, WorkspaceUsage } from './kube-object.types';
import { batchSize, BulkContext, deleteInBatches } from './bulk-delete';
import { collectGarbage, CollectGarbageOptions, dependentsOf, orphanDependents } from './garbage-collector';
import { buildListQuery, buildRemainingCountQuery, REMAINING_COUNT_CAP, remainingCountable } from './list-query.builder';
import { toObjectRow, withRevision } from './write-row.mapper';
import { checkFieldPaths, checkResource, checkSelectableFields, SelectableField } from '../selectors/selectable-fields';
import { syncSelectableFieldIndexes, SyncResult } from './selectable-field-indexes';
import { WorkspaceWrite, WriteGate, WriteRows } from './write-gate';

/**
 * Kubernetes object storage of one workspace. Stateless apart from the pool (and the process-wide
 * write gate, if given), so it can be created per request. Every call is one transaction under the
 * workspace role (a single-object write may share its transaction with other waiting writes through
 * the write gate, each statement still under its own workspace's role); every write takes the next
 * revision, writes the object and a change row, and NOTIFYs `<workspaceId>:<rv>`.
 */
export class WorkspaceStore {
  private readonly schema: QuotedSchema;
  private readonly workspaceId: string;

  /**
   * `writeGate` (one per process) bounds this workspace's single-object writes in flight;
   * `writePool` runs them (WorkspaceWritePools), instead of `pool`, which runs everything else.
   */
  constructor(
    private readonly pool: Pool,
    workspaceId: string,
    private readonly opts: { writeGate?: WriteGate<WorkspaceWrite, WriteRows>; writePool?: Pool } = {},
  ) {
    this.schema = quotedWorkspaceSchema(workspaceId);
    this.workspaceId = canonicalWorkspaceId(workspaceId);
  }

  async get(resource: string, namespace: string, name: string): Promise<KubeObject | null> {
    const rows = await inWorkspaceStatement<{ body: KubeObject }>(this.pool, this.schema, sql.getObject, [resource, namespace, name]);
    return rows[0]?.body ?? null;
  }

  async list(resource: string, opts: ListOptions = {}): Promise<ListResult> {
    checkFieldPaths(opts.fieldPaths);
    const token = opts.continue ? decodeContinue(opts.continue) : undefined;
    const limit = opts.limit && opts.limit > 0 ? Math.floor(opts.limit) : undefined;
    const counted = limit !== undefined && remainingCountable(opts);
    if (!token && !counted) {
      // One statement is one snapshot, and its rows carry the revision: a first page that finds
      // anything needs no transaction unless it also counts what is left (pages without selectors).
      // An empty one reads the revision in a snapshot of its own below.
      const q = buildListQuery(this.schema, resource, opts, { limit });
      const rows = await inWorkspaceStatement<{ body: KubeObject; list_rv: string }>(this.pool, this.schema, q.statement, q.values);
      if (rows.length > 0) return toPage(rows.map((r) => r.body), limit, rows[0].list_rv).result;
    }
    return this.read(async (tx) => {
      const q = buildListQuery(this.schema, resource, opts, { after: token && { ns: token.ns, name: token.name }, limit });
      const rows = await tx.run<{ body: KubeObject; list_rv: string }>(q.statement, q.values);
      // An empty page has no row to carry the revision; read it in the same snapshot.
      const current = rows[0]?.list_rv ?? (await tx.run<{ rv: string }>(sql.currentRevision(this.schema)))[0].rv;
      // Later pages serve the current state but report the first page's revision (Kubernetes L3).
      const { result, after } = toPage(rows.map((r) => r.body), limit, token?.rv ?? current);
      if (after && counted) {
        // Same snapshot as the page; unset (not wrong) when the capped count hit the cap.
        const c = buildRemainingCountQuery(this.schema, resource, opts, after);
        const [{ n }] = await tx.run<{ n: number }>(c.statement, c.values);
        if (n < REMAINING_COUNT_CAP) result.remainingItemCount = n;
      }
      return result;
    });
  }

  /**
   * `opts.quota` is checked in the same statement that takes the revision lock, against the
   * counters as of the last committed write: creates of one workspace are serialised by that
   * lock, so concurrent creates cannot overshoot. A refused create writes nothing
   * (STORE_QUOTA_EXCEEDED, with the limit on `err.quota`). The quota is checked before the name,
   * as admission runs before storage in Kubernetes.
   */
  async create(resource: string, obj: KubeObject, fields?: Record<string, string>, opts: CreateOptions = {}): Promise<KubeObject> {
    const row = toObjectRow(resource, obj, fields);
    const maxObjects = limitOf(opts.quota?.maxObjects);
    const maxStorage = limitOf(opts.quota?.maxStorageBytes);
    const body = JSON.stringify(withRevision(obj, '', row.uid));
    const values = [
      row.resource, row.namespace, row.name, row.uid,
      JSON.stringify(row.labels), JSON.stringify(row.fields), row.owners, body,
      this.workspaceId, maxObjects, maxStorage,
    ];
    // A refusal is explained from the state read right after it; when a concurrent write changed
    // that state meanwhile (so it explains nothing), the create is tried again.
    for (let attempt = 0; ; attempt++) {
      const [created] = await this.write<{ body: KubeObject }>(sql.createObject, values);
      if (created) return created.body;
      const [r] = await inWorkspaceStatement<{ objects: string; storage_bytes: string; size: string; taken: boolean }>(
        this.pool, this.schema, sql.createRefusal, [row.resource, row.namespace, row.name, body],
      );
      // Quota before name, as admission runs before storage in Kubernetes.
      if (maxObjects !== null && Number(r.objects) + 1 > maxObjects) {
        throw quotaExceeded(resource, row, { limit: 'objects', requested: 1, used: Number(r.objects), limited: maxObjects });
      }
      if (maxStorage !== null && Number(r.storage_bytes) + Number(r.size) > maxStorage) {
        throw quotaExceeded(resource, row, { limit: 'storageBytes', requested: Number(r.size), used: Number(r.storage_bytes), limited: maxStorage });
      }
      if (r.taken || attempt >= 2) throw new StoreError('STORE_ALREADY_EXISTS', `${resource} ${qualified(row)} already exists`);
    }
  }

  /**
   * Creates, in one statement, every object whose key is not taken yet (others are left as
   * they are); for seeding a new workspace. Returns how many were created.
   */
  async createAbsent(objects: { resource: string; object: KubeObject; fields?: Record<string, string> }[]): Promise<number> {
    if (objects.length === 0) return 0;
    const rows = objects.map(({ resource, object, fields }, ord) => {
      const row = toObjectRow(resource, object, fields);
      return { ord, ...row, body: withRevision(object, '', row.uid) };
    });
    const created = await this.write(sql.createAbsentObjects(this.schema), [JSON.stringify(rows), this.workspaceId]);
    return created.length;
  }

  async update(resource: string, obj: KubeObject, fields?: Record<string, string>, opts: UpdateOptions = {}): Promise<KubeObject> {
    const row = toObjectRow(resource, obj, fields);
    const maxStorage = limitOf(opts.quota?.maxStorageBytes);
    const expected = preconditionRv(opts.expectedResourceVersion);
    const [r] = await this.write<{
      uid: string | null; current_rv: string | null; current_body: KubeObject | null; rv_ok: boolean | null; same: boolean | null;
      growth: string | null; storage_bytes: string | null; rv: string | null; body: KubeObject | null;
    }>(sql.updateObjectStatement, [
      row.resource, row.namespace, row.name, expected,
      JSON.stringify(row.labels), JSON.stringify(row.fields), row.owners, JSON.stringify(obj),
      maxStorage, this.workspaceId,
    ]);
    if (r.rv && r.body) return r.body;
    if (!r.uid) throw new StoreError('STORE_NOT_FOUND', `${resource} ${qualified(row)} not found`);
    checkPrecondition(resource, row, { rv: r.current_rv! }, expected ?? undefined);
    // Nothing changed: the stored object, its revision kept, no change row.
    if (r.same) return r.current_body!;
    // Growth beyond the storage quota is refused; shrinking (or same-size) updates always pass,
    // so a workspace over its quota can still be cleaned up (finalizers removed, data trimmed).
    throw quotaExceeded(resource, row, { limit: 'storageBytes', requested: Number(r.growth), used: Number(r.storage_bytes), limited: maxStorage! });
  }

  async delete(resource: string, namespace: string, name: string, opts: DeleteOptions = {}): Promise<KubeObject> {
    const key = { namespace, name };
    const expectedRv = preconditionRv(opts.expectedResourceVersion);
    const [r] = await this.write<{ uid: string | null; current_rv: string | null; rv_ok: boolean | null; uid_ok: boolean | null; rv: string | null; body: KubeObject | null }>(
      sql.deleteObjectStatement, [resource, namespace, name, expectedRv, opts.expectedUid ?? null, this.workspaceId],
    );
    if (r.rv && r.body) return r.body;
    if (!r.uid) throw new StoreError('STORE_NOT_FOUND', `${resource} ${qualified(key)} not found`);
    checkPrecondition(resource, key, { rv: r.current_rv! }, expectedRv ?? undefined);
    throw new StoreError('STORE_CONFLICT', `${resource} ${qualified(key)}: uid precondition failed (expected ${opts.expectedUid}, stored ${r.uid})`);
  }

  /**
   * deletecollection (G6): every match in bounded batches (one transaction per batch, set-based
   * SQL, one revision and change row per object, in key order). Finalizer-held objects get
   * deletionTimestamp (MODIFIED) instead; they are returned too (see isFinalizerHeld), and ones
   * already terminating are left alone and not returned.
   */
  async deleteCollection(resource: string, opts: DeleteCollectionOptions = {}): Promise<KubeObject[]> {
    if (typeof resource !== 'string' || resource.length === 0) throw new StoreError('STORE_INVALID_NAME', 'resource must be a non-empty string');
    checkFieldPaths(opts.fieldPaths);
    const out: KubeObject[] = [];
    const scope = { kind: 'collection' as const, resource, namespace: opts.namespace, labelSelector: opts.labelSelector, fieldSelector: opts.fieldSelector, fieldPaths: opts.fieldPaths };
    await deleteInBatches(this.bulk, scope, batchSize(opts.batchSize), (rows) => rows.forEach((r) => out.push(r.body!)));
    return out;
  }

  /**
   * Namespace controller (N2): deletes everything in `namespace` (all resources) except
   * finalizer-held objects, which get deletionTimestamp. `remaining` is what is still stored
   * there afterwards (finalizer-held, or created meanwhile); 0 means the namespace can go.
   */
  async deleteNamespaceContents(namespace: string, opts: { batchSize?: number } = {}): Promise<{ deleted: number; remaining: number }> {
    // '' would be every cluster-scoped object.
    if (typeof namespace !== 'string' || namespace.length === 0) throw new StoreError('STORE_INVALID_NAME', 'namespace must be a non-empty string');
    let deleted = 0;
    await deleteInBatches(this.bulk, { kind: 'namespace', namespace }, batchSize(opts.batchSize), (rows) => {
      for (const r of rows) if (!r.marked) deleted++;
    });
    const remaining = await this.read(async (tx) => (await tx.run<{ n: number }>(sql.countInNamespace(this.schema), [namespace]))[0].n);
    return { deleted, remaining };
  }

  /**
   * CRD deletion (K11, the `customresourcecleanup` finalizer): deletes every object of `resource`
   * in all namespaces, set-based in bounded batches, one revision and DELETED change row per
   * object in key order. Like Kubernetes (which runs a deletecollection), finalizers are honoured:
   * finalizer-held objects get deletionTimestamp (MODIFIED) and stay. `remaining` is what is still
   * stored afterwards; the CRD may only be removed at 0 (call again after finalizers clear).
   */
  async deleteAllOfResource(resource: string, opts: { batchSize?: number } = {}): Promise<{ deleted: number; remaining: number }> {
    checkResource(resource);
    let deleted = 0;
    await deleteInBatches(this.bulk, { kind: 'collection', resource }, batchSize(opts.batchSize), (rows) => {
      for (const r of rows) if (!r.marked) deleted++;
    });
    return { deleted, remaining: await this.countOfResource(resource) };
  }

  /** Objects of `resource` in all namespaces (an index-only count on the primary key). */
  async countOfResource(resource: string): Promise<number> {
    checkResource(resource);
    return this.read(async (tx) => (await tx.run<{ n: number }>(sql.countOfResource(this.schema), [resource]))[0].n);
  }

  /**
   * Changes whenever an object of `resource` is created, updated or deleted; lets callers cache
   * things derived from a small resource (the API server's CRD registry) and re-check cheaply.
   */
  async resourceStamp(resource: string): Promise<string> {
    checkResource(resource);
    return this.read(async (tx) => {
      const row = (await tx.run<{ rv: string; n: number }>(sql.resourceStamp(this.schema), [resource]))[0];
      return `${row.rv}/${row.n}`;
    });
  }

  /**
   * CRD selectableFields (S5/K12): one partial expression index per declared path over exactly
   * the expression a list with `fieldPaths` compares; indexes of `resource` no longer declared
   * are dropped. Idempotent; returns the index names created and dropped.
   */
  async syncSelectableFieldIndexes(resource: string, fields: SelectableField[]): Promise<SyncResult> {
    checkResource(resource);
    checkSelectableFields(fields);
    return inWorkspaceTx(this.pool, this.schema, 'write', (tx) => syncSelectableFieldIndexes(tx, this.schema, resource, fields));
  }

  /** Background GC by ownerReferences (G5); returns how many objects were deleted or marked. */
  async collectGarbage(opts: CollectGarbageOptions = {}): Promise<number> {
    return collectGarbage(this.bulk, opts);
  }

  /** Orphan propagation: removes the ownerReference to `ownerUid` from every dependent (MODIFIED). */
  async orphanDependents(ownerUid: string): Promise<number> {
    return orphanDependents(this.bulk, ownerUid);
  }

  /** Objects with an ownerReference to `ownerUid`; blockingOnly: those with blockOwnerDeletion. */
  async dependentsOf(ownerUid: string, opts: { blockingOnly?: boolean } = {}): Promise<KubeObject[]> {
    return dependentsOf(this.bulk, ownerUid, opts.blockingOnly === true);
  }

  async currentResourceVersion(): Promise<string> {
    return this.read(async (tx) => (await tx.run<{ rv: string }>(sql.currentRevision(this.schema)))[0].rv);
  }

  async countObjects(): Promise<number> {
    return this.read(async (tx) => (await tx.run<{ n: number }>(sql.countObjects(this.schema)))[0].n);
  }

  /**
   * Object count and storage bytes (sum of octet_length(body::text)), kept exact in the same
   * transaction as every write; one row read, no scan.
   */
  async usage(): Promise<WorkspaceUsage> {
    return this.read(async (tx) => {
      const [r] = await tx.run<{ objects: string; storage_bytes: string }>(sql.usageCounters(this.schema));
      return { objects: Number(r.objects), storageBytes: Number(r.storage_bytes) };
    });
  }

  /** Objects per storage key (resource), e.g. for usage sampling; not maintained per write. */
  async countsByResource(): Promise<Record<string, number>> {
    return this.read(async (tx) => {
      const rows = await tx.run<{ resource: string; n: number }>(sql.countsByResource(this.schema));
      return Object.fromEntries(rows.map((r) => [r.resource, r.n]));
    });
  }

  /** Change-log rows after `rv` (oldest first), for watch replay; STORE_EXPIRED once compacted. */
  async changesSince(rv: string, limit = 500): Promise<ChangeEvent[]> {
    return readChangesSince((stmt, values) => inWorkspaceStatement(this.pool, this.schema, stmt, values), this.schema, rv, limit);
  }

  /** The oldest revision a watch can still resume from (older ones get STORE_EXPIRED). */
  async oldestRetainedResourceVersion(): Promise<string> {
    return this.read((tx) => readCompactedRevision(tx, this.schema));
  }

  /** Trims the change log; runs beside writers without taking the revision lock. */
  async compact(opts: CompactOptions): Promise<CompactResult> {
    return inWorkspaceTx(this.pool, this.schema, 'write', (tx) => compactChanges(tx, this.schema, opts));
  }

  private get bulk(): BulkContext {
    return { pool: this.pool, schema: this.schema, workspaceId: this.workspaceId };
  }

  /** A single-statement write, through the write gate when there is one. */
  private write<R extends Record<string, any>>(stmt: sql.Statement, values: unknown[]): Promise<R[]> {
    const gate = this.opts.writeGate;
    const pool = this.opts.writePool ?? this.pool;
    if (!gate) return inWorkspaceStatement<R>(pool, this.schema, stmt, values);
    return gate.run(this.workspaceId, { pool, schema: this.schema, stmt, values }) as Promise<R[]>;
  }

  private read<T>(fn: (tx: WorkspaceTx) => Promise<T>): Promise<T> {
    return inWorkspaceTx(this.pool, this.schema, 'read', fn);
  }
}

/** A resourceVersion precondition as the statements take it: none (null) when absent or empty. */
function preconditionRv(rv: string | undefined): string | null {
  return rv === undefined || rv === '' ? null : rv;
}

function qualified(k: { namespace: string; name: string }): string {
  return k.namespace ? `${k.namespace}/${k.name}` : k.name;
}

/** A quota field as a SQL parameter: null (unlimited) unless a finite, non-negative number. */
function limitOf(v: number | null | undefined): number | null {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? Math.floor(v) : null;
}

function quotaExceeded(resource: string, k: { namespace: string; name: string }, quota: StoreQuotaExceeded): StoreError {
  const unit = quota.limit === 'objects' ? 'count/objects' : 'kplane.io/storage-bytes';
  return new StoreError(
    'STORE_QUOTA_EXCEEDED',
    `${resource} ${qualified(k)}: exceeded quota: requested: ${unit}=${quota.requested}, used: ${unit}=${quota.used}, limited: ${unit}=${quota.limited}`,
    { quota },
  );
}

function checkPrecondition(resource: string, k: { namespace: string; name: string }, cur: { rv: string }, expected: string | undefined): void {
  if (expected !== undefined && expected !== '' && expected !== cur.rv) {
    throw new StoreError(
      'STORE_CONFLICT',
      `${resource} ${qualified(k)}: the object has been modified; resourceVersion ${expected} is stale (current ${cur.rv})`,
    );
  }
}

/**
 * A page from up to `limit + 1` rows: the extra row only says that more follow, and the continue
 * token resumes after the page's last key, at the list's revision.
 */
function toPage(items: KubeObject[], limit: number | undefined, resourceVersion: string): { result: ListResult; after?: { ns: string; name: string } } {
  if (limit === undefined || items.length <= limit) return { result: { items, resourceVersion } };
  items.length = limit;
  const last = items[limit - 1].metadata;
  const after = { ns: last.namespace ?? '', name: last.name };
  return { result: { items, resourceVersion, continue: encodeContinue({ rv: resourceVersion, ...after }) }, after };
}
