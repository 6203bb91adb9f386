import {
  checkFieldSelector,
  notFound,
  parseFieldSelector,
  parseLabelSelector,
  storageKey,
  toListObject,
  toTable,
  wantsTable,
  badRequest,
} from '@kplane/kube';
import { sendJson } from '../http/respond';
import { ResourceRequest } from './request-context';
import { translated } from './store-errors';

const TABLE_CONTENT_TYPE = 'application/json;as=Table;v=v1;g=meta.k8s.io';

export async function getObject(r: ResourceRequest): Promise<void> {
  const name = r.name!;
  const obj = await translated(r.rt, name, () => r.store.get(storageKey(r.rt), r.namespace ?? '', name));
  if (!obj) throw notFound(r.rt.resource, r.rt.group, name);
  if (wantsTable(r.req.headers.accept)) {
    sendJson(r.res, 200, toTable(r.rt, [obj], { includeObject: includeObjectParam(r.query) }), TABLE_CONTENT_TYPE);
    return;
  }
  sendJson(r.res, 200, obj);
}

export async function listObjects(r: ResourceRequest): Promise<void> {
  const labelSelector = parseLabelSelector(r.query.get('labelSelector') ?? '');
  const fieldSelector = parseFieldSelector(r.query.get('fieldSelector') ?? '');
  checkFieldSelector(r.rt, fieldSelector);
  const limit = parseLimit(r.query.get('limit'));
  const result = await translated(r.rt, '', () =>
    r.store.list(storageKey(r.rt), {
      namespace: r.namespace,
      labelSelector,
      fieldSelector,
      limit,
      continue: r.query.get('continue') || undefined,
    }),
  );
  const listMeta = { resourceVersion: result.resourceVersion, continue: result.continue, remainingItemCount: result.remainingItemCount };
  if (wantsTable(r.req.headers.accept)) {
    sendJson(r.res, 200, toTable(r.rt, result.items, { ...listMeta, includeObject: includeObjectParam(r.query) }), TABLE_CONTENT_TYPE);
    return;
  }
  sendJson(r.res, 200, toListObject(r.rt, result.items, listMeta));
}

function parseLimit(v: string | null): number | undefined {
  if (v === null || v === '') return undefined;
  if (!/^\d{1,9}$/.test(v)) throw badRequest(`invalid limit "${v.slice(0, 32)}": must be a non-negative integer`);
  const n = Number(v);
  return n === 0 ? undefined : n;
}

function includeObjectParam(q: URLSearchParams): 'None' | 'Metadata' | 'Object' {
  const v = q.get('includeObject');
  if (v === null || v === '') return 'Metadata';
  if (v === 'None' || v === 'Metadata' || v === 'Object') return v;
  throw badRequest(`invalid includeObject "${v.slice(0, 32)}"`);
}
