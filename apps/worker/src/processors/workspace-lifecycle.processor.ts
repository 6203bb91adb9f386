import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, OnApplicationBootstrap } from '@nestjs/common';
import { OperationProgress, OperationType } from '@kplane/control';
import { LifecycleJobData, WORKSPACE_LIFECYCLE_QUEUE } from '@kplane/queue';
import { Job, UnrecoverableError } from 'bullmq';
import { PinoLogger } from 'nestjs-pino';
import { LifecycleDeps } from '../provisioning/lifecycle-deps';
import { runSteps, Step } from '../provisioning/step';
import { DEPROVISION_STEPS, PROVISION_STEPS, RESUME_STEPS, ROTATE_STEPS, SUSPEND_STEPS } from '../provisioning/steps/provision.steps';
import { TenantDeletion } from '../lifecycle/tenant-deletion';
import { LIFECYCLE_DEPS } from '../lifecycle/lifecycle-deps.provider';
import { WORKER_CONFIG, WorkerConfig } from '../worker-config';

/** Every operation type has exactly one step list; a missing one is a compile error. */
const WORKSPACE_STEPS: Record<Exclude<OperationType, 'DeleteTenant'>, Step<LifecycleDeps>[]> = {
  ProvisionWorkspace: PROVISION_STEPS,
  DeprovisionWorkspace: DEPROVISION_STEPS,
  RotateCredentials: ROTATE_STEPS,
  SuspendWorkspace: SUSPEND_STEPS,
  ResumeWorkspace: RESUME_STEPS,
};

@Processor(WORKSPACE_LIFECYCLE_QUEUE)
export class WorkspaceLifecycleProcessor extends WorkerHost implements OnApplicationBootstrap {
  constructor(
    @Inject(WORKER_CONFIG) private readonly config: WorkerConfig,
    @Inject(LIFECYCLE_DEPS) private readonly deps: LifecycleDeps,
    private readonly progress: OperationProgress,
    private readonly tenantDeletion: TenantDeletion,
    private readonly logger: PinoLogger,
  ) {
    super();
    this.logger.setContext('WorkspaceLifecycleProcessor');
  }

  onApplicationBootstrap(): void {
    this.worker.concurrency = this.config.concurrency;
  }

  async process(job: Job<LifecycleJobData>): Promise<void> {
    const { operationId } = job.data;
    const attempt = job.attemptsMade + 1;
    const log = (msg: string, extra: Record<string, unknown> = {}) =>
      this.logger.info({ operationId, jobId: job.id, attempt, ...extra }, msg);
    const operation = await this.progress.load(operationId);
    if (!operation) throw new UnrecoverableError(`operation ${operationId} not found`);
    if (operation.status === 'Succeeded' || operation.status === 'Failed') {
      log('operation already finished; nothing to do', { status: operation.status });
      return;
    }
    if (operation.type !== job.name) throw new UnrecoverableError(`job ${job.name} does not match operation type ${operation.type}`);
    await this.progress.start(operationId, attempt);
    log(`operation ${operation.type} running`);
    try {
      if (operation.type === 'DeleteTenant') {
        await this.tenantDeletion.run(operation, log);
      } else {
        if (!operation.workspaceId) throw new UnrecoverableError('operation has no workspace');
        await runSteps(WORKSPACE_STEPS[operation.type], { operation, workspaceId: operation.workspaceId, deps: this.deps, log });
      }
      await this.progress.succeed(operationId);
      log(`operation ${operation.type} succeeded`);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const final = err instanceof UnrecoverableError || attempt >= (job.opts.attempts ?? 1);
      if (final) {
        await this.progress.fail(operationId, message);
        if (operation.workspaceId && operation.type === 'ProvisionWorkspace') {
          await this.progress.setWorkspacePhase(operation.workspaceId, 'Failed', `provisioning failed: ${message}`);
        }
        this.logger.error({ operationId, attempt, err: message }, `operation ${operation.type} failed`);
      } else {
        await this.progress.attemptFailed(operationId, message);
        this.logger.warn({ operationId, attempt, err: message }, `operation ${operation.type} attempt failed; will retry`);
      }
      throw err;
    }
  }
}
