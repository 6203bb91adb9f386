import { OperationEntity, WorkspaceEntity } from '@kplane/control';
import { toOperationResponse } from '../operations/operation.mapper';
import { toWorkspaceResponse, workspaceLocation } from './workspace.mapper';

describe('mappers', () => {
  const ws = Object.assign(new WorkspaceEntity(), {
    id: '7a0c1f0e-1111-4222-8333-444455556666',
    tenantId: 't',
    name: 'dev',
    displayName: null,
    labels: { env: 'dev' },
    phase: 'Pending',
    message: 'waiting',
    shard: 'default',
    createdAt: new Date('2024-05-01T10:00:00.123Z'),
    readyAt: null,
    updatedAt: new Date('2024-05-01T10:00:01Z'),
  });

  it('maps a workspace to the contract shape', () => {
    expect(toWorkspaceResponse(ws, 'acme', 'https://h:6443/')).toEqual({
      id: ws.id,
      tenant: 'acme',
      name: 'dev',
      displayName: null,
      labels: { env: 'dev' },
      phase: 'Pending',
      message: 'waiting',
      endpoint: `https://h:6443/clusters/${ws.id}`,
      shard: 'default',
      createdAt: '2024-05-01T10:00:00.123Z',
      readyAt: null,
      updatedAt: '2024-05-01T10:00:01.000Z',
    });
    expect(workspaceLocation('acme', 'dev')).toBe('/v1/tenants/acme/workspaces/dev');
  });

  it('maps an operation to the contract shape', () => {
    const op = Object.assign(new OperationEntity(), {
      id: 'o',
      type: 'ProvisionWorkspace',
      tenantId: 't',
      tenantName: 'acme',
      workspaceId: ws.id,
      workspaceName: 'dev',
      status: 'Running',
      attempts: 2,
      error: null,
      createdAt: new Date('2024-05-01T10:00:00Z'),
      startedAt: new Date('2024-05-01T10:00:02Z'),
      finishedAt: null,
      updatedAt: new Date(),
    });
    expect(toOperationResponse(op)).toEqual({
      id: 'o',
      type: 'ProvisionWorkspace',
      tenant: 'acme',
      workspace: 'dev',
      status: 'Running',
      attempts: 2,
      error: null,
      createdAt: '2024-05-01T10:00:00.000Z',
      startedAt: '2024-05-01T10:00:02.000Z',
      finishedAt: null,
    });
  });
});
