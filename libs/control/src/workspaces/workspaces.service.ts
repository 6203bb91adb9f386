import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource, EntityManager } from 'typeorm';
import { OperationEntity, OperationType } from '../operations/operation.entity';
import { dispatchAfterCommit } from '../operations/dispatch-after-commit';
import { newOperation } from '../operations/new-operation';
import { OPERATION_DISPATCHER, OperationDispatcher } from '../operations/operation-dispatcher';
import { OperationsRepository } from '../operations/operations.repository';
import { decodeCursor, Page, PageRequest, pageLimit, toPage } from '../pagination/cursor';
import { parseEqualityLabelSelector } from '../pagination/label-selector';
import { canSeeTenant, Principal } from '../tenants/principal';
import { dnsLabelProblem, labelProblems } from '../tenants/resource-names';
import { TenantEntity } from '../tenants/tenant.entity';
import { TenantError } from '../tenants/tenants.errors';
import { TenantsRepository } from '../tenants/tenants.repository';
import { WorkspaceEntity, WorkspacePhase } from './workspace.entity';
import { WorkspaceError } from './workspaces.errors';
import { SpareWorkspacesRepository } from '../spares/spare-workspaces.repository';
import { WorkspacesRepository } from './workspaces.repository';

export interface CreateWorkspaceCommand {
  name: string;
  displayName?: string | null;
  labels?: Record<string, string>;
}

export interface ListWorkspacesQuery extends PageRequest {
  labelSelector?: string;
}

/** One waiter's view of a workspace's changes (phase, deletion); see WorkspaceChanges. */
export interface WorkspaceChangeSubscription {
  /** Resolves at the next change (or at once if one came since the last wait), after maxMs at the latest. */
  wait(maxMs: number, signal?: AbortSignal): Promise<void>;
  close(): void;
}

/** Tells long-polls that a workspace row changed, so they re-read it at once instead of polling. */
export interface WorkspaceChanges {
  subscribe(workspaceId: string): WorkspaceChangeSubscription;
}

export interface WaitForPhaseOptions {
  /** Answer as soon as the phase is one of these. */
  phases: WorkspacePhase[];
  timeoutMs: number;
  /** Re-read interval without change notifications, and the fallback with them (default 250 ms / 2 s). */
  pollIntervalMs?: number;
  /** Stops waiting early (the client went away); the current row is returned. */
  signal?: AbortSignal;
  changes?: WorkspaceChanges;
}

export interface WorkspaceOperationResult {
  workspace: WorkspaceEntity;
  operation: OperationEntity;
  /** False when an equivalent operation was already in flight and is returned instead. */
  created: boolean;
}

export const DEFAULT_SHARD = 'default';

/** What each lifecycle request needs of the workspace before it is recorded. */
const LIFECYCLE_RULES: Record<
  Exclude<OperationType, 'ProvisionWorkspace' | 'DeleteTenant'>,
  { allowed: WorkspacePhase[] | 'any'; setPhase?: { phase: WorkspacePhase; message: string } }
> = {
  DeprovisionWorkspace: { allowed: 'any', setPhase: { phase: 'Deleting', message: 'deletion requested' } },
  SuspendWorkspace: { allowed: ['Ready', 'Suspended'] },
  ResumeWorkspace: { allowed: ['Ready', 'Suspended'] },
  RotateCredentials: { allowed: ['Ready', 'Suspended'] },
};

@Injectable()
export class WorkspacesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly tenants: TenantsRepository,
    private readonly workspaces: WorkspacesRepository,
    private readonly operations: OperationsRepository,
    private readonly spares: SpareWorkspacesRepository,
    @Inject(OPERATION_DISPATCHER) private readonly dispatcher: OperationDispatcher,
  ) {}

  /**
   * Records the workspace (Pending) and its ProvisionWorkspace operation (Queued) in one
   * transaction, then enqueues. An enqueue failure is not the caller's problem: the
   * operation stays Queued and the sweeper picks it up.
   */
  async create(principal: Principal, tenantName: string, command: CreateWorkspaceCommand): Promise<WorkspaceOperationResult> {
    const problems: { field: string; message: string }[] = [];
    const nameProblem = dnsLabelProblem(command.name);
    if (nameProblem) problems.push({ field: 'name', message: `name ${nameProblem}` });
    if (command.labels !== undefined) {
      for (const message of labelProblems(command.labels)) problems.push({ field: 'labels', message });
    }
    if (problems.length) throw new WorkspaceError('WORKSPACE_INVALID', 'the workspace is invalid', problems);

    const result = await this.dataSource.transaction(async (manager) => {
      // FOR SHARE keeps the tenant (its phase and quota) as read until commit without making
      // creations wait for each other; only a tenant with a workspace quota serialises them,
      // so that the count below is exact. A burst of creations in one tenant runs in parallel.
      const tenant = await this.visibleTenantLocked(manager, principal, tenantName, 'share');
      if (tenant.phase === 'Deleting') throw new TenantError('TENANT_DELETING', `tenant "${tenant.name}" is being deleted`);
      const max = tenant.quota?.maxWorkspaces;
      if (typeof max === 'number') await this.tenants.lockWorkspaceCreations(manager, tenant.id);
      // Re-posting a workspace whose provisioning failed retries it: a new ProvisionWorkspace
      // operation on the same record (the steps are idempotent, so leftovers are reused). The row
      // lock makes a second concurrent re-post see Pending and answer "name taken".
      const failed = await this.workspaces.findByNameForUpdate(manager, tenant.id, command.name);
      if (failed?.phase === 'Failed') {
        const workspace = await this.workspaces.setPhase(manager, failed.id, 'Pending', 'waiting to be provisioned again');
        const operation = await this.operations.insert(
          newOperation({ type: 'ProvisionWorkspace', tenantId: tenant.id, tenantName: tenant.name, workspaceId: failed.id, workspaceName: failed.name }),
          manager,
        );
        return { workspace, operation, created: true };
      }
      if (typeof max === 'number' && (await this.workspaces.countLive(manager, tenant.id)) >= max) {
        throw new TenantError('QUOTA_EXCEEDED', `tenant "${tenant.name}" already has its maximum of ${max} workspaces`);
      }
      const ws = new WorkspaceEntity();
      // A spare from the warm pool already has its schema and role, so provisioning is mostly done.
      ws.id = (await this.spares.take(manager, DEFAULT_SHARD)) ?? randomUUID();
      ws.tenantId = tenant.id;
      ws.name = command.name;
      ws.displayName = command.displayName ?? null;
      ws.labels = command.labels ?? {};
      ws.phase = 'Pending';
      ws.message = 'waiting to be provisioned';
      ws.shard = DEFAULT_SHARD;
      ws.readyAt = null;
      const workspace = await this.workspaces.insert(ws, tenant.name, manager);
      const operation = await this.operations.insert(
        newOperation({ type: 'ProvisionWorkspace', tenantId: tenant.id, tenantName: tenant.name, workspaceId: ws.id, workspaceName: ws.name }),
        manager,
      );
      return { workspace, operation, created: true };
    });
    await dispatchAfterCommit(this.dispatcher, result.operation);
    return result;
  }

  async list(principal: Principal, tenantName: string, query: ListWorkspacesQuery): Promise<Page<WorkspaceEntity>> {
    const limit = pageLimit(query);
    const labels = query.labelSelector !== undefined ? parseEqualityLabelSelector(query.labelSelector) : undefined;
    const afterName = query.cursor ? decodeCursor(query.cursor, 1)[0] : undefined;
    const tenant = await this.visibleTenant(principal, tenantName);
    const rows = await this.workspaces.list({ tenantId: tenant.id, limit: limit + 1, afterName, labels });
    return toPage(rows, limit, (w) => [w.name]);
  }

  async get(principal: Principal, tenantName: string, name: string): Promise<WorkspaceEntity> {
    const tenant = await this.visibleTenant(principal, tenantName);
    const ws = await this.workspaces.findByName(tenant.id, name);
    if (!ws) throw WorkspaceError.notFound(tenantName, name);
    return ws;
  }

  /**
   * Re-reads the row until its phase is one of `phases`, the timeout runs out or the signal
   * fires: on every change notification when `changes` is given, else every poll interval.
   */
  async waitForPhase(principal: Principal, tenantName: string, name: string, options: WaitForPhaseOptions): Promise<WorkspaceEntity> {
    const interval = options.pollIntervalMs ?? (options.changes ? 2000 : 250);
    const deadline = Date.now() + options.timeoutMs;
    let ws = await this.get(principal, tenantName, name);
    const done = () => options.phases.includes(ws.phase) || Date.now() >= deadline || options.signal?.aborted === true;
    if (done()) return ws;
    const changes = options.changes?.subscribe(ws.id);
    try {
      for (;;) {
        // Subscribed first, read second: a change between the two is not missed.
        const fresh = await this.workspaces.findById(ws.id);
        if (!fresh) throw WorkspaceError.notFound(tenantName, name);
        ws = fresh;
        if (done()) return ws;
        const wait = Math.min(interval, Math.max(0, deadline - Date.now()));
        if (changes) await changes.wait(wait, options.signal);
        else {
          try {
            await sleep(wait, undefined, { signal: options.signal });
          } catch {
            return ws; // aborted
          }
        }
      }
    } finally {
      changes?.close();
    }
  }

  /** DeprovisionWorkspace: phase Deleting; asking again while one is in flight returns that one. */
  requestDeletion(principal: Principal, tenantName: string, name: string): Promise<WorkspaceOperationResult> {
    return this.requestLifecycle(principal, tenantName, name, 'DeprovisionWorkspace');
  }

  requestSuspend(principal: Principal, tenantName: string, name: string): Promise<WorkspaceOperationResult> {
    return this.requestLifecycle(principal, tenantName, name, 'SuspendWorkspace');
  }

  requestResume(principal: Principal, tenantName: string, name: string): Promise<WorkspaceOperationResult> {
    return this.requestLifecycle(principal, tenantName, name, 'ResumeWorkspace');
  }

  requestCredentialRotation(principal: Principal, tenantName: string, name: string): Promise<WorkspaceOperationResult> {
    return this.requestLifecycle(principal, tenantName, name, 'RotateCredentials');
  }

  private async requestLifecycle(
    principal: Principal,
    tenantName: string,
    name: string,
    type: keyof typeof LIFECYCLE_RULES,
  ): Promise<WorkspaceOperationResult> {
    const rule = LIFECYCLE_RULES[type];
    const result = await this.dataSource.transaction(async (manager): Promise<WorkspaceOperationResult> => {
      const tenant = await this.visibleTenantLocked(manager, principal, tenantName, 'share');
      const ws = await this.workspaces.findByNameForUpdate(manager, tenant.id, name);
      if (!ws) throw WorkspaceError.notFound(tenantName, name);
      const inFlight = await this.operations.findInFlightForWorkspace(manager, ws.id, [type]);
      if (inFlight) return { workspace: ws, operation: inFlight, created: false };
      if (rule.allowed !== 'any') {
        if (tenant.phase === 'Deleting') throw new TenantError('TENANT_DELETING', `tenant "${tenant.name}" is being deleted`);
        if (ws.phase === 'Deleting') throw new WorkspaceError('WORKSPACE_DELETING', `workspace "${name}" is being deleted`);
        if (!rule.allowed.includes(ws.phase)) {
          throw new WorkspaceError('WORKSPACE_NOT_READY', `workspace "${name}" is ${ws.phase}; ${type} needs it ${rule.allowed.join(' or ')}`);
        }
      }
      const workspace = rule.setPhase ? await this.workspaces.setPhase(manager, ws.id, rule.setPhase.phase, rule.setPhase.message) : ws;
      const operation = await this.operations.insert(
        newOperation({ type, tenantId: tenant.id, tenantName: tenant.name, workspaceId: ws.id, workspaceName: ws.name }),
        manager,
      );
      return { workspace, operation, created: true };
    });
    // Re-dispatching an in-flight operation is harmless (job id = operation id) and heals a lost enqueue.
    await dispatchAfterCommit(this.dispatcher, result.operation);
    return result;
  }

  private async visibleTenant(principal: Principal, tenantName: string): Promise<TenantEntity> {
    const tenant = await this.tenants.findByName(tenantName);
    if (!tenant || !canSeeTenant(principal, tenant.id)) throw TenantError.notFound(tenantName);
    return tenant;
  }

  private async visibleTenantLocked(
    manager: EntityManager,
    principal: Principal,
    tenantName: string,
    mode: 'update' | 'share',
  ): Promise<TenantEntity> {
    const tenant = await this.tenants.findByNameLocked(manager, tenantName, mode);
    if (!tenant || !canSeeTenant(principal, tenant.id)) throw TenantError.notFound(tenantName);
    return tenant;
  }
}
