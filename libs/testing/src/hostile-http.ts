import { Agent, request } from 'node:https';

/** A small seeded PRNG (mulberry32) with the helpers a fuzz generator needs. */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  next(): number {
    let t = (this.s += 0x6d2b79f5);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  bool(p = 0.5): boolean {
    return this.next() < p;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)];
  }
  bytes(n: number): Buffer {
    const b = Buffer.alloc(n);
    for (let i = 0; i < n; i++) b[i] = this.int(256);
    return b;
  }
}

export interface RawResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** Set when no complete response arrived: 'timeout' or the socket error code. */
  error?: string;
  ms: number;
}

export interface RawRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

/**
 * Sends one request exactly as given (path untouched) and never rejects: transport failures and
 * timeouts come back in `error`. Responses are capped at `maxBytes` (the rest is drained).
 */
export function rawHttpsRequest(origin: string, ca: string, agent: Agent, r: RawRequest, timeoutMs: number, maxBytes = 8 * 1024 * 1024): Promise<RawResult> {
  const url = new URL(origin);
  const started = Date.now();
  return new Promise((resolve) => {
    let settled = false;
    const done = (v: Omit<RawResult, 'ms'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...v, ms: Date.now() - started });
    };
    let req: ReturnType<typeof request>;
    try {
      req = request(
        { method: r.method, hostname: url.hostname, port: url.port, path: r.path, ca, agent, headers: r.headers },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (c: Buffer) => {
            if (size < maxBytes) chunks.push(c);
            size += c.length;
          });
          res.on('end', () => done({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', (err) => done({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8'), error: (err as NodeJS.ErrnoException).code ?? err.message }));
          res.on('close', () => done({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8'), error: res.complete ? undefined : 'aborted' }));
        },
      );
    } catch (err) {
      // The client itself refused to send it (e.g. an invalid header); not the server's fault.
      resolve({ status: -1, headers: {}, text: '', error: `client:${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, ms: 0 });
      return;
    }
    const timer = setTimeout(() => {
      done({ status: 0, headers: {}, text: '', error: 'timeout' });
      req.destroy();
    }, timeoutMs);
    req.on('error', (err) => done({ status: 0, headers: {}, text: '', error: (err as NodeJS.ErrnoException).code ?? err.message }));
    if (r.body !== undefined) req.end(r.body);
    else req.end();
  });
}

/** Runs `tasks` with at most `limit` in flight, in order of submission. */
export async function runBounded<T>(count: number, limit: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      out[i] = await task(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, count) }, worker));
  return out;
}
