import { quotedWorkspaceSchema } from '../schemas/workspace-schema-name';
import { buildListQuery } from './list-query.builder';

const s = quotedWorkspaceSchema('0f8fad5b-d9cb-469f-a165-70867728950e');
const T = '"ws_0f8fad5bd9cb469fa16570867728950e"';

describe('buildListQuery (golden SQL)', () => {
  it('all namespaces, no selectors, no limit', () => {
    const q = buildListQuery(s, 'configmaps', {});
    expect(q.statement).toEqual({ name: 'objects.list', text: `SELECT body, (SELECT m.rv FROM ${T}.meta m)::text AS list_rv FROM ${T}.objects WHERE resource = $1 ORDER BY namespace, name` });
    expect(q.values).toEqual(['configmaps']);
  });

  it('one namespace, selectors, continue key and limit (fetches limit + 1)', () => {
    const q = buildListQuery(
      s,
      'widgets.example.com',
      { namespace: 'n1', labelSelector: [{ key: 'app', op: 'in', values: ['web'] }], fieldSelector: [{ field: 'metadata.name', op: 'neq', value: 'x' }] },
      { after: { ns: 'n1', name: 'w-3' }, limit: 10 },
    );
    expect(q.statement.text).toBe(
      `SELECT body, (SELECT m.rv FROM ${T}.meta m)::text AS list_rv FROM ${T}.objects WHERE resource = $1 AND namespace = $2 AND labels @> $3::jsonb AND name <> $4 AND (namespace, name) > ($5, $6) ORDER BY namespace, name LIMIT $7`,
    );
    expect(q.values).toEqual(['widgets.example.com', 'n1', '{"app":"web"}', 'x', 'n1', 'w-3', 11]);
  });

  it('cluster-scoped is namespace ""', () => {
    expect(buildListQuery(s, 'namespaces', { namespace: '' }).values).toEqual(['namespaces', '']);
  });
});
