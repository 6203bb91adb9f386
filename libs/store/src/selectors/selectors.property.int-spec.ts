// Property test: the SQL compilation of label/field selectors agrees with the reference in-memory
// matchers of @kplane/kube (matchesLabelSelector / matchesFieldSelector) on random object sets and
// random selector STRINGS (parsed by the real parsers), on a real provisioned workspace.
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import {
  escapeFieldValue,
  FieldRequirement,
  LabelRequirement,
  matchesFieldSelector,
  matchesLabelSelector,
  parseFieldSelector,
  parseLabelSelector,
} from '@kplane/kube';
import { createStoreTestDb, StoreTestDb } from '../testing/store-test-db';
import { WorkspaceStore } from '../objects/workspace-store';

// Small alphabets so that selectors hit often; '' is a valid label value, 'n' holds integers
// (with a leading zero and a non-integer among them).
const KEYS = ['app', 'tier', 'example.com/role', 'n'];
const VALUES = ['a', 'b', 'c', ''];
const INT_VALUES = ['0', '1', '5', '007', '12', 'x'];
const NAMESPACES = ['ns-a', 'ns-b', 'ns-c'];
const NAMES = Array.from({ length: 12 }, (_, i) => `o${i}`);
const SECRET_TYPES = ['Opaque', 'kubernetes.io/tls', 'kubernetes.io/service-account-token', ''];
const RESOURCES = ['secrets', 'configmaps'] as const;
type Resource = (typeof RESOURCES)[number];

interface GenObject {
  resource: Resource;
  ns: string;
  name: string;
  labels: Record<string, string>;
  /** Per-kind selectable fields; configmaps have none (a selector on `type` reads "" there). */
  fields: Record<string, string>;
}

const labelValueFor = (key: string) => fc.constantFrom(...(key === 'n' ? INT_VALUES : VALUES));

const labelsArb: fc.Arbitrary<Record<string, string>> = fc
  .subarray(KEYS)
  .chain((keys) => (keys.length === 0 ? fc.constant({}) : fc.tuple(...keys.map(labelValueFor)).map((vs) => Object.fromEntries(keys.map((k, i) => [k, vs[i]])))));

const objectArb: fc.Arbitrary<GenObject> = fc
  .record({
    resource: fc.constantFrom(...RESOURCES),
    ns: fc.constantFrom(...NAMESPACES),
    name: fc.constantFrom(...NAMES),
    labels: labelsArb,
    type: fc.option(fc.constantFrom(...SECRET_TYPES), { nil: undefined }),
  })
  .map(({ resource, ns, name, labels, type }): GenObject => ({
    resource,
    ns,
    name,
    labels,
    fields: resource === 'secrets' && type !== undefined ? { type } : {},
  }));

const objectsArb = fc.uniqueArray(objectArb, { maxLength: 24, selector: (o) => `${o.resource}/${o.ns}/${o.name}` });

const nonEmptyValue = fc.constantFrom('a', 'b', 'c', '0', '1', '5', '12', 'x');
const sp = fc.constantFrom('', ' '); // whitespace the parser must ignore

/** One label selector term as text. */
const labelTermArb: fc.Arbitrary<string> = fc.oneof(
  fc.tuple(fc.constantFrom(...KEYS), fc.constantFrom('=', '==', '!='), fc.constantFrom(...VALUES, ...INT_VALUES), sp).map(([k, op, v, s]) => `${k}${s}${op}${s}${v}`),
  fc
    .tuple(fc.constantFrom(...KEYS), fc.constantFrom('in', 'notin'), fc.uniqueArray(nonEmptyValue, { minLength: 1, maxLength: 3 }), sp)
    .map(([k, op, vs, s]) => `${k} ${op}${s}(${vs.join(`,${s}`)})`),
  fc.constantFrom(...KEYS),
  fc.constantFrom(...KEYS).map((k) => `!${k}`),
  fc.tuple(fc.constantFrom('n', 'app'), fc.constantFrom('>', '<'), fc.integer({ min: -2, max: 13 })).map(([k, op, v]) => `${k}${op}${v}`),
);
const labelSelectorArb = fc.array(labelTermArb, { maxLength: 3 }).map((ts) => ts.join(','));

const fieldTermArb: fc.Arbitrary<string> = fc
  .oneof(
    fc.tuple(fc.constant('metadata.name'), fc.constantFrom(...NAMES, 'missing')),
    fc.tuple(fc.constant('metadata.namespace'), fc.constantFrom(...NAMESPACES, 'ns-z')),
    fc.tuple(fc.constant('type'), fc.constantFrom(...SECRET_TYPES)),
  )
  .chain(([f, v]) => fc.constantFrom('=', '==', '!=').map((op) => `${f}${op}${escapeFieldValue(v)}`));
const fieldSelectorArb = fc.array(fieldTermArb, { maxLength: 2 }).map((ts) => ts.join(','));

interface Query {
  resource: Resource;
  namespace: string | undefined;
  labelSelector: string;
  fieldSelector: string;
}
const queryArb: fc.Arbitrary<Query> = fc.record({
  resource: fc.constantFrom(...RESOURCES),
  namespace: fc.option(fc.constantFrom(...NAMESPACES), { nil: undefined }),
  labelSelector: labelSelectorArb,
  fieldSelector: fieldSelectorArb,
});

function expected(objects: GenObject[], q: Query, labels: LabelRequirement[], fields: FieldRequirement[]): string[] {
  return objects
    .filter((o) => o.resource === q.resource && (q.namespace === undefined || o.ns === q.namespace))
    .filter((o) => matchesLabelSelector(o.labels, labels))
    .filter((o) => matchesFieldSelector({ 'metadata.name': o.name, 'metadata.namespace': o.ns, ...o.fields }, fields))
    .map((o) => `${o.ns}/${o.name}`)
    .sort();
}

describe('selectors: SQL agrees with the reference matchers (property)', () => {
  let t: StoreTestDb;
  let store: WorkspaceStore;

  beforeAll(async () => {
    t = await createStoreTestDb();
    store = (await t.newWorkspace()).store;
  });
  afterAll(async () => {
    await t?.close(); // drops the workspace schema and role, then the database
  });

  it('list(labelSelector, fieldSelector, namespace) returns exactly the reference matches', async () => {
    let runs = 0;
    let nonEmptyHits = 0;
    await fc.assert(
      fc.asyncProperty(objectsArb, fc.array(queryArb, { minLength: 1, maxLength: 8 }), async (objects, queries) => {
        runs++;
        try {
          await Promise.all(
            objects.map((o) =>
              store.create(o.resource, { metadata: { name: o.name, namespace: o.ns, uid: randomUUID(), labels: o.labels } }, o.fields),
            ),
          );
          for (const q of queries) {
            // Every generated string is valid: a parse error is a failure of the generator or parser.
            const labelSelector = parseLabelSelector(q.labelSelector);
            const fieldSelector = parseFieldSelector(q.fieldSelector);
            const res = await store.list(q.resource, { namespace: q.namespace, labelSelector, fieldSelector });
            const got = res.items.map((i) => `${i.metadata.namespace}/${i.metadata.name}`).sort();
            const want = expected(objects, q, labelSelector, fieldSelector);
            if (want.length > 0) nonEmptyHits++;
            expect({ query: q, got }).toEqual({ query: q, got: want });
          }
        } finally {
          // Clean between runs (the workspace is reused); a failed run must not leak into the next.
          for (const r of RESOURCES) await store.deleteCollection(r);
        }
      }),
      { numRuns: 150, endOnFailure: false },
    );
    expect(runs).toBeGreaterThanOrEqual(150);
    // The alphabets are small on purpose: make sure the generator does produce hits.
    expect(nonEmptyHits).toBeGreaterThan(50);
  }, 60_000);
});
