import { Agent, request } from 'node:https';
import { BOOTSTRAP_NAMESPACES } from '@kplane/kube';

/**
 * Calls a new workspace as a customer will: over TLS verified against the cluster CA, with the
 * workspace token, listing its namespaces. Connections to the API server are kept alive between
 * workspaces: a new TLS connection per workspace cost ~10 ms of CPU (worker and API server).
 */
export class WorkspaceSmokeTest {
  private tls: { caPem: string; agent: Agent } | null = null;

  constructor(
    private readonly apiserverUrl: string,
    /** The cluster CA (PEM), or null before the API server has created it. */
    private readonly caCertificate: () => Promise<string | null>,
    private readonly timeoutMs = 10_000,
  ) {}

  async run(workspaceId: string, token: string): Promise<void> {
    const agent = await this.agent();
    const url = new URL(`${this.apiserverUrl}/clusters/${workspaceId}/api/v1/namespaces`);
    let answer: { status: number; body: string };
    try {
      answer = await get(url, token, agent, this.timeoutMs).catch((err: Error & { reusedSocket?: boolean }) => {
        // A kept-alive connection the server closed meanwhile: once more on a new one.
        if (err.reusedSocket) return get(url, token, agent, this.timeoutMs);
        throw err;
      });
    } catch (err) {
      // A CA that no longer verifies (the database was reset) is read again next time.
      this.close();
      throw new Error(`smoke test: listing namespaces failed (${(err as Error).message})`);
    }
    // Only the status code: the body of an error may echo request details.
    if (answer.status !== 200) throw new Error(`smoke test: listing namespaces failed (${answer.status})`);
    let names: string[];
    try {
      names = (JSON.parse(answer.body) as { items: { metadata?: { name?: string } }[] }).items.map((n) => n.metadata?.name ?? '');
    } catch {
      throw new Error('smoke test: the namespace list is not a NamespaceList');
    }
    const missing = BOOTSTRAP_NAMESPACES.filter((n) => !names.includes(n));
    if (missing.length) throw new Error(`smoke test: namespaces missing: ${missing.join(', ')}`);
  }

  close(): void {
    this.tls?.agent.destroy();
    this.tls = null;
  }

  private async agent(): Promise<Agent> {
    if (this.tls) return this.tls.agent;
    const caPem = await this.caCertificate();
    if (!caPem) throw new Error('the API server has not started yet (no cluster CA)');
    // Idle connections are closed well before the API server's keep-alive timeout (65 s).
    this.tls = { caPem, agent: new Agent({ keepAlive: true, maxSockets: 16, timeout: 30_000, ca: caPem }) };
    return this.tls.agent;
  }
}

function get(url: URL, token: string, agent: Agent, timeoutMs: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'GET', agent, headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' }, timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (err: Error & { reusedSocket?: boolean }) => {
      err.reusedSocket = req.reusedSocket;
      reject(err);
    });
    req.end();
  });
}
