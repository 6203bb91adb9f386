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
  /** Called before each step with its name (the worker's test pause hook); absent in unit tests. */
  checkpoint?: (step: string) => Promise<void>;
}

/**
 * A step found the operation cannot succeed however often it is retried (the workspace is gone or
 * being deleted). The worker fails the operation at once with this message.
 */
export class TerminalStepError extends Error {
  override readonly name = 'TerminalStepError';
}

/** Runs steps in order; a crash anywhere leaves a state the next run finishes. */
export async function runSteps<D>(steps: Step<D>[], ctx: StepContext<D>): Promise<void> {
  for (const step of steps) {
    await ctx.checkpoint?.(step.name);
    ctx.log(`step ${step.name}`);
    await step.run(ctx);
  }
}
