import type { OperationEntity } from '@kplane/control';

/** A small, idempotent piece of an operation: running it twice has the effect of running it once. */
export interface Step<D> {
  name: string;
  run(ctx: StepContext<D>): Promise<void>;
}

export interface StepContext<D> {
  operation: OperationEntity;
  workspaceId: string;
  deps: D;
  log: (msg: string, extra?: Record<string, unknown>) => void;
}

/** Runs steps in order; a crash anywhere leaves a state the next run finishes. */
export async function runSteps<D>(steps: Step<D>[], ctx: StepContext<D>): Promise<void> {
  for (const step of steps) {
    ctx.log(`step ${step.name}`);
    await step.run(ctx);
  }
}
