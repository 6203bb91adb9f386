import { quotedWorkspaceSchema } from '../schemas/workspace-schema-name';
import { buildDeleteBatch } from './bulk-query.builder';

const s = quotedWorkspaceSchema('0f8fad5b-d9cb-469f-a165-70867728950e');
const T = '"ws_0f8fad5bd9cb469fa16570867728950e"';
const cursor = { resource: 'configmaps', namespace: 'n1', name: 'c-3', uid: '0f8fad5b-d9cb-469f-a165-70867728950e' };

// The scan part of the generated SQL is what EXPLAIN was checked against; keep it deliberate.
describe('buildDeleteBatch', () => {
  it('collection: resource, namespace, selectors, keyset on (namespace, name)', () => {
    const q = buildDeleteBatch(s, { kind: 'collection', resource: 'configmaps', namespace: 'n1', labelSelector: [{ key: 'app', op: 'in', values: ['web'] }] }, cursor, '41', 1000);
    expect(q.statement.name).toBe('objects.delete_batch');
    expect(q.statement.text).toContain(
      `SELECT d.resource, d.namespace, d.name, d.uid, d.body, d.labels, d.fields, true AS candidate FROM ${T}.objects d WHERE d.resource = $3 AND d.namespace = $4 AND labels @> $5::jsonb AND (d.namespace, d.name) > ($6, $7) ORDER BY d.namespace, d.name LIMIT $2`,
    );
    expect(q.statement.text).toContain('$1::bigint + row_number() OVER (ORDER BY p.namespace, p.name)');
    expect(q.values).toEqual(['41', 1000, 'configmaps', 'n1', '{"app":"web"}', 'n1', 'c-3']);
  });

  it('namespace: every resource, keyset on (resource, name)', () => {
    const q = buildDeleteBatch(s, { kind: 'namespace', namespace: 'n1' }, cursor, '7', 10);
    expect(q.statement.text).toContain(`WHERE d.namespace = $3 AND (d.resource, d.name) > ($4, $5) ORDER BY d.resource, d.name LIMIT $2`);
    expect(q.values).toEqual(['7', 10, 'n1', 'configmaps', 'c-3']);
  });

  it('garbage: owned objects in uid order, the anti-join as the candidate test', () => {
    const q = buildDeleteBatch(s, { kind: 'garbage' }, undefined, '7', 10);
    expect(q.statement.text).toContain(
      `NOT EXISTS (SELECT 1 FROM ${T}.objects o WHERE o.uid = ANY(d.owners)) AS candidate FROM ${T}.objects d WHERE cardinality(d.owners) > 0 ORDER BY d.uid LIMIT $2`,
    );
    expect(buildDeleteBatch(s, { kind: 'garbage' }, cursor, '7', 10).statement.text).toContain('AND d.uid > $3::uuid ORDER BY d.uid');
  });
});
