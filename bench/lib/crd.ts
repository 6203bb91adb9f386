import { expectOk, waitFor } from './util';
import { BenchWorkspace, kubeRequest } from './workspace';

/** Creates a CRD over HTTP and waits until it is Established and its resource answers a list. */
export async function createCrdAndWait(ws: BenchWorkspace, crd: any): Promise<void> {
  await expectOk(ws, 'POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', crd);
  await waitFor(`CRD ${crd.metadata.name} Established`, async () => {
    const r = await kubeRequest(ws, 'GET', `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${crd.metadata.name}`);
    return (r.body?.status?.conditions ?? []).some((c: any) => c.type === 'Established' && c.status === 'True');
  });
  const v = crd.spec.versions.find((x: any) => x.storage).name;
  const path = crd.spec.scope === 'Namespaced' ? `/apis/${crd.spec.group}/${v}/namespaces/default/${crd.spec.names.plural}` : `/apis/${crd.spec.group}/${v}/${crd.spec.names.plural}`;
  await waitFor(`${crd.spec.names.plural} served`, async () => (await kubeRequest(ws, 'GET', path)).status === 200);
}
