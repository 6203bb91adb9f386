/** DI token for the public base URL of the Kubernetes API server (`apiserverUrl(env)`). */
export const APISERVER_BASE_URL = Symbol('APISERVER_BASE_URL');

/** The URL a workspace's clients talk to; also the kubeconfig `server`. */
export function workspaceEndpoint(apiserverBaseUrl: string, workspaceId: string): string {
  return `${apiserverBaseUrl.replace(/\/+$/, '')}/clusters/${workspaceId}`;
}

/** `<tenant>-<workspace>`: the cluster, user and context name inside the kubeconfig. */
export function kubeconfigContextName(tenantName: string, workspaceName: string): string {
  return `${tenantName}-${workspaceName}`;
}
