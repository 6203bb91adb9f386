import {
  allFieldValuesOf,
  apiVersionOf,
  badRequest,
  checkFieldSelector,
  expired,
  internalError,
  LabelRequirement,
  FieldRequirement,
  matchesFieldSelector,
  matchesLabelSelector,
  parseBoolParam,
  parseFieldSelector,
  parseIncludeObject,
  parseLabelSelector,
  storageKey,
  TABLE_CONTENT_TYPE,
  wantsTable,
} from '@kplane/kube';
import type { ChangeEvent, KubeObject, WatchHub, Watcher } from '@kplane/store';
import { ResourceRequest } from './request-context';
import { writeChunk } from '../http/respond';

/** Bookmarks keep idle informers' revisions fresh so compaction does not force relists (§7 W6). */
const BOOKMARK_INTERVAL_MS = 60_000;
const INITIAL_PAGE = 500;

type EventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

/** Emitted on the response to end a watch cleanly from outside (workspace suspended or deleted). */
export const STOP_WATCH = 'kplane:stop-watch';

export interface WatchLimits {
  /** Without timeoutSeconds the server still ends a watch, at a random point in this range (§7 W7). */
  minTimeoutSeconds: number;
  maxTimeoutSeconds: number;
}

interface WatchFilter {
  namespace?: string;
  labels: LabelRequirement[];
  fields: FieldRequirement[];
}

/**
 * `GET <collection>?watch=true`: optional synthetic ADDED events for the current state, then
 * the change log from the start revision on, filtered by resource, namespace and selectors.
 * Objects entering or leaving a selector arrive as ADDED or DELETED (§7 W5).
 */
export async function watchObjects(r: ResourceRequest, hub: WatchHub, limits: WatchLimits): Promise<void> {
  const filter: WatchFilter = {
    namespace: r.namespace,
    labels: parseLabelSelector(r.query.get('labelSelector') ?? ''),
    fields: parseFieldSelector(r.query.get('fieldSelector') ?? ''),
  };
  checkFieldSelector(r.rt, filter.fields);
  const timeoutSeconds = parseTimeout(r.query.get('timeoutSeconds'), limits);
  const bookmarks = parseBoolParam(r.query.get('allowWatchBookmarks') ?? undefined) === true;
  const rvParam = r.query.get('resourceVersion') ?? '';
  if (rvParam !== '' && !/^\d{1,19}$/.test(rvParam)) throw badRequest(`invalid resource version "${rvParam.slice(0, 40)}"`);
  const table = wantsTable(r.req.headers.accept);
  const includeObject = parseIncludeObject(r.query.get('includeObject'));
  const key = storageKey(r.rt);

  const { res } = r;
  res.writeHead(200, {
    'Content-Type': table ? TABLE_CONTENT_TYPE : 'application/json',
    'Cache-Control': 'no-cache, private',
    'Transfer-Encoding': 'chunked',
  });
  // client-node's informer waits for the headers before it resolves start() (§1 item 5).
  res.flushHeaders();

  let firstTableEvent = true;
  const render = (type: EventType, obj: object) => {
    if (table && (type === 'ADDED' || type === 'MODIFIED' || type === 'DELETED')) {
      const t = r.behaviour.table([obj as KubeObject], { includeObject, omitColumnDefinitions: !firstTableEvent });
      firstTableEvent = false;
      return JSON.stringify({ type, object: t }) + '\n';
    }
    return eventLine(type, obj);
  };
  let clientGone = false;
  const write = async (line: string): Promise<void> => {
    if (!clientGone) await writeChunk(res, line);
  };

  let startRv = rvParam;
  if (rvParam === '' || rvParam === '0') {
    // Current state as synthetic ADDED events, read in pages so memory stays flat (§7 W3).
    let cont: string | undefined;
    startRv = '';
    do {
      const page = await r.store.list(key, {
        namespace: filter.namespace,
        labelSelector: filter.labels,
        fieldSelector: filter.fields,
        fieldPaths: r.behaviour.fieldPaths,
        limit: INITIAL_PAGE,
        continue: cont,
      });
      if (!startRv) startRv = page.resourceVersion;
      for (const item of page.items) await write(render('ADDED', r.behaviour.present(item)));
      cont = page.continue;
    } while (cont && !clientGone);
  }

  let watcher: Watcher;
  try {
    watcher = hub.watch(r.workspaceId, startRv);
  } catch (err) {
    await write(render('ERROR', expired(`too old resource version: ${startRv}`).status));
    res.end();
    return;
  }
  res.once('close', () => {
    clientGone = true;
    watcher.close('closed');
  });
  res.once(STOP_WATCH, () => watcher.close('closed'));
  const timer = setTimeout(() => watcher.close('closed'), timeoutSeconds * 1000);
  const bookmarkTimer = bookmarks
    ? setInterval(() => {
        void write(render('BOOKMARK', { kind: r.rt.kind, apiVersion: apiVersionOf(r.rt), metadata: { resourceVersion: watcher.lastSeenRevision } }));
      }, BOOKMARK_INTERVAL_MS)
    : null;
  try {
    for (;;) {
      const ev = await watcher.next();
      if (!ev) break;
      const type = eventTypeFor(ev, key, r, filter);
      if (type) await write(render(type, r.behaviour.present(ev.object)));
    }
    if (watcher.closeReason === 'expired') {
      await write(render('ERROR', expired(watcher.message || `too old resource version: ${startRv}`).status));
    } else if (watcher.closeReason === 'error') {
      // An ERROR event with 500 makes informers re-watch; an HTTP error would stop client-node's (§7 W12).
      await write(render('ERROR', internalError('the watch was interrupted').status));
    }
  } finally {
    clearTimeout(timer);
    if (bookmarkTimer) clearInterval(bookmarkTimer);
    watcher.close('closed');
    if (!clientGone) res.end();
  }
}

/**
 * The serialised event per object and type, shared by every watcher the hub hands the same
 * change to (built-in kinds are presented as stored, so they all hold the same object).
 */
const eventLines = new WeakMap<object, Partial<Record<EventType, string>>>();

function eventLine(type: EventType, obj: object): string {
  let lines = eventLines.get(obj);
  if (!lines) eventLines.set(obj, (lines = {}));
  return (lines[type] ??= JSON.stringify({ type, object: obj }) + '\n');
}

/** Maps a change to the event this watcher sees, or null when it is not visible through its filter. */
export function eventTypeFor(ev: ChangeEvent, key: string, r: Pick<ResourceRequest, 'rt'>, filter: WatchFilter): EventType | null {
  if (ev.resource !== key) return null;
  if (filter.namespace !== undefined && ev.namespace !== filter.namespace) return null;
  const base = { 'metadata.name': ev.name, 'metadata.namespace': ev.namespace };
  const nowMatches =
    matchesLabelSelector(ev.object.metadata.labels, filter.labels) &&
    matchesFieldSelector({ ...allFieldValuesOf(r.rt, ev.object), ...ev.fields, ...base }, filter.fields);
  if (ev.type === 'ADDED') return nowMatches ? 'ADDED' : null;
  if (ev.type === 'DELETED') return nowMatches ? 'DELETED' : null;
  const before = ev.prevLabels === null ? false : matchesLabelSelector(ev.prevLabels, filter.labels) && matchesFieldSelector({ ...(ev.prevFields ?? {}), ...base }, filter.fields);
  if (before && nowMatches) return 'MODIFIED';
  if (nowMatches) return 'ADDED';
  if (before) return 'DELETED';
  return null;
}

function parseTimeout(v: string | null, limits: WatchLimits): number {
  if (v !== null && v !== '') {
    if (!/^\d{1,9}$/.test(v)) throw badRequest(`invalid timeoutSeconds "${v.slice(0, 32)}"`);
    const n = Number(v);
    if (n > 0) return Math.min(n, limits.maxTimeoutSeconds);
  }
  return limits.minTimeoutSeconds + Math.floor(Math.random() * (limits.maxTimeoutSeconds - limits.minTimeoutSeconds + 1));
}
