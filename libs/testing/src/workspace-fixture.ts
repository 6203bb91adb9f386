import { writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import yaml from 'js-yaml';
import type { RunningPlatform } from './platform';

export interface TestWorkspace {
  id: string;
  tenant: string;
  name: string;
  endpoint: string;
  token: string;
  caPem: string;
  kubeconfigYaml: string;
  kubeconfigPath: string;
  provisionMs: number;
}

export interface ApiResponse {
  status: number;
  headers: Headers;
  body: any;
}

/** Calls the management API as the admin. */
export async function adminApi(platform: RunningPlatform, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiResponse> {
  const res = await fetch(`${platform.apiUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${platform.adminToken}`, 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const type = res.headers.get('content-type') ?? '';
  return { status: res.status, headers: res.headers, body: type.includes('json') && text ? JSON.parse(text) : text };
}

/** Creates a tenant (if needed) and a workspace through the REST API and waits until it is Ready. */
export async function provisionWorkspace(platform: RunningPlatform, tenant: string, name: string, dir: string): Promise<TestWorkspace> {
  const t = await adminApi(platform, 'POST', '/v1/tenants', { name: tenant });
  if (t.status !== 201 && t.status !== 409) throw new Error(`tenant create: ${t.status} ${JSON.stringify(t.body)}`);
  const started = Date.now();
  const created = await adminApi(platform, 'POST', `/v1/tenants/${tenant}/workspaces`, { name });
  if (created.status !== 202) throw new Error(`workspace create: ${created.status} ${JSON.stringify(created.body)}`);
  const ready = await adminApi(platform, 'GET', `/v1/tenants/${tenant}/workspaces/${name}?waitFor=Ready&timeoutSeconds=90`);
  if (ready.body.phase !== 'Ready') throw new Error(`workspace ${name} is ${ready.body.phase}: ${ready.body.message}\n${platform.logs().slice(-4000)}`);
  const provisionMs = Date.now() - started;
  const kc = await adminApi(platform, 'GET', `/v1/tenants/${tenant}/workspaces/${name}/kubeconfig`);
  if (kc.status !== 200) throw new Error(`kubeconfig: ${kc.status}`);
  const kubeconfigYaml = kc.body as string;
  const parsed = yaml.load(kubeconfigYaml) as any;
  const kubeconfigPath = join(dir, `${tenant}-${name}.kubeconfig`);
  writeFileSync(kubeconfigPath, kubeconfigYaml, { mode: 0o600 });
  return {
    id: created.body.workspace.id,
    tenant,
    name,
    endpoint: parsed.clusters[0].cluster.server,
    token: parsed.users[0].user.token,
    caPem: Buffer.from(parsed.clusters[0].cluster['certificate-authority-data'], 'base64').toString(),
    kubeconfigYaml,
    kubeconfigPath,
    provisionMs,
  };
}

export interface KubeResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: any;
  text: string;
}

/** A raw HTTPS call to a workspace's Kubernetes API, verified against the workspace CA. */
export function kubeRequest(
  ws: Pick<TestWorkspace, 'endpoint' | 'token' | 'caPem'>,
  method: string,
  path: string,
  opts: { body?: unknown; rawBody?: Buffer | string; headers?: Record<string, string>; token?: string | null; rawPath?: boolean } = {},
): Promise<KubeResponse> {
  // rawPath: sent exactly as given (no URL normalisation of `..`), relative to the server root.
  const url = new URL(opts.rawPath ? new URL(ws.endpoint).origin : ws.endpoint + path);
  const requestPath = opts.rawPath ? path : url.pathname + url.search;
  const payload = opts.rawBody ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body));
  const token = opts.token === undefined ? ws.token : opts.token;
  return new Promise((resolve, reject) => {
    const req = request(
      {
        method,
        hostname: url.hostname,
        port: url.port,
        path: requestPath,
        ca: ws.caPem,
        headers: {
          accept: 'application/json',
          ...(payload !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...opts.headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: any = text;
          try {
            body = JSON.parse(text);
          } catch {
            /* not JSON */
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text });
        });
      },
    );
    req.on('error', reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

export interface WatchStream {
  events: { type: string; object: any }[];
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** Resolves when the server closes the stream. */
  ended: Promise<void>;
  /** Waits until `n` events have arrived. */
  waitForEvents(n: number, timeoutMs?: number): Promise<{ type: string; object: any }[]>;
  close(): void;
}

/** Opens a watch and collects its newline-delimited events. Resolves once the headers arrive. */
export function kubeWatch(ws: Pick<TestWorkspace, 'endpoint' | 'token' | 'caPem'>, path: string, headers: Record<string, string> = {}): Promise<WatchStream> {
  const url = new URL(ws.endpoint + path);
  return new Promise((resolve, reject) => {
    const req = request(
      { method: 'GET', hostname: url.hostname, port: url.port, path: url.pathname + url.search, ca: ws.caPem, headers: { authorization: `Bearer ${ws.token}`, accept: 'application/json', ...headers } },
      (res) => {
        const events: { type: string; object: any }[] = [];
        let buf = '';
        let endedResolve!: () => void;
        const ended = new Promise<void>((r) => (endedResolve = r));
        res.on('data', (c: Buffer) => {
          buf += c.toString('utf8');
          let i: number;
          while ((i = buf.indexOf('\n')) >= 0) {
            const line = buf.slice(0, i);
            buf = buf.slice(i + 1);
            if (line.trim()) events.push(JSON.parse(line));
          }
        });
        res.on('end', () => endedResolve());
        res.on('close', () => endedResolve());
        resolve({
          events,
          status: res.statusCode ?? 0,
          headers: res.headers,
          ended,
          async waitForEvents(n, timeoutMs = 10_000) {
            const deadline = Date.now() + timeoutMs;
            while (events.length < n) {
              if (Date.now() > deadline) throw new Error(`expected ${n} watch events, got ${events.length}: ${JSON.stringify(events.map((e) => [e.type, e.object?.metadata?.name]))}`);
              await new Promise((r) => setTimeout(r, 25));
            }
            return events.slice(0, n);
          },
          close: () => req.destroy(),
        });
      },
    );
    req.on('error', (err) => reject(err));
    req.end();
  });
}
