import type { ResourceType } from '../resources';
import { formatAge } from './format-age';
import { TableCell, TableColumn, TableColumnDefinition } from './table.types';

// Column sets of the apiserver's built-in printers (kubernetes-api.md §14 V6).

type Obj = Record<string, unknown>;

function at(obj: unknown, ...path: string[]): unknown {
  let cur = obj;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Obj)[p];
  }
  return cur;
}

const s = (v: unknown): string => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));
const count = (v: unknown): number => (Array.isArray(v) ? v.length : v && typeof v === 'object' ? Object.keys(v).length : 0);

function def(name: string, type: TableColumnDefinition['type'], description: string, priority = 0, format = ''): TableColumnDefinition {
  return { name, type, format, description, priority };
}

function col(d: TableColumnDefinition, cell: (o: Obj, now: Date) => TableCell): TableColumn {
  return { definition: d, cell };
}

export const NAME_COLUMN = col(
  def(
    'Name',
    'string',
    'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names',
    0,
    'name',
  ),
  (o) => s(at(o, 'metadata', 'name')),
);

export const AGE_COLUMN = col(
  def(
    'Age',
    'string',
    'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata',
  ),
  (o, now) => formatAge(at(o, 'metadata', 'creationTimestamp') as string | undefined, now),
);

export const CREATED_AT_COLUMN = col(
  def('Created At', 'date', 'CreationTimestamp is a timestamp representing the server time when this object was created.'),
  (o) => s(at(o, 'metadata', 'creationTimestamp')) || null,
);

function subjects(o: Obj, kind: string): string {
  const list = Array.isArray(o.subjects) ? (o.subjects as Obj[]) : [];
  return list
    .filter((x) => x.kind === kind)
    .map((x) => (kind === 'ServiceAccount' ? `${s(x.namespace)}/${s(x.name)}` : s(x.name)))
    .join(', ');
}

const BINDING_COLUMNS = [
  NAME_COLUMN,
  col(def('Role', 'string', 'RoleRef references the role being bound.'), (o) => `${s(at(o, 'roleRef', 'kind'))}/${s(at(o, 'roleRef', 'name'))}`),
  AGE_COLUMN,
  col(def('Users', 'string', 'Users in the binding', 1), (o) => subjects(o, 'User')),
  col(def('Groups', 'string', 'Groups in the binding', 1), (o) => subjects(o, 'Group')),
  col(def('ServiceAccounts', 'string', 'ServiceAccounts in the binding', 1), (o) => subjects(o, 'ServiceAccount')),
];

function eventLastSeen(o: Obj, now: Date): string {
  const series = at(o, 'series', 'lastObservedTime');
  const ts = (series ?? o.lastTimestamp ?? o.eventTime ?? o.firstTimestamp) as string | undefined;
  return formatAge(ts, now);
}

const EVENT_COLUMNS = [
  col(def('Last Seen', 'string', 'Time since the most recent occurrence of the event'), eventLastSeen),
  col(def('Type', 'string', 'Type of this event (Normal, Warning)'), (o) => s(o.type)),
  col(def('Reason', 'string', 'Short, machine understandable string that gives the reason for this event'), (o) => s(o.reason)),
  col(def('Object', 'string', 'The object that this event is about'), (o) => `${s(at(o, 'involvedObject', 'kind')).toLowerCase()}/${s(at(o, 'involvedObject', 'name'))}`),
  col(def('Subobject', 'string', 'The subobject that this event is about', 1), (o) => s(at(o, 'involvedObject', 'fieldPath'))),
  col(def('Source', 'string', 'The component reporting this event', 1), (o) => {
    const c = s(at(o, 'source', 'component')) || s(o.reportingComponent);
    const h = s(at(o, 'source', 'host'));
    return h ? `${c}, ${h}` : c;
  }),
  col(def('Message', 'string', 'A human-readable description of the status of this operation'), (o) => s(o.message)),
  col(def('First Seen', 'string', 'Time since the first occurrence of the event', 1), (o, now) => formatAge((o.firstTimestamp ?? o.eventTime) as string | undefined, now)),
  col(def('Count', 'string', 'The number of times this event has occurred', 1), (o) => (typeof o.count === 'number' ? String(o.count) : '')),
  col(def('Name', 'string', 'Name of the event', 1, 'name'), (o) => s(at(o, 'metadata', 'name'))),
];

// events.k8s.io/v1 Events: the same printer as core events (the apiserver
// converts both to one internal type), reading the events.k8s.io field names.
function eventsV1LastSeen(o: Obj, now: Date): string {
  const ts = (at(o, 'series', 'lastObservedTime') ?? o.deprecatedLastTimestamp ?? o.eventTime ?? o.deprecatedFirstTimestamp) as string | undefined;
  return formatAge(ts, now);
}

const EVENTS_V1_COLUMNS = [
  col(EVENT_COLUMNS[0].definition, eventsV1LastSeen),
  col(EVENT_COLUMNS[1].definition, (o) => s(o.type)),
  col(EVENT_COLUMNS[2].definition, (o) => s(o.reason)),
  col(EVENT_COLUMNS[3].definition, (o) => `${s(at(o, 'regarding', 'kind')).toLowerCase()}/${s(at(o, 'regarding', 'name'))}`),
  col(EVENT_COLUMNS[4].definition, (o) => s(at(o, 'regarding', 'fieldPath'))),
  col(EVENT_COLUMNS[5].definition, (o) => {
    const c = s(at(o, 'deprecatedSource', 'component')) || s(o.reportingController);
    const h = s(at(o, 'deprecatedSource', 'host'));
    return h ? `${c}, ${h}` : c;
  }),
  col(EVENT_COLUMNS[6].definition, (o) => s(o.note)),
  col(EVENT_COLUMNS[7].definition, (o, now) => formatAge((o.deprecatedFirstTimestamp ?? o.eventTime) as string | undefined, now)),
  col(EVENT_COLUMNS[8].definition, (o) => {
    const n = at(o, 'series', 'count') ?? o.deprecatedCount;
    return typeof n === 'number' ? String(n) : '';
  }),
  EVENT_COLUMNS[9],
];

const BY_KIND: Record<string, TableColumn[]> = {
  '/Namespace': [NAME_COLUMN, col(def('Status', 'string', 'The status of the namespace'), (o) => s(at(o, 'status', 'phase'))), AGE_COLUMN],
  '/ConfigMap': [NAME_COLUMN, col(def('Data', 'integer', 'Number of data entries'), (o) => count(o.data) + count(o.binaryData)), AGE_COLUMN],
  '/Secret': [
    NAME_COLUMN,
    col(def('Type', 'string', 'The type of the secret'), (o) => s(o.type)),
    col(def('Data', 'integer', 'Number of data entries'), (o) => count(o.data)),
    AGE_COLUMN,
  ],
  '/ServiceAccount': [NAME_COLUMN, col(def('Secrets', 'integer', 'Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use.'), (o) => count(o.secrets)), AGE_COLUMN],
  '/Event': EVENT_COLUMNS,
  'events.k8s.io/Event': EVENTS_V1_COLUMNS,
  'coordination.k8s.io/Lease': [NAME_COLUMN, col(def('Holder', 'string', 'The holder of the lease'), (o) => s(at(o, 'spec', 'holderIdentity'))), AGE_COLUMN],
  'rbac.authorization.k8s.io/Role': [NAME_COLUMN, CREATED_AT_COLUMN],
  'rbac.authorization.k8s.io/ClusterRole': [NAME_COLUMN, CREATED_AT_COLUMN],
  'rbac.authorization.k8s.io/RoleBinding': BINDING_COLUMNS,
  'rbac.authorization.k8s.io/ClusterRoleBinding': BINDING_COLUMNS,
  'apiextensions.k8s.io/CustomResourceDefinition': [NAME_COLUMN, CREATED_AT_COLUMN],
};

/** The printer columns of a built-in kind; `Name` + `Created At` for kinds without a printer. */
export function builtinColumns(rt: Pick<ResourceType, 'group' | 'kind'>): TableColumn[] {
  return BY_KIND[`${rt.group}/${rt.kind}`] ?? [NAME_COLUMN, CREATED_AT_COLUMN];
}
