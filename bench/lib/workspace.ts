// Workspace provisioning through the management REST API and raw HTTPS calls to the
// workspace's Kubernetes API (verified against the workspace CA, keep-alive agent).
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent, request } from 'node:https';
import yaml from 'js-yaml';
import type { BenchPlatform } from './platform';

export interface BenchWorkspace {
  id: string;
  tenant: string;
  name: string;
  endpoint: string;
  token: string;
  caPem: string;
  agent: Agent;
  provisionMs: number;
}

// One keep-alive agent for every management API call of the run: the load generator shares the
// 2 cores with the platform, and fetch() cost it ~1 ms of CPU per request against ~0.5 here.
const adminAgent = new HttpAgent({ keepAlive: true });

export async function adminApi(p: BenchPlatform, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const res = await send(httpRequest, adminAgent, method, p.apiUrl + path, { authorization: `Bearer ${p.adminToken}`, ...(payload !== undefined ? { 'content-type': 'application/json' } : {}) }, payload);
  const text = res.body.toString('utf8');
  return { status: res.status, body: res.contentType.includes('json') && text ? JSON.parse(text) : text };
}

/** One request, its whole answer buffered. */
function send(
  doRequest: typeof httpRequest,
  agent: HttpAgent,
  method: string,
  url: string,
  headers: Record<string, string>,
  payload?: string,
): Promise<{ status: number; contentType: string; body: Buffer }> {
  const u = new URL(url);
  return new Promise((done, fail) => {
    const req = doRequest({ method, hostname: u.hostname, port: u.port, path: u.pathname + u.search, agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done({ status: res.statusCode ?? 0, contentType: res.headers['content-type'] ?? '', body: Buffer.concat(chunks) }));
      res.on('error', fail);
    });
    req.on('error', fail);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

export async function ensureTenant(p: BenchPlatform, tenant: string): Promise<void> {
  const t = await adminApi(p, 'POST', '/v1/tenants', { name: tenant });
  if (t.status !== 201 && t.status !== 409) throw new Error(`tenant create: ${t.status} ${JSON.stringify(t.body)}`);
}

/** POSTs a workspace (202); its id. */
export async function createWorkspace(p: BenchPlatform, tenant: string, name: string): Promise<string> {
  const created = await adminApi(p, 'POST', `/v1/tenants/${tenant}/workspaces`, { name });
  if (created.status !== 202) throw new Error(`workspace create: ${created.status} ${JSON.stringify(created.body).slice(0, 200)}`);
  return created.body.workspace.id;
}

/** Long-polls a workspace until it is Ready; throws on any other phase. */
export async function waitForReady(p: BenchPlatform, tenant: string, name: string, timeoutSeconds = 120): Promise<void> {
  const ready = await adminApi(p, 'GET', `/v1/tenants/${tenant}/workspaces/${name}?waitFor=Ready&timeoutSeconds=${timeoutSeconds}`);
  if (ready.body?.phase !== 'Ready') throw new Error(`workspace ${name} is ${ready.body?.phase}: ${ready.body?.message}`);
}

/** POSTs a workspace and long-polls until it is Ready; its id. */
export async function createReadyWorkspace(p: BenchPlatform, tenant: string, name: string, timeoutSeconds = 120): Promise<string> {
  const id = await createWorkspace(p, tenant, name);
  await waitForReady(p, tenant, name, timeoutSeconds);
  return id;
}

/** The workspace's kubeconfig (YAML), as the management API hands it out. */
export async function kubeconfigOf(p: BenchPlatform, tenant: string, name: string): Promise<string> {
  const kc = await adminApi(p, 'GET', `/v1/tenants/${tenant}/workspaces/${name}/kubeconfig`);
  if (kc.status !== 200) throw new Error(`kubeconfig: ${kc.status}`);
  return kc.body as string;
}

/** The workspace's kubeconfig turned into a BenchWorkspace (endpoint, token, CA, keep-alive agent). */
export async function workspaceAccess(p: BenchPlatform, tenant: string, name: string, id: string, provisionMs: number, maxSockets = 16): Promise<BenchWorkspace> {
  const parsed = yaml.load(await kubeconfigOf(p, tenant, name)) as any;
  const caPem = Buffer.from(parsed.clusters[0].cluster['certificate-authority-data'], 'base64').toString();
  return {
    id,
    tenant,
    name,
    endpoint: parsed.clusters[0].cluster.server,
    token: parsed.users[0].user.token,
    caPem,
    agent: new Agent({ keepAlive: true, maxSockets, ca: caPem }),
    provisionMs,
  };
}

export async function provisionWorkspace(p: BenchPlatform, tenant: string, name: string, maxSockets = 16): Promise<BenchWorkspace> {
  await ensureTenant(p, tenant);
  const started = Date.now();
  const id = await createReadyWorkspace(p, tenant, name, 90).catch((err: Error) => {
    throw new Error(`${err.message}\n${p.logs().slice(-4000)}`);
  });
  return workspaceAccess(p, tenant, name, id, Date.now() - started, maxSockets);
}

export interface KubeResponse {
  status: number;
  bytes: number;
  body: any;
}

/** One HTTPS request; `parse: false` skips JSON.parse (for timing large lists) except of an error's Status. */
export async function kubeRequest(
  ws: BenchWorkspace,
  method: string,
  path: string,
  opts: { body?: unknown; parse?: boolean; contentType?: string } = {},
): Promise<KubeResponse> {
  const payload = opts.body === undefined ? undefined : JSON.stringify(opts.body);
  const headers = {
    accept: 'application/json',
    authorization: `Bearer ${ws.token}`,
    ...(payload !== undefined ? { 'content-type': opts.contentType ?? 'application/json' } : {}),
  };
  const res = await send(request, ws.agent, method, ws.endpoint + path, headers, payload);
  let body: any = undefined;
  if (opts.parse !== false || res.status >= 400) {
    const text = res.body.toString('utf8');
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  }
  return { status: res.status, bytes: res.body.length, body };
}
