import { bootstrapObjects, bootstrapRbacObjects } from '@kplane/kube';
import type { StepContext } from './step';
import type { LifecycleDeps } from './lifecycle-deps';

/**
 * Creates the objects every cluster starts with (namespaces, default service accounts, the
 * bootstrap RBAC roles and bindings); ones already there (from an earlier attempt) are kept.
 */
export async function createBootstrapObjects(ctx: StepContext<LifecycleDeps>): Promise<void> {
  const now = new Date();
  // One statement for all of them: provisioning throughput is bound by per-workspace round trips.
  await ctx.deps.storeFor(ctx.workspaceId).createAbsent([...bootstrapObjects(now), ...bootstrapRbacObjects(now)]);
}
