import { bootstrapObjects, bootstrapRbacObjects } from '@kplane/kube';
import type { StepContext } from './step';
import type { LifecycleDeps } from './lifecycle-deps';

/**
 * Creates the objects every cluster starts with (namespaces, default service accounts, the
 * bootstrap RBAC roles and bindings); ones already there (from an earlier attempt) are kept.
 */
export async function createBootstrapObjects(ctx: StepContext<LifecycleDeps>): Promise<void> {
  const store = ctx.deps.storeFor(ctx.workspaceId);
  const now = new Date();
  for (const { resource, object, fields } of [...bootstrapObjects(now), ...bootstrapRbacObjects(now)]) {
    const ns = object.metadata.namespace ?? '';
    if (await store.get(resource, ns, object.metadata.name)) continue;
    try {
      await store.create(resource, object, fields);
    } catch (err) {
      if ((err as { code?: string }).code !== 'STORE_ALREADY_EXISTS') throw err;
    }
  }
}
