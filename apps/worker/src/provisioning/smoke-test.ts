import * as k8s from '@kubernetes/client-node';
import { BOOTSTRAP_NAMESPACES } from '@kplane/kube';

/**
 * Calls the new workspace the way a customer will: with @kubernetes/client-node, the
 * workspace token and the cluster CA, over verified TLS.
 */
export async function smokeTestWorkspace(opts: { endpoint: string; caCertPem: string; token: string }): Promise<void> {
  const kc = new k8s.KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'workspace', server: opts.endpoint, caData: Buffer.from(opts.caCertPem).toString('base64'), skipTLSVerify: false }],
    users: [{ name: 'workspace', token: opts.token }],
    contexts: [{ name: 'workspace', cluster: 'workspace', user: 'workspace' }],
    currentContext: 'workspace',
  });
  const core = kc.makeApiClient(k8s.CoreV1Api);
  let names: string[];
  try {
    const list = await core.listNamespace();
    names = list.items.map((n) => n.metadata?.name ?? '');
  } catch (err) {
    // Only the status code: the error object may carry request headers.
    const code = (err as { code?: number }).code;
    throw new Error(`smoke test: listing namespaces failed (${code ?? (err as Error).message})`);
  }
  const missing = BOOTSTRAP_NAMESPACES.filter((n) => !names.includes(n));
  if (missing.length) throw new Error(`smoke test: namespaces missing: ${missing.join(', ')}`);
}
