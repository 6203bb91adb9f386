import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, OnApplicationBootstrap } from '@nestjs/common';
import { OperationEntity, OperationProgress, OperationType } from '@kplane/control';
import { lifecycleBackoffStrategy, LifecycleJobData, WORKSPACE_LIFECYCLE_QUEUE } from '@kplane/queue';
import { DelayedError, Job, UnrecoverableError } from 'bullmq';
import { PinoLogger } from 'nestjs-pino';
import { LifecycleDeps } from '../provisioning/lifecycle-deps';
import { runSteps, Step, TerminalStepError } from '../provisioning/step';
import { DEPROVISION_STEPS, PROVISION_STEPS, RESUME_STEPS, ROTATE_STEPS, SUSPEND_STEPS } from '../provisioning/steps/provision.steps';
import { pauseHook } from '../provisioning/test-pause';
import { TenantDeletion } from '../lifecycle/tenant-deletion';
import { LIFECYCLE_DEPS } from '../lifecycle/lifecycle-deps.provider';
import { WORKSPACE_LOCKS, WorkspaceBusyError, WorkspaceLockPort } from '../lifecycle/workspace-lock';
import { WorkerMetrics } from '../metrics/worker-metrics';
import { WORKER_CONFIG, WorkerConfig } from '../worker-config';
import { LifecycleEvents } from '../webhooks/webhook.providers';

/** Every operation type has exactly one step list; a missing one is a compile error. */
const WORKSPACE_STEPS: Record<Exclude<OperationType, 'DeleteTenant'>, Step<LifecycleDeps>[]> = {
  ProvisionWorkspace: PROVISION_STEPS,
  DeprovisionWorkspace: DEPROVISION_STEPS,
  RotateCredentials: ROTATE_STEPS,
  SuspendWorkspace: SUSPEND_STEPS,
  ResumeWorkspace: RESUME_STEPS,
};

/** Human message on the workspace when its operation has failed for good; null leaves the phase alone. */
function finalWorkspacePhase(type: OperationType, message: string): { from: Parameters<OperationProgress['transitionWorkspacePhase']>[1]; message: string } | null {
  switch (type) {
    case 'ProvisionWorkspace':
      return { from: ['Pending', 'Provisioning', 'Failed'], message: `provisioning failed: ${message}. Delete the workspace and create it again to retry.` };
    case 'DeprovisionWorkspace':
      return { from: ['Deleting'], message: `deletion failed: ${message}. Delete the workspace again to retry.` };
    case 'RotateCredentials':
    case 'SuspendWorkspace':
    case 'ResumeWorkspace':
    case 'DeleteTenant':
      return null;
    default: {
      const unreachable: never = type;
      return unreachable;
    }
  }
}

/**
 * Runs lifecycle operations. Each holds its workspace's lifecycle lock, so provisioning and
 * deprovisioning of one workspace never interleave; a busy workspace puts the job back to wait
 * without using an attempt. Workers start only once configured (autorun: false), so the job lock
 * and concurrency come from configuration.
 */
@Processor(WORKSPACE_LIFECYCLE_QUEUE, { autorun: false, settings: { backoffStrategy: lifecycleBackoffStrategy } })
export class WorkspaceLifecycleProcessor extends WorkerHost implements OnApplicationBootstrap {
  private readonly checkpoint: ((step: string) => Promise<void>) | undefined;

  constructor(
    @Inject(WORKER_CONFIG) private readonly config: WorkerConfig,
    @Inject(LIFECYCLE_DEPS) private readonly deps: LifecycleDeps,
    @Inject(WORKSPACE_LOCKS) private readonly locks: WorkspaceLockPort,
    private readonly progress: OperationProgress,
    private readonly tenantDeletion: TenantDeletion,
    private readonly metrics: WorkerMetrics,
    private readonly logger: PinoLogger,
    private readonly events: LifecycleEvents,
  ) {
    super();
    this.logger.setContext('WorkspaceLifecycleProcessor');
    this.checkpoint = pauseHook(config.testPauseAtStep, (obj, msg) => this.logger.warn(obj, msg));
  }

  onApplicationBootstrap(): void {
    const lockMs = this.config.jobLockSeconds * 1000;
    Object.assign(this.worker.opts, { concurrency: this.config.concurrency, lockDuration: lockMs, stalledInterval: lockMs, maxStalledCount: 5 });
    this.worker.concurrency = this.config.concurrency;
    this.worker.on('error', (err) => this.logger.warn({ err: err.message }, 'lifecycle worker error'));
    void this.worker.run().catch((err: Error) => this.logger.error({ err: err.message }, 'lifecycle worker stopped'));
  }

  async process(job: Job<LifecycleJobData>, token?: string): Promise<void> {
    return this.metrics.track(WORKSPACE_LIFECYCLE_QUEUE, job.name, () => this.handle(job, token), (err) =>
      err instanceof DelayedError ? 'delayed' : err instanceof UnrecoverableError || job.attemptsMade + 1 >= (job.opts.attempts ?? 1) ? 'failed' : 'retry',
    );
  }

  private async handle(job: Job<LifecycleJobData>, token?: string): Promise<void> {
    const { operationId } = job.data;
    const attempt = job.attemptsMade + 1;
    const log = (msg: string, extra: Record<string, unknown> = {}) => this.logger.info({ operationId, jobId: job.id, attempt, ...extra }, msg);
    const operation = await this.progress.load(operationId);
    if (!operation) throw new UnrecoverableError(`operation ${operationId} not found`);
    if (operation.status === 'Succeeded' || operation.status === 'Failed') {
      log('operation already finished; nothing to do', { status: operation.status });
      return;
    }
    if (operation.type !== job.name) throw new UnrecoverableError(`job ${job.name} does not match operation type ${operation.type}`);
    if (operation.type !== 'DeleteTenant' && !operation.workspaceId) {
      await this.progress.fail(operationId, 'operation has no workspace');
      throw new UnrecoverableError('operation has no workspace');
    }
    const lock = operation.workspaceId ? await this.locks.tryAcquire(operation.workspaceId) : null;
    if (operation.workspaceId && !lock) return this.waitForWorkspace(job, token, operation.workspaceId);
    try {
      await this.progress.start(operationId, attempt);
      log(`operation ${operation.type} running`);
      await this.runOperation(operation, log);
      // Outbox first: a crash before succeed() re-runs the job, and re-emitting is a no-op.
      await this.events.succeeded(operation);
      await this.checkpoint?.('succeed');
      await this.progress.succeed(operationId);
      log(`operation ${operation.type} succeeded`);
    } catch (err) {
      if (err instanceof WorkspaceBusyError) return this.waitForWorkspace(job, token, err.workspaceId);
      await this.recordFailure(job, operation, attempt, err);
    } finally {
      await lock?.release();
    }
  }

  private async runOperation(operation: OperationEntity, log: (msg: string, extra?: Record<string, unknown>) => void): Promise<void> {
    if (operation.type === 'DeleteTenant') {
      await this.tenantDeletion.run(operation, log, this.checkpoint);
      return;
    }
    await runSteps(WORKSPACE_STEPS[operation.type], { operation, workspaceId: operation.workspaceId!, deps: this.deps, log, checkpoint: this.checkpoint });
  }

  /** Another operation holds the workspace: try again shortly, without spending an attempt. */
  private async waitForWorkspace(job: Job<LifecycleJobData>, token: string | undefined, workspaceId: string): Promise<never> {
    this.logger.info({ operationId: job.data.operationId, workspaceId }, 'workspace busy with another operation; waiting');
    await job.moveToDelayed(Date.now() + this.config.busyRetryMs, token);
    throw new DelayedError();
  }

  /** Retryable errors are rethrown for BullMQ's backoff; the last attempt or a terminal error ends the operation. */
  private async recordFailure(job: Job<LifecycleJobData>, operation: OperationEntity, attempt: number, err: unknown): Promise<never> {
    const message = err instanceof Error ? err.message : String(err);
    const terminal = err instanceof UnrecoverableError || err instanceof TerminalStepError;
    const final = terminal || attempt >= (job.opts.attempts ?? 1);
    if (!final) {
      await this.progress.attemptFailed(operation.id, message);
      this.logger.warn({ operationId: operation.id, attempt, err: message }, `operation ${operation.type} attempt failed; will retry`);
      throw err;
    }
    await this.progress.fail(operation.id, message);
    const phase = operation.workspaceId ? finalWorkspacePhase(operation.type, message) : null;
    if (phase && operation.workspaceId) await this.progress.transitionWorkspacePhase(operation.workspaceId, phase.from, 'Failed', phase.message);
    await this.events.provisioningFailed(operation, message).catch((e: Error) => this.logger.warn({ operationId: operation.id, err: e.message }, 'could not record workspace.failed'));
    this.logger.error({ operationId: operation.id, attempt, err: message }, `operation ${operation.type} failed`);
    throw terminal && !(err instanceof UnrecoverableError) ? new UnrecoverableError(message) : err;
  }
}
