// etcd for the client-side baseline: Debian's etcd-server binary started on loopback with a
// temporary data dir and killed at the end; spoken to through its gRPC gateway (JSON, base64
// keys and values) with fetch, so no etcd client package is needed.
import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../libs/testing/src/app-processes';

const b64 = (s: string) => Buffer.from(s).toString('base64');

/** The key just past every key with `prefix` (etcd's range_end for a prefix). */
function prefixEnd(prefix: string): string {
  const b = Buffer.from(prefix);
  b[b.length - 1]++;
  return b.toString('base64');
}

export interface Etcd {
  url: string;
  pid: number;
  putMany(kvs: { key: string; value: string }[]): Promise<void>;
  deletePrefix(prefix: string): Promise<void>;
  /**
   * Every value under the prefix, in ranges of `pageSize` keys at the first range's revision, as
   * kube-apiserver pages through etcd for a list it cannot answer from its watch cache; `visit`
   * sees each value once, so memory holds one page at a time.
   */
  scanPrefix(prefix: string, pageSize: number, visit: (value: Buffer) => void): Promise<{ count: number; ranges: number }>;
  stop(): Promise<void>;
}

export async function startEtcd(binary = process.env.BENCH_ETCD_BIN ?? 'etcd'): Promise<Etcd> {
  const [client, peer] = [await freePort(), await freePort()];
  const dataDir = mkdtempSync(join(tmpdir(), 'kplane-bench-etcd-'));
  const url = `http://127.0.0.1:${client}`;
  const child: ChildProcess = spawn(
    binary,
    [
      '--name', 'bench',
      '--data-dir', dataDir,
      '--listen-client-urls', url,
      '--advertise-client-urls', url,
      '--listen-peer-urls', `http://127.0.0.1:${peer}`,
      '--initial-advertise-peer-urls', `http://127.0.0.1:${peer}`,
      '--initial-cluster', `bench=http://127.0.0.1:${peer}`,
      '--max-txn-ops', '10000',
      '--max-request-bytes', String(64 * 1024 * 1024),
      '--quota-backend-bytes', String(8 * 1024 * 1024 * 1024),
      '--log-level', 'error',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  // main.js exits on SIGINT/SIGTERM after stopping the platform: never leave etcd behind.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  // A missing binary is an 'error' event (unhandled, it would end the whole bench): fail this scenario.
  let spawnError: NodeJS.ErrnoException | undefined;
  child.once('error', (err) => (spawnError = err));
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-4000)));
  const post = async (path: string, body: unknown): Promise<any> => {
    const res = await fetch(url + path, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
    const text = await res.text();
    if (!res.ok) throw new Error(`etcd ${path}: ${res.status} ${text.slice(0, 300)}`);
    return JSON.parse(text);
  };
  const removeTraces = () => {
    process.removeListener('exit', killOnExit);
    rmSync(dataDir, { recursive: true, force: true });
  };
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      await new Promise<void>((done) => {
        const t = setTimeout(() => child.kill('SIGKILL'), 5000);
        child.once('exit', () => (clearTimeout(t), done()));
        child.kill('SIGTERM');
      });
    }
    removeTraces();
  };
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      await post('/v3/kv/range', { key: b64('/') });
      break;
    } catch (err) {
      if (spawnError) {
        removeTraces(); // nothing runs to stop
        throw new Error(`cannot run etcd (${binary}: ${spawnError.code ?? spawnError.message}): install Debian's etcd-server (apt-get install etcd-server) or set BENCH_ETCD_BIN`);
      }
      if (Date.now() > deadline || child.exitCode !== null) {
        await stop();
        throw new Error(`etcd did not start: ${(err as Error).message}\n${stderr}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    url,
    pid: child.pid!,
    async putMany(kvs) {
      for (let i = 0; i < kvs.length; i += 5000) {
        const ops = kvs.slice(i, i + 5000).map((kv) => ({ request_put: { key: b64(kv.key), value: b64(kv.value) } }));
        await post('/v3/kv/txn', { success: ops });
      }
    },
    async deletePrefix(prefix) {
      await post('/v3/kv/deleterange', { key: b64(prefix), range_end: prefixEnd(prefix) });
    },
    async scanPrefix(prefix, pageSize, visit) {
      const rangeEnd = prefixEnd(prefix);
      let key = b64(prefix);
      let revision: string | undefined;
      let count = 0;
      for (let ranges = 1; ; ranges++) {
        const r = await post('/v3/kv/range', { key, range_end: rangeEnd, limit: pageSize, ...(revision ? { revision } : {}) });
        revision ??= r.header.revision;
        const kvs: { key: string; value: string }[] = r.kvs ?? [];
        for (const kv of kvs) visit(Buffer.from(kv.value, 'base64'));
        count += kvs.length;
        if (!r.more || kvs.length === 0) return { count, ranges };
        // The next range starts just past the last key (the key followed by a zero byte).
        key = Buffer.concat([Buffer.from(kvs[kvs.length - 1].key, 'base64'), Buffer.from([0])]).toString('base64');
      }
    },
    stop,
  };
}
