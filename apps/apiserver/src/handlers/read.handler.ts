import {
  badRequest,
  checkFieldSelector,
  notFound,
  parseFieldSelector,
  parseIncludeObject,
  parseLabelSelector,
  storageKey,
  TABLE_CONTENT_TYPE,
  toListObject,
  wantsTable,
} from '@kplane/kube';
import type { KubeObject, ListOptions, ListResult } from '@kplane/store';
import { sendJson, writeChunk } from '../http/respond';
import { ResourceRequest } from './request-context';
import { translated } from './store-errors';

/** Page size used to stream a list asked for without `limit`, so memory stays flat (§6 L4). */
const STREAM_PAGE = 500;

export async function getObject(r: ResourceRequest): Promise<void> {
  const name = r.name!;
  const obj = await translated(r.rt, name, () => r.store.get(storageKey(r.rt), r.namespace ?? '', name));
  if (!obj) throw notFound(r.rt.resource, r.rt.group, name);
  const view = r.behaviour.present(obj);
  if (wantsTable(r.req.headers.accept)) {
    sendJson(r.res, 200, r.behaviour.table([view], { includeObject: parseIncludeObject(r.query.get('includeObject')) }), TABLE_CONTENT_TYPE);
    return;
  }
  sendJson(r.res, 200, view);
}

export async function listObjects(r: ResourceRequest): Promise<void> {
  const labelSelector = parseLabelSelector(r.query.get('labelSelector') ?? '');
  const fieldSelector = parseFieldSelector(r.query.get('fieldSelector') ?? '');
  checkFieldSelector(r.rt, fieldSelector);
  const limit = parseLimit(r.query.get('limit'));
  const base: ListOptions = { namespace: r.namespace, labelSelector, fieldSelector, fieldPaths: r.behaviour.fieldPaths };
  const table = wantsTable(r.req.headers.accept);
  const includeObject = parseIncludeObject(r.query.get('includeObject'));
  const key = storageKey(r.rt);
  const page = (opts: ListOptions) => translated(r.rt, '', () => r.store.list(key, opts));

  if (limit !== undefined) {
    const result = await page({ ...base, limit, continue: r.query.get('continue') || undefined });
    result.items = result.items.map(r.behaviour.present);
    const meta = { resourceVersion: result.resourceVersion, continue: result.continue, remainingItemCount: result.remainingItemCount };
    if (table) return sendJson(r.res, 200, r.behaviour.table(result.items, { ...meta, includeObject }), TABLE_CONTENT_TYPE);
    return sendJson(r.res, 200, toListObject(r.rt, result.items, meta));
  }
  // Everything was asked for: stream it page by page instead of holding it all in memory.
  const first = await page({ ...base, limit: STREAM_PAGE, continue: r.query.get('continue') || undefined });
  await streamList(r, first, (cont) => page({ ...base, limit: STREAM_PAGE, continue: cont }), table, includeObject);
}

/** Writes `{...,"items":[` + pages + `]}` (or a Table's rows) as the store yields them. */
async function streamList(
  r: ResourceRequest,
  first: ListResult,
  next: (cont: string) => Promise<ListResult>,
  table: boolean,
  includeObject: 'None' | 'Metadata' | 'Object',
): Promise<void> {
  const { res } = r;
  const shell = table
    ? (r.behaviour.table([], { resourceVersion: first.resourceVersion, includeObject }) as unknown as Record<string, unknown>)
    : (toListObject(r.rt, [] as KubeObject[], { resourceVersion: first.resourceVersion }) as unknown as Record<string, unknown>);
  const arrayKey = table ? 'rows' : 'items';
  const head = JSON.stringify(shell);
  const marker = `"${arrayKey}":[]`;
  const at = head.lastIndexOf(marker);
  res.writeHead(200, { 'Content-Type': table ? TABLE_CONTENT_TYPE : 'application/json', 'Cache-Control': 'no-cache, private' });
  const write = (chunk: string) => writeChunk(res, chunk);
  await write(head.slice(0, at) + `"${arrayKey}":[`);
  let firstItem = true;
  let current: ListResult | null = first;
  while (current) {
    const items = current.items.map(r.behaviour.present);
    const entries = table ? (r.behaviour.table(items, { includeObject, omitColumnDefinitions: true }).rows as unknown[]) : items;
    if (entries.length) {
      await write((firstItem ? '' : ',') + entries.map((e) => JSON.stringify(e)).join(','));
      firstItem = false;
    }
    if (res.destroyed || !current.continue) break;
    try {
      current = await next(current.continue);
    } catch (err) {
      // Headers are gone; the only honest signal left is to cut the response short.
      r.logger.warn({ workspaceId: r.workspaceId, resource: r.rt.resource, err: (err as Error).message }, 'list page failed mid-stream; answer cut short');
      res.destroy();
      return;
    }
  }
  res.end(']' + head.slice(at + marker.length));
}

function parseLimit(v: string | null): number | undefined {
  if (v === null || v === '') return undefined;
  if (!/^\d{1,9}$/.test(v)) throw badRequest(`invalid limit "${v.slice(0, 32)}": must be a non-negative integer`);
  const n = Number(v);
  return n === 0 ? undefined : n;
}
