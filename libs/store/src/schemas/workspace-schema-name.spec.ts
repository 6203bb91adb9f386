import { quoteWorkspaceSchema, WORKSPACE_SCHEMA_PATTERN, workspaceIdFromSchemaName, workspaceSchemaName } from './workspace-schema-name';

describe('workspaceSchemaName', () => {
  it('maps a uuid (any case) to ws_ + 32 lower-case hex', () => {
    expect(workspaceSchemaName('0F8FAD5B-D9CB-469F-A165-70867728950E')).toBe('ws_0f8fad5bd9cb469fa16570867728950e');
    expect(workspaceSchemaName('0f8fad5b-d9cb-469f-a165-70867728950e')).toMatch(WORKSPACE_SCHEMA_PATTERN);
  });

  it.each(['', 'abc', '0f8fad5bd9cb469fa16570867728950e', '0f8fad5b-d9cb-469f-a165-70867728950e ', '0f8fad5b-d9cb-469f-a165-70867728950e"; DROP SCHEMA x; --', '0f8fad5b-d9cb-469f-a165-7086772895zz', null, 42])(
    'rejects %p with STORE_INVALID_NAME',
    (bad) => {
      expect(() => workspaceSchemaName(bad as string)).toThrow(expect.objectContaining({ code: 'STORE_INVALID_NAME' }));
    },
  );

  it('round-trips through workspaceIdFromSchemaName', () => {
    const id = '0f8fad5b-d9cb-469f-a165-70867728950e';
    expect(workspaceIdFromSchemaName(workspaceSchemaName(id))).toBe(id);
    expect(workspaceIdFromSchemaName('public')).toBeNull();
  });

  it('quotes only names that match the pattern', () => {
    expect(quoteWorkspaceSchema('ws_0f8fad5bd9cb469fa16570867728950e')).toBe('"ws_0f8fad5bd9cb469fa16570867728950e"');
    expect(() => quoteWorkspaceSchema('ws_x"; --')).toThrow(expect.objectContaining({ code: 'STORE_INVALID_NAME' }));
    expect(() => quoteWorkspaceSchema('kplane')).toThrow(expect.objectContaining({ code: 'STORE_INVALID_NAME' }));
  });
});
