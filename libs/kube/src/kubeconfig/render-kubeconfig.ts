import * as yaml from 'js-yaml';

// The kubeconfig handed to customers (api-contract.md "The kubeconfig"): one
// cluster, one user, one context, all named after the context, and current.

export interface KubeconfigInput {
  /** `<tenant>-<workspace>` */
  contextName: string;
  /** The workspace endpoint, e.g. https://host:6443/clusters/<id> */
  server: string;
  caCertPem: string;
  token: string;
  /** Optional default namespace for the context. */
  namespace?: string;
}

export function buildKubeconfig(input: KubeconfigInput): Record<string, unknown> {
  const { contextName: name, server, caCertPem, token, namespace } = input;
  return {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name, cluster: { server, 'certificate-authority-data': Buffer.from(caCertPem, 'utf8').toString('base64') } }],
    users: [{ name, user: { token } }],
    contexts: [{ name, context: { cluster: name, user: name, ...(namespace ? { namespace } : {}) } }],
    'current-context': name,
    preferences: {},
  };
}

export function renderKubeconfig(input: KubeconfigInput): string {
  return yaml.dump(buildKubeconfig(input), { lineWidth: -1, noRefs: true, sortKeys: false });
}
