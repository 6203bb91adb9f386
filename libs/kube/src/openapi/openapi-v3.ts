import { createHash } from 'node:crypto';
import { BUILTIN_RESOURCES, ResourceType } from '../resources';
import { builtinKindSchema, closeOverRefs, customKindSchema, gvkOf, listKindSchema, PATCH, refTo, Schema, schemaPackage, STATUS } from './schemas';

// OpenAPI v3: the `/openapi/v3` index and one document per group version
// (kubernetes-api.md §4 O2-O5, §13 K13).

/** A group version added on top of the built-ins, such as a CRD's (`schemas` holds each kind's openAPIV3Schema). */
export interface OpenApiExtraGroupVersion {
  groupVersion: string;
  resources: ResourceType[];
  /** openAPIV3Schema by kind; kinds without one get a schema that accepts anything. */
  schemas?: Record<string, Schema | undefined>;
}

export interface OpenApiV3Index {
  paths: Record<string, { serverRelativeURL: string }>;
}

export const PATCH_CONTENT_TYPES_CUSTOM = ['application/apply-patch+yaml', 'application/json-patch+json', 'application/merge-patch+json'];
export const PATCH_CONTENT_TYPES_BUILTIN = [...PATCH_CONTENT_TYPES_CUSTOM, 'application/strategic-merge-patch+json'];
const RESPONSE_TYPES = ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf'];

const gvOf = (rt: Pick<ResourceType, 'group' | 'version'>) => (rt.group ? `${rt.group}/${rt.version}` : rt.version);

/** `api/v1` or `apis/<group>/<version>`. */
export function openApiV3Key(groupVersion: string): string {
  return groupVersion.includes('/') ? `apis/${groupVersion}` : `api/${groupVersion}`;
}

function isBuiltin(rt: ResourceType): boolean {
  return BUILTIN_RESOURCES.some((b) => b.group === rt.group && b.version === rt.version && b.resource === rt.resource);
}

function pascal(s: string): string {
  return s
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((p) => p[0].toUpperCase() + p.slice(1))
    .join('');
}

function opPrefix(rt: ResourceType): string {
  return (rt.group ? pascal(rt.group.replace(/\.k8s\.io$/, '')) : 'Core') + pascal(rt.version);
}

function tag(rt: ResourceType): string {
  const g = rt.group ? rt.group.replace(/\.k8s\.io$/, '').replace(/\.(\w)/g, (_, c: string) => c.toUpperCase()) : 'core';
  return `${g}_${rt.version}`;
}

const q = (name: string, description: string, type: Schema = { type: 'string' }): Schema => ({ name, in: 'query', description, schema: { ...type, uniqueItems: true } });

const P = {
  pretty: q('pretty', "If 'true', the output is indented."),
  dryRun: q('dryRun', 'When present ("All"), the request is validated and processed but nothing is persisted.'),
  fieldManager: q('fieldManager', 'Name of the actor making the change, recorded in managedFields. Required for apply patches.'),
  fieldValidation: q('fieldValidation', 'What to do with unknown or duplicate fields in the body: Ignore, Warn or Strict.'),
  force: q('force', 'Apply patches only: take ownership of fields that other managers own.', { type: 'boolean' }),
  labelSelector: q('labelSelector', 'Only return objects whose labels match.'),
  fieldSelector: q('fieldSelector', 'Only return objects whose fields match.'),
  limit: q('limit', 'Maximum number of items in one page.', { type: 'integer' }),
  continue: q('continue', 'Token from a previous page, to fetch the next one.'),
  resourceVersion: q('resourceVersion', 'Version constraint on the data returned.'),
  resourceVersionMatch: q('resourceVersionMatch', 'How resourceVersion applies to a list: Exact or NotOlderThan.'),
  watch: q('watch', 'Stream changes instead of returning a list.', { type: 'boolean' }),
  allowWatchBookmarks: q('allowWatchBookmarks', 'Let the server send BOOKMARK watch events.', { type: 'boolean' }),
  sendInitialEvents: q('sendInitialEvents', 'Start a watch with synthetic ADDED events for the current state.', { type: 'boolean' }),
  timeoutSeconds: q('timeoutSeconds', 'Time limit of a list or watch call.', { type: 'integer' }),
  gracePeriodSeconds: q('gracePeriodSeconds', 'Seconds before the object is deleted.', { type: 'integer' }),
  propagationPolicy: q('propagationPolicy', 'Garbage collection of dependents: Orphan, Background or Foreground.'),
  orphanDependents: q('orphanDependents', 'Deprecated; use propagationPolicy.', { type: 'boolean' }),
};
const LIST_PARAMS = [P.allowWatchBookmarks, P.continue, P.fieldSelector, P.labelSelector, P.limit, P.pretty, P.resourceVersion, P.resourceVersionMatch, P.sendInitialEvents, P.timeoutSeconds, P.watch];
const DELETE_PARAMS = [P.dryRun, P.gracePeriodSeconds, P.orphanDependents, P.pretty, P.propagationPolicy];
const WRITE_PARAMS = [P.dryRun, P.fieldManager, P.fieldValidation, P.pretty];
const PATCH_PARAMS = [P.dryRun, P.fieldManager, P.fieldValidation, P.force, P.pretty];

const pathParam = (name: string, description: string): Schema => ({ name, in: 'path', required: true, description, schema: { type: 'string', uniqueItems: true } });

function respond(schemaName: string, codes: string[]): Schema {
  const content = Object.fromEntries(RESPONSE_TYPES.map((t) => [t, { schema: refTo(schemaName) }]));
  return { ...Object.fromEntries(codes.map((c) => [c, { description: c === '201' ? 'Created' : c === '202' ? 'Accepted' : 'OK', content }])), '401': { description: 'Unauthorized' } };
}

interface OpCtx {
  rt: ResourceType;
  kindSchema: string;
  listSchema: string;
  patchTypes: string[];
}

function op(c: OpCtx, action: string, verb: string, suffix: string, description: string, extra: Schema): Schema {
  return {
    tags: [tag(c.rt)],
    description,
    operationId: `${verb}${opPrefix(c.rt)}${suffix}`,
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': gvkOf(c.rt, c.rt.kind),
    ...extra,
  };
}

function pathsFor(c: OpCtx, base: string, prefix: string): Record<string, Schema> {
  const { rt } = c;
  const paths: Record<string, Schema> = {};
  const has = (v: string) => rt.verbs.includes(v);
  const ns = rt.namespaced ? 'Namespaced' : '';
  const nsParam = rt.namespaced ? [pathParam('namespace', 'Object name and auth scope, such as for teams and projects')] : [];
  const coll = `${base}${prefix}/${rt.resource}`;
  const item = `${coll}/{name}`;
  const body = (schema: string) => ({ requestBody: { required: true, content: { '*/*': { schema: refTo(schema) } } } });

  const collection: Schema = { parameters: nsParam };
  if (has('list')) collection.get = op(c, 'list', 'list', `${ns}${rt.kind}`, `list or watch objects of kind ${rt.kind}`, { parameters: LIST_PARAMS, responses: respond(c.listSchema, ['200']) });
  if (has('create')) collection.post = op(c, 'post', 'create', `${ns}${rt.kind}`, `create a ${rt.kind}`, { parameters: WRITE_PARAMS, ...body(c.kindSchema), responses: respond(c.kindSchema, ['200', '201', '202']) });
  if (has('deletecollection')) {
    collection.delete = op(c, 'deletecollection', 'deleteCollection', `${ns}${rt.kind}`, `delete collection of ${rt.kind}`, {
      parameters: [...DELETE_PARAMS, ...LIST_PARAMS.filter((p) => !DELETE_PARAMS.includes(p))],
      responses: respond(STATUS, ['200']),
    });
  }
  if (Object.keys(collection).length > 1) paths[coll] = collection;

  const itemPath: Schema = { parameters: [pathParam('name', `name of the ${rt.kind}`), ...nsParam] };
  if (has('get')) itemPath.get = op(c, 'get', 'read', `${ns}${rt.kind}`, `read the specified ${rt.kind}`, { parameters: [P.pretty], responses: respond(c.kindSchema, ['200']) });
  if (has('update')) itemPath.put = op(c, 'put', 'replace', `${ns}${rt.kind}`, `replace the specified ${rt.kind}`, { parameters: WRITE_PARAMS, ...body(c.kindSchema), responses: respond(c.kindSchema, ['200', '201']) });
  if (has('delete')) itemPath.delete = op(c, 'delete', 'delete', `${ns}${rt.kind}`, `delete a ${rt.kind}`, { parameters: DELETE_PARAMS, responses: respond(STATUS, ['200', '202']) });
  if (has('patch')) itemPath.patch = patchOp(c, `${ns}${rt.kind}`, `partially update the specified ${rt.kind}`);
  if (Object.keys(itemPath).length > 1) paths[item] = itemPath;

  for (const sub of rt.subresources) {
    const subPath: Schema = { parameters: [pathParam('name', `name of the ${rt.kind}`), ...nsParam] };
    const S = sub[0].toUpperCase() + sub.slice(1);
    if (sub === 'status') {
      subPath.get = op(c, 'get', 'read', `${ns}${rt.kind}Status`, `read status of the specified ${rt.kind}`, { parameters: [P.pretty], responses: respond(c.kindSchema, ['200']) });
      subPath.put = op(c, 'put', 'replace', `${ns}${rt.kind}Status`, `replace status of the specified ${rt.kind}`, { parameters: WRITE_PARAMS, ...body(c.kindSchema), responses: respond(c.kindSchema, ['200', '201']) });
      subPath.patch = patchOp(c, `${ns}${rt.kind}Status`, `partially update status of the specified ${rt.kind}`);
    } else if (sub === 'scale') {
      const scaleGvk = { group: 'autoscaling', version: 'v1', kind: 'Scale' };
      const get = op(c, 'get', 'read', `${ns}${rt.kind}Scale`, `read scale of the specified ${rt.kind}`, { parameters: [P.pretty], responses: { '200': { description: 'OK' } } });
      const put = op(c, 'put', 'replace', `${ns}${rt.kind}Scale`, `replace scale of the specified ${rt.kind}`, { parameters: WRITE_PARAMS, responses: { '200': { description: 'OK' } } });
      const patch = patchOp(c, `${ns}${rt.kind}Scale`, `partially update scale of the specified ${rt.kind}`);
      for (const o of [get, put, patch]) o['x-kubernetes-group-version-kind'] = scaleGvk;
      Object.assign(subPath, { get, put, patch });
    } else if (sub === 'finalize') {
      subPath.put = op(c, 'put', 'replace', `${ns}${rt.kind}${S}`, `replace finalize of the specified ${rt.kind}`, { parameters: WRITE_PARAMS, ...body(c.kindSchema), responses: respond(c.kindSchema, ['200', '201']) });
    } else {
      // token: TokenRequest is not modelled; the operation is listed without a body schema.
      const o = op(c, 'post', 'create', `${ns}${rt.kind}${S}`, `create ${sub} of a ${rt.kind}`, { parameters: WRITE_PARAMS, responses: { '200': { description: 'OK' }, '201': { description: 'Created' } } });
      o['x-kubernetes-group-version-kind'] = { group: 'authentication.k8s.io', version: 'v1', kind: 'TokenRequest' };
      subPath.post = o;
    }
    paths[`${item}/${sub}`] = subPath;
  }

  if (rt.namespaced && has('list')) {
    paths[`${base}/${rt.resource}`] = {
      get: op(c, 'list', 'list', `${rt.kind}ForAllNamespaces`, `list or watch objects of kind ${rt.kind} in all namespaces`, { parameters: LIST_PARAMS, responses: respond(c.listSchema, ['200']) }),
    };
  }
  return paths;
}

function patchOp(c: OpCtx, suffix: string, description: string): Schema {
  return op(c, 'patch', 'patch', suffix, description, {
    parameters: PATCH_PARAMS,
    requestBody: { required: true, content: Object.fromEntries(c.patchTypes.map((t) => [t, { schema: refTo(PATCH) }])) },
    responses: respond(c.kindSchema, ['200', '201']),
  });
}

interface Entry {
  rt: ResourceType;
  custom: boolean;
  schema?: Schema;
}

function entriesFor(groupVersion: string, resources: readonly ResourceType[], extras: readonly OpenApiExtraGroupVersion[]): Entry[] {
  const out: Entry[] = [];
  const seen = new Set<string>();
  for (const x of extras) {
    if (x.groupVersion !== groupVersion) continue;
    for (const rt of x.resources) {
      if (gvOf(rt) !== groupVersion || seen.has(rt.resource)) continue;
      seen.add(rt.resource);
      out.push({ rt, custom: true, schema: x.schemas?.[rt.kind] });
    }
  }
  for (const rt of resources) {
    if (gvOf(rt) !== groupVersion || seen.has(rt.resource)) continue;
    seen.add(rt.resource);
    out.push({ rt, custom: !isBuiltin(rt) });
  }
  return out;
}

/** Every group version that has a document, in first-seen order. */
export function openApiV3GroupVersions(resources: readonly ResourceType[], extras: readonly OpenApiExtraGroupVersion[] = []): string[] {
  const gvs = new Set<string>();
  for (const rt of resources) gvs.add(gvOf(rt));
  for (const x of extras) if (x.resources.some((rt) => gvOf(rt) === x.groupVersion)) gvs.add(x.groupVersion);
  return [...gvs];
}

/**
 * The OpenAPI 3.0 document of one group version: collection, item and
 * subresource paths for each resource, and the kind, list and referenced
 * schemas. Custom resources (from `extras`, or any type that is not built in)
 * do not advertise strategic merge patch (§4 O4).
 */
export function openApiV3Document(
  groupVersion: string,
  resources: readonly ResourceType[],
  extras: readonly OpenApiExtraGroupVersion[] = [],
): Record<string, unknown> {
  const base = groupVersion.includes('/') ? `/apis/${groupVersion}` : `/api/${groupVersion}`;
  const paths: Record<string, Schema> = {};
  const schemas: Record<string, Schema> = {};
  for (const e of entriesFor(groupVersion, resources, extras)) {
    const { rt } = e;
    const pkg = schemaPackage(rt.group, rt.version);
    const kindSchema = `${pkg}.${rt.kind}`;
    const listSchema = `${pkg}.${rt.listKind}`;
    schemas[kindSchema] = e.custom ? customKindSchema(rt, e.schema) : builtinKindSchema(rt);
    if (rt.verbs.includes('list')) schemas[listSchema] = listKindSchema(rt, kindSchema);
    const ctx: OpCtx = { rt, kindSchema, listSchema, patchTypes: e.custom ? PATCH_CONTENT_TYPES_CUSTOM : PATCH_CONTENT_TYPES_BUILTIN };
    Object.assign(paths, pathsFor(ctx, base, rt.namespaced ? '/namespaces/{namespace}' : ''));
  }
  closeOverRefs(schemas, [paths]);
  const sortedPaths = Object.fromEntries(Object.keys(paths).sort().map((k) => [k, paths[k]]));
  const sortedSchemas = Object.fromEntries(Object.keys(schemas).sort().map((k) => [k, schemas[k]]));
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: 'v1.32.0' },
    paths: sortedPaths,
    components: {
      securitySchemes: { BearerToken: { type: 'apiKey', description: 'Bearer token authentication', name: 'authorization', in: 'header' } },
      schemas: sortedSchemas,
    },
  };
}

/** Upper-case hex SHA-512 of the document's JSON, as the apiserver puts in `?hash=`. */
export function openApiV3Hash(doc: unknown): string {
  return createHash('sha512').update(JSON.stringify(doc)).digest('hex').toUpperCase();
}

/** `GET /openapi/v3`: every group version with a URL whose hash changes with the document. */
export function openApiV3Index(resources: readonly ResourceType[], extras: readonly OpenApiExtraGroupVersion[] = []): OpenApiV3Index {
  const paths: OpenApiV3Index['paths'] = {};
  for (const gv of openApiV3GroupVersions(resources, extras)) {
    const key = openApiV3Key(gv);
    paths[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=${openApiV3Hash(openApiV3Document(gv, resources, extras))}` };
  }
  return { paths };
}

/**
 * The document for a request path: `api/v1`, `apis/<g>/<v>`, or the same
 * with a leading `/openapi/v3/` and any query string. Undefined (a 404) for
 * an unknown group version.
 */
export function openApiV3ForPath(
  path: string,
  resources: readonly ResourceType[],
  extras: readonly OpenApiExtraGroupVersion[] = [],
): Record<string, unknown> | undefined {
  const key = path.split('?')[0].replace(/^\/+/, '').replace(/^openapi\/v3\/?/, '').replace(/\/+$/, '');
  let gv: string | undefined;
  const core = /^api\/([^/]+)$/.exec(key);
  const named = /^apis\/([^/]+)\/([^/]+)$/.exec(key);
  if (core) gv = core[1];
  else if (named) gv = `${named[1]}/${named[2]}`;
  if (!gv || !openApiV3GroupVersions(resources, extras).includes(gv)) return undefined;
  return openApiV3Document(gv, resources, extras);
}
