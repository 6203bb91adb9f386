import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adminApi, dropWorkspaceRoles, kubeRequest, provisionWorkspace, RunningPlatform, startPlatform, TestWorkspace } from '@kplane/testing';
import { RawRequest, RawResult, rawHttpsRequest, Rng, runBounded } from '../../libs/testing/src/hostile-http';

/**
 * Issue 5, item 7 (hostile input) as a fuzz test of the Kubernetes API: a few thousand generated
 * malformed or hostile requests, mostly with workspace A's token, none of which may answer 5xx,
 * hang, answer an error that is not a Status, show workspace B's data, or change anything that
 * the request was refused for. Reproduce a run with FUZZ_SEED=<seed printed in the log>.
 */
// A fixed default keeps CI replayable; set FUZZ_SEED to explore other inputs.
const SEED = Number(process.env.FUZZ_SEED ?? 20261124);
const COUNT = Number(process.env.FUZZ_COUNT ?? 3200);
const CONCURRENCY = 8;
const TIMEOUT_MS = 15_000;
/** New requests stop after this long; skipped ones count as not sent. */
const BUDGET_MS = Number(process.env.FUZZ_BUDGET_MS ?? 120_000);
const MIB = 1024 * 1024;
/** Names the generator may create, change or delete on purpose; everything else in A must stay as it was. */
const FZ = 'fz-';

interface Sent {
  i: number;
  kind: string;
  req: RawRequest;
  /** Expected to be refused whatever happens (checked: never 2xx). */
  mustRefuse?: boolean;
  res?: RawResult;
}

describe('Kubernetes API fuzz (hostile input, issue 5 item 7)', () => {
  let platform: RunningPlatform;
  let dir: string;
  let a: TestWorkspace;
  let b: TestWorkspace;
  let saToken = '';
  const tenant = `fuzz-${Date.now().toString(36)}`;
  const tag = randomBytes(6).toString('hex');
  const bMarkers = {
    cmName: `b-marker-cm-${tag}`,
    cmValue: `bsecretvalue-${tag}`,
    secretValue: `bsecretpw-${tag}`,
    nsName: `b-marker-ns-${tag}`,
    label: `blabel${tag}`,
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kplane-fuzz-'));
    platform = await startPlatform({
      KPLANE_WORKSPACE_RATE_LIMIT_PER_SECOND: '100000',
      KPLANE_WORKSPACE_RATE_LIMIT_BURST: '100000',
      KPLANE_MAX_WATCHES_PER_WORKSPACE: '1000',
      KPLANE_WATCH_MIN_TIMEOUT_SECONDS: '1',
      KPLANE_WATCH_MAX_TIMEOUT_SECONDS: '2',
    });
    [a, b] = await Promise.all([provisionWorkspace(platform, tenant, 'a', dir), provisionWorkspace(platform, tenant, 'b', dir)]);
    const waitForOk = async (ws: TestWorkspace, path: string) => {
      for (let k = 0; k < 100 && (await kubeRequest(ws, 'GET', path)).status !== 200; k++) await new Promise((res) => setTimeout(res, 100));
    };
    const must = async (ws: TestWorkspace, method: string, path: string, body: unknown) => {
      const r = await kubeRequest(ws, method, path, { body });
      if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${r.text}`);
      return r;
    };
    // B's marker objects: their secret strings must never appear in any answer to the fuzz.
    await must(b, 'POST', '/api/v1/namespaces', { metadata: { name: bMarkers.nsName, labels: { mark: bMarkers.label } } });
    await must(b, 'POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: bMarkers.cmName, labels: { mark: bMarkers.label } }, data: { k: bMarkers.cmValue } });
    await must(b, 'POST', `/api/v1/namespaces/${bMarkers.nsName}/secrets`, { metadata: { name: bMarkers.cmName }, stringData: { password: bMarkers.secretValue } });
    // A's own objects: some the fuzz may touch (fz-), some it must not change.
    await must(a, 'POST', '/api/v1/namespaces', { metadata: { name: 'a-keep' } });
    await must(a, 'POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'a-keep', labels: { app: 'keep' } }, data: { k: 'a-value' } });
    await must(a, 'POST', '/api/v1/namespaces/a-keep/secrets', { metadata: { name: 'a-keep' }, stringData: { k: 'a-pw' } });
    await must(a, 'POST', '/api/v1/namespaces', { metadata: { name: `${FZ}ns` } });
    // A custom resource with status and scale subresources stands in for a workload.
    await must(a, 'POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'fzwidgets.fz.example.com' },
      spec: {
        group: 'fz.example.com',
        scope: 'Namespaced',
        names: { plural: 'fzwidgets', singular: 'fzwidget', kind: 'FzWidget', listKind: 'FzWidgetList' },
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            subresources: { status: {}, scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.status.selector' } },
            schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { replicas: { type: 'integer' } } }, status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } } },
          },
        ],
      },
    });
    await waitForOk(a, '/apis/fz.example.com/v1/fzwidgets');
    for (const ns of ['default', `${FZ}ns`]) {
      await must(a, 'POST', `/api/v1/namespaces/${ns}/configmaps`, { metadata: { name: `${FZ}target`, labels: { fz: '1' } }, data: { k: 'v' } });
      await must(a, 'POST', `/apis/fz.example.com/v1/namespaces/${ns}/fzwidgets`, {
        apiVersion: 'fz.example.com/v1',
        kind: 'FzWidget',
        metadata: { name: `${FZ}dep`, labels: { fz: '1' } },
        spec: { replicas: 1, selector: 'app=fz', template: { containers: [{ name: 'c', image: 'nginx' }] } },
      });
    }
    await must(a, 'POST', '/api/v1/namespaces/default/serviceaccounts', { metadata: { name: `${FZ}robot` } });
    const tr = await must(a, 'POST', `/api/v1/namespaces/default/serviceaccounts/${FZ}robot/token`, { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 3600 } });
    saToken = tr.body.status.token;
  }, 180_000);

  afterAll(async () => {
    await adminApi(platform, 'DELETE', `/v1/tenants/${tenant}`).catch(() => undefined);
    await platform?.stop();
    await dropWorkspaceRoles(platform?.database.url);
    await platform?.database.drop();
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it(`sends ${COUNT} hostile requests: no 5xx, no hang, only Status errors, no leak from B, no change from refused requests`, async () => {
    const snapshotTypes = [
      '/api/v1/namespaces',
      '/api/v1/configmaps',
      '/api/v1/secrets',
      '/api/v1/serviceaccounts',
      '/apis/fz.example.com/v1/fzwidgets',
      '/apis/rbac.authorization.k8s.io/v1/roles',
      '/apis/rbac.authorization.k8s.io/v1/rolebindings',
      '/apis/rbac.authorization.k8s.io/v1/clusterroles',
      '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings',
      '/apis/apiextensions.k8s.io/v1/customresourcedefinitions',
    ];
    const snapshot = async (ws: TestWorkspace) => {
      const out = new Map<string, string>();
      for (const t of snapshotTypes) {
        const r = await kubeRequest(ws, 'GET', t);
        if (r.status === 404) continue;
        if (r.status !== 200) throw new Error(`snapshot ${t}: ${r.status} ${r.text.slice(0, 300)}`);
        for (const o of r.body.items) out.set(`${t} ${o.metadata.namespace ?? ''}/${o.metadata.name}`, o.metadata.resourceVersion);
      }
      return out;
    };
    const bBefore = await snapshot(b);
    const aBefore = await snapshot(a);

    const rng = new Rng(SEED);
    const gen = new Generator(rng, a, b, saToken);
    const sent: Sent[] = [];
    for (let i = 0; i < COUNT; i++) sent.push({ i, ...gen.request() });
    // The most expensive bodies (expansion bombs) go last, so a crash they cause cannot hide other findings.
    const bombs = process.env.FUZZ_BOMBS === '0' ? [] : gen.bombs().map((s, k) => ({ i: COUNT + k, ...s }));

    const origin = new URL(a.endpoint).origin;
    const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY * 2, ca: a.caPem });
    const started = Date.now();
    let finished = 0;
    await runBounded(sent.length, CONCURRENCY, async (i) => {
      if (Date.now() - started > BUDGET_MS) {
        sent[i].res = { status: -2, headers: {}, text: '', error: 'skipped (time budget)', ms: 0 };
        return;
      }
      sent[i].res = await rawHttpsRequest(origin, a.caPem, agent, sent[i].req, TIMEOUT_MS);
      // A reset on a reused keep-alive socket is transport noise: retry once on a fresh connection.
      if (sent[i].res!.status === 0 && sent[i].res!.error !== 'timeout') {
        const fresh = new Agent({ keepAlive: false, ca: a.caPem });
        sent[i].res = await rawHttpsRequest(origin, a.caPem, fresh, sent[i].req, TIMEOUT_MS);
        fresh.destroy();
      }
      if (++finished % 500 === 0 && process.env.FUZZ_PROGRESS) process.stderr.write(`fuzz: ${finished} done after ${Date.now() - started} ms\n`);
      if (process.env.FUZZ_TRACE && sent[i].res!.ms > 3000) process.stderr.write(`slow #${i} ${sent[i].kind} ${sent[i].res!.ms}ms ${sent[i].res!.status} ${sent[i].res!.error ?? ''} ${sent[i].req.method} ${sent[i].req.path.slice(0, 150)} ${sent[i].req.headers['content-type'] ?? ''} ${sent[i].req.body?.subarray(0, 80).toString('latin1') ?? ''}\n`);
    });
    // Then the expansion bombs, one at a time: after the first one that hangs the server, nothing else is meaningful.
    for (const bomb of bombs) {
      sent.push(bomb);
      bomb.res = await rawHttpsRequest(origin, a.caPem, agent, bomb.req, 10_000);
      if (bomb.res.error === 'timeout') break;
    }
    agent.destroy();
    const elapsed = Date.now() - started;

    // ---- the oracle ----
    const forbidden = [bMarkers.cmName, bMarkers.cmValue, bMarkers.secretValue, Buffer.from(bMarkers.secretValue).toString('base64'), bMarkers.nsName, bMarkers.label, b.token];
    const findings: string[] = [];
    const histogram = new Map<string, number>();
    const byKind = new Map<string, Map<string, number>>();
    let clientRefused = 0;
    let skipped = 0;
    let resetWhileSending = 0;
    let headWithBody = 0;
    const parserSamples: string[] = [];
    const explained = new Set<string>();
    const acceptedWrites: string[] = [];
    let parserLevel = 0;
    const describe = (s: Sent) =>
      `#${s.i} [${s.kind}] ${s.req.method} ${s.req.path.slice(0, 300)}${s.req.path.length > 300 ? `…(${s.req.path.length} chars)` : ''} ` +
      `content-type=${s.req.headers['content-type'] ?? '-'} auth=${(s.req.headers.authorization ?? '-').slice(0, 40)} body=${s.req.body ? JSON.stringify(s.req.body.subarray(0, 200).toString('latin1')) + ` (${s.req.body.length} bytes)` : '-'}`;
    const add = (s: Sent, what: string) => findings.push(`${what}\n    ${describe(s)}\n    -> ${s.res!.status} ${s.res!.error ?? ''} ${s.res!.text.slice(0, 400)}`);
    for (const s of sent) {
      const r = s.res!;
      const key = r.error && r.status <= 0 ? r.error : String(r.status);
      histogram.set(key, (histogram.get(key) ?? 0) + 1);
      const k = byKind.get(s.kind) ?? new Map<string, number>();
      k.set(key, (k.get(key) ?? 0) + 1);
      byKind.set(s.kind, k);
      if (r.status === -2) {
        skipped++;
        continue;
      }
      if (r.status === -1) {
        clientRefused++;
        continue;
      }
      for (const m of forbidden) if (r.text.includes(m)) add(s, `LEAK: the answer contains B's marker ${JSON.stringify(m.slice(0, 24))}`);
      if (r.error === 'timeout') {
        add(s, `HANG: no complete answer within ${TIMEOUT_MS} ms`);
        continue;
      }
      if (r.status === 0) {
        // The connection died without an answer; acceptable only for bodies over the limit.
        // The connection died without an answer. Tolerated (and counted) only where Node's HTTP layer closes
        // the socket while the client is still writing: a request line over 16 KiB (431) or a large body refused before it was read.
        if (s.req.path.length > 16 * 1024 || (s.req.body && s.req.body.length >= MIB)) resetWhileSending++;
        // Known limitation: a HEAD request carrying a body is answered and its connection closed;
        // Node's client then reports the unread-body close as HPE_CLOSED_CONNECTION. No data moves.
        else if (s.req.method === 'HEAD' && r.error === 'HPE_CLOSED_CONNECTION') headWithBody++;
        else add(s, `NO ANSWER: ${r.error}`);
        continue;
      }
      if (r.status >= 500) add(s, `5xx: ${r.status}`);
      if (r.status === 429) add(s, '429 although the rate limit is out of reach');
      // /version and the health endpoints answer anyone (as on kube-apiserver).
      const anonymous = r.text === 'ok' || /"gitVersion"/.test(r.text);
      if (s.mustRefuse && r.status < 400 && !anonymous) add(s, `ACCEPTED a request that must be refused: ${r.status}`);
      if (r.status >= 200 && r.status < 300 && !['GET', 'HEAD'].includes(s.req.method)) {
        // What an accepted write names is explained; the before/after comparison ignores it.
        try {
          const body = JSON.parse(r.text);
          for (const o of [body, ...(Array.isArray(body?.items) ? body.items : [])]) if (typeof o?.metadata?.name === 'string') explained.add(o.metadata.name);
          if (typeof body?.details?.name === 'string') explained.add(body.details.name);
        } catch {
          /* not JSON */
        }
        try {
          explained.add(decodeURIComponent(s.req.path.split('?')[0].split('/').pop() ?? ''));
        } catch {
          /* malformed on purpose */
        }
        acceptedWrites.push(`${s.req.method} ${s.req.path.slice(0, 160)} -> ${r.status}`);
      }
      if (r.error && r.status !== 200) add(s, `answer cut short: ${r.error}`);
      if (r.status >= 400 && s.req.method !== 'HEAD') {
        if (!r.headers['audit-id']) {
          // Refused by Node's HTTP parser before the handler ran (e.g. 431 for a request line over 16 KiB).
          parserLevel++;
          if (parserSamples.length < 5) parserSamples.push(`${r.status} ${s.req.method} ${s.req.path.slice(0, 120)} (${s.req.path.length} chars)`);
          continue;
        }
        let body: any;
        try {
          body = JSON.parse(r.text);
        } catch {
          add(s, 'error answer is not JSON');
          continue;
        }
        if (body?.kind !== 'Status' || body?.apiVersion !== 'v1' || body?.code !== r.status || body?.status !== 'Failure') add(s, `error answer is not a matching Status`);
      }
      if (r.status === 200 && s.kind.startsWith('watch')) {
        for (const line of r.text.split('\n').filter((l) => l.trim())) {
          let ev: any;
          try {
            ev = JSON.parse(line);
          } catch {
            add(s, `watch line is not JSON: ${line.slice(0, 100)}`);
            break;
          }
          if (ev.type === 'ERROR' && (ev.object?.code ?? 0) >= 500) add(s, `watch ERROR event with code ${ev.object.code}`);
        }
      }
    }

    // The API server survived, answers, and kept A and B as they were.
    const alive = platform.pid('apiserver') !== null;
    if (!alive) findings.push(`API SERVER DIED\n${platform.appLogs('apiserver').slice(-3000)}`);
    else {
      const health = await kubeRequest(a, 'GET', '/api/v1/namespaces/default/configmaps/a-keep').catch((err) => ({ status: 0, body: {} as any, text: String(err) }));
      if (health.status !== 200 || health.body.data?.k !== 'a-value') findings.push(`A's object a-keep no longer reads back: ${health.status} ${health.text.slice(0, 300)}`);
      try {
      const bAfter = await snapshot(b);
      for (const [k, rv] of bBefore) if (bAfter.get(k) !== rv) findings.push(`B CHANGED: ${k} rv ${rv} -> ${bAfter.get(k) ?? 'gone'}`);
      for (const k of bAfter.keys()) if (!bBefore.has(k)) findings.push(`B CHANGED: ${k} appeared`);
      const aAfter = await snapshot(a);
      const ours = (k: string) => {
        const [, ref] = k.split(' ');
        const [ns, name] = ref.split('/');
        return name.startsWith(FZ) || ns.startsWith(FZ) || name.endsWith('.fz.example.com') || explained.has(name);
      };
      for (const [k, rv] of aBefore) if (!ours(k) && aAfter.get(k) !== rv) findings.push(`A CHANGED: ${k} rv ${rv} -> ${aAfter.get(k) ?? 'gone'}`);
      for (const [k] of aAfter) if (!ours(k) && !aBefore.has(k)) findings.push(`A CHANGED: ${k} appeared`);
      // Prototype pollution from hostile patches would show up in fresh objects.
      const probe = await kubeRequest(a, 'POST', '/api/v1/namespaces/default/configmaps', { body: { metadata: { name: `${FZ}probe-${tag}` } } });
      // (Objects the fuzz patched may hold "fzpolluted" as plain data; a fresh object and an untouched one may not.)
      const list = await kubeRequest(a, 'GET', '/api/v1/namespaces/a-keep/secrets/a-keep');
      if (/fzpolluted/.test(probe.text + list.text)) findings.push(`PROTOTYPE POLLUTION visible in answers: ${probe.text.slice(0, 300)}`);
      } catch (err) {
        findings.push(`API SERVER UNUSABLE after the fuzz: ${(err as Error).message}`);
      }
    }

    const real = sent.length - clientRefused - skipped;
    const hist = [...histogram.entries()].sort((x, y) => x[0].localeCompare(y[0])).map(([k, v]) => `${k}: ${v}`).join(', ');
    const kinds = [...byKind.entries()].sort().map(([k, m]) => `  ${k.padEnd(16)} ${[...m.entries()].sort().map(([c, n]) => `${c}:${n}`).join(' ')}`).join('\n');
    const serverErrors = platform.appLogs('apiserver').split('\n').filter((l) => /unhandled error|"level":50|"level":60/.test(l));
    console.log(
      `kube fuzz: seed=${SEED} sent=${real} (client-refused ${clientRefused}, skipped for time ${skipped}, parser-level refusals ${parserLevel}, connection reset while sending ${resetWhileSending}, HEAD with body closed ${headWithBody})\n` +
        `parser-level samples: ${parserSamples.join(' | ')}\n` +
        ` in ${elapsed} ms\n` +
        `status histogram: ${hist}\nby kind:\n${kinds}\n` +
        `accepted writes: ${acceptedWrites.length}\n` +
        `apiserver error log lines: ${serverErrors.length}${serverErrors.length ? '\n' + serverErrors.slice(0, 10).map((l) => '  ' + l.slice(0, 400)).join('\n') : ''}\n` +
        `findings: ${findings.length}${findings.length ? '\n' + findings.slice(0, 60).join('\n') : ''}`,
    );
    expect(real).toBeGreaterThanOrEqual(3000);
    expect(alive).toBe(true);
    expect(findings).toEqual([]);
  }, 300_000);
});

// ---------------------------------------------------------------------------------------------
// The generator.

const SQL = [
  "' OR '1'='1",
  "'; DROP TABLE objects; --",
  '"; SELECT pg_sleep(10); --',
  "x') OR 1=1 --",
  '$1',
  '$$x$$',
  '$tag$ evil $tag$',
  "E'\\x00'",
  '1)) OR ((1=1',
  "' UNION SELECT * FROM pg_catalog.pg_authid --",
  "\\'",
  '%',
  '_',
  '*',
  "'::jsonb @> '{}'",
  '`',
];
const UNICODE = [
  '\u202eevil\u202c',
  '\u200f\u200e',
  '😈🔥',
  'e\u0301\u0301\u0301\u0301',
  '\u0000',
  '\ufeff',
  '\ud800',
  '\uffff',
  'Ω≈ç√',
  '𝕬𝕭',
  'İı',
  '\u2028\u2029',
  '\u00a0',
  '../',
  '..\\',
];
const SELECTOR_TEMPLATES = [
  'a=b',
  'a!=b',
  'a in (x,y)',
  'a notin (x)',
  '!a',
  'a',
  'a in (',
  'a in ()',
  'a in ((x))',
  '(a=b',
  'a==b',
  'a=',
  '=b',
  ',',
  'a,,b',
  'a=b,',
  'a b',
  'a=b=c',
  'a>1',
  'a<1',
  'x/y/z=1',
  'app.kubernetes.io/name=x',
  'metadata.name=fz-target',
  'metadata.namespace=default',
  'metadata.name!=x',
  'spec.replicas=1',
  'status.phase=Running',
  'metadata.labels.a=b',
  "metadata.labels['a']=b",
  'data.k=v',
];

/** encodeURIComponent that survives lone surrogates (their UTF-8 replacement bytes are sent instead). */
function enc(v: string): string {
  return [...Buffer.from(v, 'utf8')].map((c) => (/[A-Za-z0-9\-_.!~*'()]/.test(String.fromCharCode(c)) ? String.fromCharCode(c) : '%' + c.toString(16).toUpperCase().padStart(2, '0'))).join('');
}

const b64url = (s: string | Buffer) => Buffer.from(s).toString('base64url');

class Generator {
  constructor(
    private readonly rng: Rng,
    private readonly a: TestWorkspace,
    private readonly b: TestWorkspace,
    private readonly saToken: string,
  ) {}

  private hostileString(maxLen = 200): string {
    const r = this.rng;
    switch (r.int(8)) {
      case 0:
        return r.pick(SQL);
      case 1:
        return r.pick(UNICODE);
      case 2:
        return r.pick(SQL) + r.pick(UNICODE);
      case 3:
        return 'x'.repeat(r.pick([63, 64, 253, 254, 1000, 10_000, 100 * 1024]));
      case 4:
        return this.b.id;
      case 5:
        return r.bytes(1 + r.int(Math.min(maxLen, 64))).toString('latin1');
      case 6:
        return `${FZ}${r.pick(['ok', 'Upper', 'dot.ted', 'x'.repeat(60)])}`;
      default:
        return Array.from({ length: 1 + r.int(4) }, () => r.pick([...SQL, ...UNICODE, 'a', '=', ',', '(', ')', '!', ' ', '\\', '"', '{', '}'])).join('');
    }
  }

  /** A selector: a template, a hostile one, or one of each mixed. */
  private selector(): string {
    const r = this.rng;
    switch (r.int(5)) {
      case 0:
        return r.pick(SELECTOR_TEMPLATES);
      case 1:
        return `a=${this.hostileString()}`;
      case 2:
        return `${this.hostileString()}=b`;
      case 3:
        return `a in (${this.hostileString()}, ${this.hostileString()})`;
      default:
        return r.pick(SELECTOR_TEMPLATES).replace(/[ab]/g, () => this.hostileString(20));
    }
  }

  private encodeQueryValue(v: string): string {
    const r = this.rng;
    let out: string;
    try {
      out = enc(v);
    } catch {
      // Lone surrogates: send the raw UTF-8-ish bytes percent-encoded by hand.
      out = [...Buffer.from(v, 'utf8')].map((c) => '%' + c.toString(16).padStart(2, '0')).join('');
    }
    if (r.bool(0.1)) out = out.replace(/%/g, '%25'); // double encoding
    if (r.bool(0.05)) out += '%';
    if (r.bool(0.05)) out += '%zz';
    return out;
  }

  private token(): { header?: string; aPath: boolean } {
    const r = this.rng;
    const roll = r.next();
    if (roll < 0.82) return { header: `Bearer ${this.a.token}`, aPath: false };
    if (roll < 0.86) return { header: `Bearer ${this.saToken}`, aPath: false };
    if (roll < 0.88) return { aPath: false };
    // B's token is only ever aimed at A's paths: used on its own workspace it would be legitimate.
    if (roll < 0.91) return { header: `Bearer ${this.b.token}`, aPath: true };
    if (roll < 0.95) return { header: r.pick(['Bearer', 'Bearer ', 'Basic YTpi', `bearer ${this.a.token}`, `Bearer ${this.a.token}x`, `Bearer ${this.a.token.slice(0, -1)}`, `Bearer ${'A'.repeat(5000)}`, `Bearer ${r.bytes(24).toString('base64')}`, `Bearer  ${this.a.token} extra`]), aPath: false };
    return { header: `Bearer ${this.jwt()}`, aPath: false };
  }

  private jwt(): string {
    const r = this.rng;
    const now = Math.floor(Date.now() / 1000);
    const header = r.pick([{ alg: 'none', typ: 'JWT' }, { alg: 'HS256', typ: 'JWT', kid: '../../etc/passwd' }, { alg: 'HS256' }, { alg: 'RS256' }, null, [], 'x', { alg: { $ne: 1 } }]);
    const ws = r.pick([this.a.id, this.b.id, '', "' OR 1=1 --", '../' + this.b.id, { toString: 1 }]);
    const payload = r.pick([
      { iss: 'x', sub: 'system:serviceaccount:default:fz-robot', exp: now + 3600, 'kplane.io/workspace': ws, 'kubernetes.io': { namespace: 'default', serviceaccount: { name: `${FZ}robot`, uid: 'x' } } },
      { 'kplane.io/workspace': ws },
      { 'kplane.io/workspace': ws, exp: 'never', 'kubernetes.io': null },
      { 'kplane.io/workspace': ws, 'kubernetes.io': { namespace: "'; --", serviceaccount: { name: '__proto__', uid: '__proto__' } }, exp: now + 10 },
      null,
      'not json',
    ]);
    const parts = [
      typeof header === 'string' ? b64url(header) : b64url(JSON.stringify(header)),
      typeof payload === 'string' ? b64url(payload) : b64url(JSON.stringify(payload)),
      r.pick(['', b64url(r.bytes(32)), 'sig', b64url(r.bytes(3))]),
    ];
    if (r.bool(0.1)) parts[1] = b64url('{'.repeat(5000));
    return parts.join('.').replace(/\.$/, '.x');
  }

  private prefix(aPath: boolean): string {
    const r = this.rng;
    const A = this.a.id;
    const B = this.b.id;
    if (aPath) return `/clusters/${A}`;
    return r.pick([
      `/clusters/${A}`,
      `/clusters/${A}`,
      `/clusters/${A}`,
      '',
      `/clusters/${B}`,
      `/clusters/${A}/clusters/${B}`,
      `/clusters/${A.toUpperCase()}`,
      `/clusters/${A}%2f..%2f${B}`,
      `/clusters/${A}/..%2f${B}`,
      `/clusters/${A}/../${B}`,
      `/clusters/${A}/%2e%2e/${B}`,
      `/clusters/${A}/%252e%252e/${B}`,
      `/clusters/${enc(A + '\u0000')}`,
      `/clusters/${A}%00`,
      `/clusters/${A}x`,
      '/clusters/',
      '/clusters',
      `//clusters/${A}`,
      `/clusters//${A}`,
      `/CLUSTERS/${A}`,
      `/clusters/${A.replace(/-/g, '')}`,
      `/clusters/%${A}`,
    ]);
  }

  private resourcePath(): string {
    const r = this.rng;
    const ns = r.pick(['default', `${FZ}ns`, 'a-keep', 'kube-system']);
    return r.pick([
      `/api/v1/namespaces/${ns}/configmaps`,
      `/api/v1/namespaces/${ns}/configmaps/${FZ}target`,
      `/api/v1/namespaces/${ns}/configmaps/a-keep`,
      `/api/v1/namespaces/${ns}/secrets`,
      '/api/v1/configmaps',
      '/api/v1/namespaces',
      '/api/v1/namespaces/a-keep',
      `/apis/fz.example.com/v1/namespaces/${ns}/fzwidgets`,
      `/apis/fz.example.com/v1/namespaces/${ns}/fzwidgets/${FZ}dep/scale`,
      `/apis/fz.example.com/v1/namespaces/${ns}/fzwidgets/${FZ}dep/status`,
      '/apis/rbac.authorization.k8s.io/v1/clusterroles',
      '/apis/apiextensions.k8s.io/v1/customresourcedefinitions',
      '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews',
      `/api/v1/namespaces/default/serviceaccounts/${FZ}robot/token`,
      '/api',
      '/apis',
      '/apis/apps',
      '/apis/apps/v1',
      '/openapi/v2',
      '/openapi/v3',
      '/openapi/v3/apis/apps/v1',
      '/version',
      '/healthz',
      '/livez',
      '/metrics',
      '/api/v1/namespaces/default/pods/x/log',
      '/api/v1/namespaces/default/pods/x/exec',
      '/apis/nope.example.com/v1/widgets',
    ]);
  }

  private mutateSegment(): string {
    const r = this.rng;
    return r.pick([
      '..',
      '.',
      '%2e%2e',
      '%2E%2e',
      '%252e%252e',
      '%2f',
      '..%2f..%2f',
      `..%2f${this.b.id}`,
      '%5c',
      '..%5c..%5c',
      '%252f',
      '%00',
      '%c0%ae%c0%ae',
      '%ff%fe',
      '%',
      '%e2%80%ae',
      '%f0%9f%98%88',
      'e%cc%81%cc%81',
      enc(r.pick(UNICODE.filter((u) => u !== '\ud800'))),
      Buffer.from('ñ😈', 'utf8').toString('latin1'),
      this.b.id,
      'clusters',
      'x'.repeat(r.pick([64, 254, 4096, 12_000, 20_000])),
      enc(r.pick(SQL)),
      '',
      ';',
      '~',
      '*',
    ]);
  }

  private fuzzPath(path: string): string {
    const r = this.rng;
    const segs = path.split('/');
    const n = 1 + r.int(3);
    for (let k = 0; k < n; k++) {
      const at = 1 + r.int(Math.max(1, segs.length - 1));
      if (r.bool()) segs.splice(at, 0, this.mutateSegment());
      else segs[Math.min(at, segs.length - 1)] = this.mutateSegment();
    }
    return segs.join('/');
  }

  private query(watch: boolean): string {
    const r = this.rng;
    const params: string[] = [];
    const n = r.int(4) + (watch ? 1 : 0);
    if (watch) params.push(`watch=${r.pick(['true', 'true', '1', 'TRUE', 'yes', 'maybe', '%00', 'true&watch=false'])}`, `timeoutSeconds=${r.pick(['1', '1', '1', '0', '-1', '1e99', 'NaN', '9999999999', '1.5', 'x', '', '%00'])}`);
    for (let k = 0; k < n; k++) {
      const key = r.pick(['labelSelector', 'labelSelector', 'fieldSelector', 'fieldSelector', 'limit', 'continue', 'resourceVersion', 'resourceVersionMatch', 'allowWatchBookmarks', 'includeObject', 'fieldManager', 'dryRun', 'pretty', 'propagationPolicy', 'gracePeriodSeconds', 'fieldValidation', 'force', 'sendInitialEvents', this.hostileString(20)]);
      let value: string;
      switch (key) {
        case 'labelSelector':
        case 'fieldSelector':
          value = r.bool(0.03) ? 'a=' + 'x'.repeat(100 * 1024) : this.selector();
          break;
        case 'limit':
          value = r.pick(['-1', '0', '1', '1e9', '999999999', '9999999999', '0x10', 'NaN', '1.5', ' 1', '１', this.hostileString(20)]);
          break;
        case 'continue':
          value = this.continueToken();
          break;
        case 'resourceVersion':
          value = r.pick(['-1', '0', '1', 'abc', '99999999999999999999', '9223372036854775807', '9223372036854775808', "1' OR '1'='1", '', '1 ', '0x1', this.hostileString(20)]);
          break;
        default:
          value = this.hostileString(40);
      }
      params.push(`${this.encodeQueryValue(key)}=${this.encodeQueryValue(value)}`);
    }
    if (r.bool(0.05)) params.push('&&&', '=', '%', 'a=%zz');
    return params.length ? '?' + params.join('&') : '';
  }

  private continueToken(): string {
    const r = this.rng;
    const field = () => r.pick(['1', '0', '-1', '99999999999999999999', "1' OR 1=1", this.b.id, `ws_${this.b.id.replace(/-/g, '_')}`, '\u0000', 'default', '', this.hostileString(30)]);
    switch (r.int(6)) {
      case 0:
        return b64url(r.bytes(r.int(200)));
      case 1:
        return r.bytes(30).toString('base64');
      case 2:
        return b64url(JSON.stringify({ rv: field(), ns: field(), name: field() }));
      case 3:
        return b64url(JSON.stringify({ rv: '1', ns: r.pick(["' OR 1=1 --", '\u0000', this.b.id, 'default']), name: r.pick(["x' OR 1=1 --", '\u0000x', 'a'.repeat(3000), '😈', '$1']) }));
      case 4:
        return b64url(JSON.stringify(r.pick([null, [], 1, 'x', { rv: 1, ns: 1, name: 1 }, { __proto__: { rv: '1' } }, { rv: '1', ns: '', name: 'x', start: "'; DROP TABLE x; --" }])));
      default:
        return 'A'.repeat(r.pick([4096, 4097, 10_000]));
    }
  }

  private deep(levels: number, open: string, close: string, inner = '1'): string {
    return open.repeat(levels) + inner + close.repeat(levels);
  }

  /** An object body: valid-ish (fz- names only), malformed, deep, huge or of a mismatching type. */
  private objectBody(collection: string): { body: Buffer; contentType: string; mustRefuse?: boolean } {
    const r = this.rng;
    const name = () => (r.bool(0.3) ? `${FZ}${r.int(1e6)}` : this.hostileString());
    const json = (v: unknown) => ({ body: Buffer.from(JSON.stringify(v)), contentType: r.pick(['application/json', 'application/json', 'application/json; charset=utf-8', '', 'APPLICATION/JSON']) });
    switch (r.int(16)) {
      case 0:
        return { body: Buffer.from(r.pick(['{', '{"a":}', '{"metadata":{"name":"x"}', 'nul', '[', '{"a":1,}', "{'a':1}", '\ufeff{}', '{"a":1e999}', 'null', '[]', '"x"', '1', ''])), contentType: 'application/json', mustRefuse: true };
      case 1:
        return { body: Buffer.from(`{"metadata":{"name":"${FZ}deep"},"x":${this.deep(r.pick([10_000, 100_000]), '[', ']')}}`), contentType: 'application/json' };
      case 2:
        return { body: Buffer.from(`{"metadata":{"name":"${FZ}deep2","labels":${this.deep(10_000, '{"a":', '}', '"x"')}}}`), contentType: 'application/json', mustRefuse: true };
      case 3: {
        const size = r.pick([1 * MIB, 3 * MIB - 200, 3 * MIB + 1, 4 * MIB]);
        return { ...json({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `${FZ}big-${r.int(1e6)}` }, data: { k: 'x'.repeat(size) } }), mustRefuse: size > 3 * MIB };
      }
      case 4:
        return json({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: name(), namespace: r.pick([undefined, 'default', this.hostileString(), this.b.id]), labels: { [this.hostileString(64)]: this.hostileString(64) }, annotations: { [this.hostileString(64)]: this.hostileString() } }, data: { [this.hostileString(64)]: this.hostileString() } });
      case 5:
        return json({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { generateName: r.pick([FZ, this.hostileString()]), labels: { fz: '1' } }, data: { k: this.hostileString() } });
      case 6:
        return json({ apiVersion: r.pick(['v1', 'v2', '', 'apps/v1', this.hostileString()]), kind: r.pick(['Secret', 'Pod', 'Status', 'ConfigMap', this.hostileString(), 1, null]), metadata: r.pick([null, [], 'x', { name: name() }, { name: `${FZ}rv`, resourceVersion: this.hostileString(), uid: this.hostileString() }]) });
      case 7:
        return json({ metadata: { name: `${FZ}own-${r.int(1e6)}`, ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'b-marker', uid: r.pick([this.b.id, "' OR 1=1", '']), controller: r.pick([true, 'yes', null]) }], finalizers: [this.hostileString(), 'kubernetes'] } });
      case 8:
        return { body: r.bytes(r.int(2000)), contentType: r.pick(['application/vnd.kubernetes.protobuf', 'application/json', 'application/octet-stream']), mustRefuse: true };
      case 9: {
        const magic = Buffer.from([0x6b, 0x38, 0x73, 0x00]);
        const tail = r.pick([
          r.bytes(r.int(300)),
          Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f]), // field 1, length 4 GiB
          Buffer.from([0x12, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]),
          Buffer.concat([Buffer.from([0x0a, 0x04]), Buffer.from('\u0000\u0000\u0000\u0000'), Buffer.from([0x12, 0x05]), Buffer.from('{"a":')]),
          Buffer.concat([Buffer.from([0x1a]), Buffer.from([0x80, 0x80, 0x04]), Buffer.alloc(65536, 0x1a)]),
          Buffer.alloc(0),
        ]);
        return { body: Buffer.concat([magic, tail]), contentType: 'application/vnd.kubernetes.protobuf', mustRefuse: true };
      }
      case 10:
        return { body: Buffer.from(this.yamlBody()), contentType: 'application/yaml' };
      case 11:
        return { body: Buffer.from(JSON.stringify({ metadata: { name: `${FZ}ct` } })), contentType: r.pick(['text/plain', 'application/xml', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded', 'application/json-patch+json', 'application/apply-patch+yaml', '*/*', 'application/json\u0000', this.hostileString(30).replace(/[^\x20-\x7e]/g, '') || 'text/plain']), mustRefuse: true };
      case 12:
        return { body: Buffer.from(JSON.stringify({ metadata: { name: `${FZ}u16` } }), 'utf16le'), contentType: 'application/json; charset=utf-16', mustRefuse: true };
      case 13:
        // CRD with a deeply nested or hostile schema.
        return json({
          apiVersion: 'apiextensions.k8s.io/v1',
          kind: 'CustomResourceDefinition',
          metadata: { name: r.pick(['widgets.fz.example.com', this.hostileString()]) },
          spec: {
            group: r.pick(['fz.example.com', this.hostileString()]),
            names: { plural: r.pick(['widgets', this.hostileString()]), kind: r.pick(['Widget', this.hostileString()]) },
            scope: r.pick(['Namespaced', 'Cluster', this.hostileString()]),
            versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: JSON.parse(this.deep(r.pick([50, 2000]), '{"type":"object","properties":{"a":', '}}', '{"type":"string","pattern":"(a+)+$"}')) } }],
          },
        });
      case 14:
        return json({ apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec: { resourceAttributes: { namespace: this.hostileString(), verb: this.hostileString(), resource: this.hostileString(), name: this.hostileString() }, nonResourceAttributes: r.pick([undefined, { path: this.hostileString(), verb: 'get' }]) } });
      default:
        return json({ apiVersion: r.pick(['fz.example.com/v1', 'apps/v1']), kind: r.pick(['FzWidget', 'Deployment']), metadata: { name: name(), labels: { fz: '1' } }, spec: { replicas: r.pick([1, -1, 1e308, '3', null, 2 ** 53]), selector: r.pick([{ matchLabels: { app: 'x' } }, { matchExpressions: [{ key: this.hostileString(), operator: this.hostileString(), values: [this.hostileString()] }] }, null]), template: { metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: this.hostileString(), image: this.hostileString() }] } } } });
    }
  }

  private yamlBody(): string {
    const r = this.rng;
    return r.pick([
      'metadata:\n  name: fz-yaml\n  labels: {a: [}\n',
      'metadata: !!js/function "function(){return 1}"\n',
      'metadata: !!binary AAAA\n',
      `metadata:\n  name: ${FZ}yaml\n  __proto__:\n    fzpolluted: yes\n`,
      'a: &a {x: 1}\nb:\n  <<: *a\n  <<: *a\n',
      'metadata:\n\tname: tab\n',
      `---\nmetadata: {name: ${FZ}doc1}\n---\nmetadata: {name: ${FZ}doc2}\n`,
      this.deep(10_000, '[', ']'),
      this.deep(10_000, '- ', '', 'x'),
      '%YAML 9.9\n---\na: 1\n',
      'a: *undefined_alias\n',
      `metadata:\n  name: "${'\\u0000'}"\n`,
      '? [a, b]\n: c\n',
      'a: ' + 'x'.repeat(2 * MIB) + '\n',
    ]);
  }

  private patchBody(): { body: Buffer; contentType: string } {
    const r = this.rng;
    const ptr = () =>
      r.pick(['/metadata/__proto__/fzpolluted', '/__proto__/fzpolluted', '/constructor/prototype/fzpolluted', '/data/~2', '/data/~', '/data/../x', '', '/', '/metadata/name', '/metadata/namespace', '/metadata/uid', '/metadata/resourceVersion', '/data/' + 'x'.repeat(100_000), '/a/b/c/d', '/-', '/data/-', '/metadata/labels/~1~0', '/metadata/labels/fz', '/spec/replicas', '/spec/template/spec/containers/999999999', '/spec/template/spec/containers/-1', '/spec/template/spec/containers/01', '/kind', '/apiVersion']);
    const value = () => r.pick([this.hostileString(), null, 1, { fzpolluted: 'yes' }, [], this.b.id, { metadata: { namespace: 'kube-system' } }]);
    switch (r.int(4)) {
      case 0: {
        const ops = Array.from({ length: 1 + r.int(4) }, () => ({ op: r.pick(['add', 'remove', 'replace', 'move', 'copy', 'test', '_get', 'nope', '__proto__']), path: ptr(), from: ptr(), value: value() }));
        return { body: Buffer.from(r.bool(0.1) ? JSON.stringify(r.pick([{}, null, 'x', [1], [null], [{ op: 'add' }]])) : JSON.stringify(ops)), contentType: 'application/json-patch+json' };
      }
      case 1:
        return {
          body: Buffer.from(
            r.pick([
              '{"__proto__":{"fzpolluted":"yes"}}',
              '{"metadata":{"__proto__":{"fzpolluted":"yes"}}}',
              '{"metadata":{"labels":{"__proto__":{"fzpolluted":"yes"}}}}',
              '{"constructor":{"prototype":{"fzpolluted":"yes"}}}',
              '{"data":{"constructor":{"prototype":{"fzpolluted":"yes"}}}}',
              '{"metadata":{"name":"other","namespace":"kube-system","uid":"x"}}',
              `{"metadata":{"namespace":"${this.b.id}"}}`,
              'null',
              '[]',
              '"x"',
              '{',
              `{"x":${this.deep(10_000, '{"a":', '}')}}`,
              JSON.stringify({ data: { k: 'x'.repeat(2 * MIB) } }),
              JSON.stringify({ metadata: { labels: { [this.hostileString(64)]: this.hostileString(64) } } }),
            ]),
          ),
          contentType: 'application/merge-patch+json',
        };
      case 2:
        return {
          body: Buffer.from(
            r.pick([
              '{"$patch":"delete"}',
              '{"$patch":"replace"}',
              '{"metadata":{"$patch":"replace"}}',
              '{"$retainKeys":["x"]}',
              '{"$retainKeys":5}',
              '{"spec":{"template":{"spec":{"containers":[{"$patch":"delete","name":"c"}]}}}}',
              '{"spec":{"template":{"spec":{"$setElementOrder/containers":5}}}}',
              '{"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"zz"}],"containers":[{"name":"c","$patch":"merge"}]}}}}',
              '{"spec":{"template":{"spec":{"$deleteFromPrimitiveList/args":["x"]}}}}',
              '{"spec":{"replicas":"1e999"}}',
              '{"__proto__":{"fzpolluted":"yes"}}',
              '{"spec":{"template":{"spec":{"containers":[{"name":{"__proto__":1}}]}}}}',
              '{"spec":{"template":{"spec":{"containers":{"$patch":"delete"}}}}}',
            ]),
          ),
          contentType: 'application/strategic-merge-patch+json',
        };
      default:
        return { body: Buffer.from(this.yamlBody()), contentType: 'application/apply-patch+yaml' };
    }
  }

  request(): Omit<Sent, 'i'> {
    const r = this.rng;
    const tok = this.token();
    const headers: Record<string, string> = {};
    if (tok.header) headers.authorization = tok.header;
    headers.accept = r.pick(['application/json', 'application/json', 'application/json;as=Table;v=v1;g=meta.k8s.io', 'application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io', 'application/vnd.kubernetes.protobuf', '*/*', 'text/html', 'application/json;as=Table;v=v9;g=' + this.hostileString(20).replace(/[^\x20-\x7e]/g, '')]);
    const prefix = this.prefix(tok.aPath);
    // The auth scheme is case-insensitive (RFC 7235, as kube-apiserver matches it).
    const auth = tok.header?.replace(/^bearer /i, 'Bearer ');
    const refusedAuth = !auth || auth.includes(this.b.token) || !/^Bearer [A-Za-z0-9._~+/=-]+$/.test(auth) || (auth !== `Bearer ${this.a.token}` && auth !== `Bearer ${this.saToken}`);
    const kind = r.pick([...Array(8).fill('path'), ...Array(11).fill('list'), 'watch', ...Array(10).fill('create'), ...Array(4).fill('update'), ...Array(10).fill('patch'), ...Array(4).fill('delete')] as string[]);
    // Never DELETE by accident: a DELETE on a collection without the fz=1 selector would be a legitimate mass delete.
    const method = (fallback: string) => (r.bool(0.1) ? r.pick(['GET', 'POST', 'PUT', 'PATCH', 'HEAD', 'OPTIONS', 'TRACE', 'PROPFIND', 'get']) : fallback);
    let sent: Omit<Sent, 'i'>;
    switch (kind) {
      case 'path': {
        const m = method(r.pick(['GET', 'GET', 'GET', 'POST', 'DELETE']));
        // Mutating methods on a fuzzed path only ever name fz- objects or collections a body cannot match.
        const base = m === 'GET' || m === 'HEAD' ? this.resourcePath() : r.pick([`/api/v1/namespaces/default/configmaps/${FZ}target`, `/apis/fz.example.com/v1/namespaces/${FZ}ns/fzwidgets/${FZ}dep`, `/api/v1/namespaces/${FZ}ns/configmaps`]);
        let fuzzed = this.fuzzPath(base);
        // A trailing empty segment is dropped by the server: DELETE .../configmaps/<''> would be a deletecollection.
        if (m !== 'GET' && m !== 'HEAD' && (fuzzed.endsWith('/') || fuzzed.endsWith('/;'))) fuzzed += 'x';
        const path = prefix + fuzzed + (r.bool(0.3) && m !== 'DELETE' ? this.query(false) : '');
        const body = m === 'POST' ? Buffer.from(JSON.stringify({ metadata: { name: `${FZ}p${r.int(1e6)}` } })) : undefined;
        sent = { kind: 'path', req: { method: m, path, headers: body ? { ...headers, 'content-type': 'application/json' } : headers, body } };
        break;
      }
      case 'list':
      case 'watch': {
        const ns = r.pick(['default', `${FZ}ns`, '', this.b.id, enc(r.pick(SQL))]);
        const res = r.pick(['configmaps', 'secrets', 'fzwidgets', 'namespaces', 'events', 'customresourcedefinitions', 'clusterroles']);
        const group = { fzwidgets: '/apis/fz.example.com/v1', customresourcedefinitions: '/apis/apiextensions.k8s.io/v1', clusterroles: '/apis/rbac.authorization.k8s.io/v1' }[res as 'fzwidgets'] ?? '/api/v1';
        const path = `${prefix}${group}${ns && res !== 'namespaces' ? `/namespaces/${ns}` : ''}/${res}${this.query(kind === 'watch')}`;
        sent = { kind, req: { method: 'GET', path, headers } };
        break;
      }
      case 'create': {
        const coll = r.pick([`/api/v1/namespaces/${r.pick(['default', `${FZ}ns`])}/configmaps`, '/api/v1/namespaces', `/apis/fz.example.com/v1/namespaces/${FZ}ns/fzwidgets`, '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', `/api/v1/namespaces/default/serviceaccounts/${FZ}robot/token`, '/apis/authentication.k8s.io/v1/selfsubjectreviews']);
        const b = this.objectBody(coll);
        // Namespaces and CRDs created by a fuzzed body could be named anything valid; keep them to fz- by refusing only names that are not.
        const q = r.bool(0.3) ? this.query(false) : '';
        sent = { kind: 'create', mustRefuse: b.mustRefuse, req: { method: method('POST'), path: prefix + coll + q, headers: { ...headers, ...(b.contentType ? { 'content-type': b.contentType } : {}) }, body: b.body } };
        break;
      }
      case 'update': {
        const target = r.pick([`/api/v1/namespaces/default/configmaps/${FZ}target`, `/apis/fz.example.com/v1/namespaces/${FZ}ns/fzwidgets/${FZ}dep`, `/apis/fz.example.com/v1/namespaces/default/fzwidgets/${FZ}dep/scale`, `/apis/fz.example.com/v1/namespaces/default/fzwidgets/${FZ}dep/status`, `/api/v1/namespaces/${FZ}ns`, `/api/v1/namespaces/${FZ}ns/finalize`]);
        const b = this.objectBody(target);
        sent = { kind: 'update', mustRefuse: b.mustRefuse, req: { method: 'PUT', path: prefix + target + (r.bool(0.3) ? this.query(false) : ''), headers: { ...headers, 'content-type': b.contentType }, body: b.body } };
        break;
      }
      case 'patch': {
        const target = r.pick([`/api/v1/namespaces/default/configmaps/${FZ}target`, `/api/v1/namespaces/${FZ}ns/configmaps/${FZ}target`, `/apis/fz.example.com/v1/namespaces/default/fzwidgets/${FZ}dep`, `/apis/fz.example.com/v1/namespaces/${FZ}ns/fzwidgets/${FZ}dep/scale`, `/apis/fz.example.com/v1/namespaces/${FZ}ns/fzwidgets/${FZ}dep/status`, `/api/v1/namespaces/${FZ}ns`, `/api/v1/namespaces/default/configmaps/${FZ}missing`]);
        const b = this.patchBody();
        const fm = b.contentType === 'application/apply-patch+yaml' && r.bool(0.7) ? `?fieldManager=${this.encodeQueryValue(r.pick(['fz', this.hostileString(30)]))}${r.bool(0.3) ? '&force=true' : ''}` : r.bool(0.2) ? this.query(false) : '';
        sent = { kind: 'patch', req: { method: 'PATCH', path: prefix + target + fm, headers: { ...headers, 'content-type': b.contentType }, body: b.body } };
        break;
      }
      default: {
        // deletecollection always carries the fz=1 requirement first, so only the generator's own objects can match.
        const collection = r.bool(0.5);
        const target = collection ? `/api/v1/namespaces/${FZ}ns/configmaps?labelSelector=${this.encodeQueryValue('fz=1,' + this.selector())}` : r.pick([`/api/v1/namespaces/default/configmaps/${FZ}target`, `/apis/fz.example.com/v1/namespaces/${FZ}ns/fzwidgets/${FZ}dep`, `/api/v1/namespaces/default/configmaps/${enc(this.hostileString())}`]);
        const opts = r.bool(0.5)
          ? Buffer.from(r.pick([JSON.stringify({ kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: this.hostileString(), gracePeriodSeconds: r.pick([-1, 1e308, 'x', null]), preconditions: { uid: this.b.id, resourceVersion: this.hostileString() } }), '{', 'null', '[]', this.deep(10_000, '{"a":', '}')]))
          : undefined;
        sent = { kind: 'delete', req: { method: 'DELETE', path: prefix + target + (collection && r.bool(0.3) ? '&' + this.query(false).slice(1) : ''), headers: opts ? { ...headers, 'content-type': 'application/json' } : headers, body: opts } };
      }
    }
    // Body-based expectations only hold for methods that read an object body.
    if (!['POST', 'PUT'].includes(sent.req.method)) sent.mustRefuse = false;
    // A request without a usable credential for A, or aimed at another workspace, must never succeed.
    if (refusedAuth || !(prefix === '' || prefix === `/clusters/${this.a.id}`)) sent.mustRefuse = true;
    return sent;
  }

  /** Expansion bombs: small bodies that grow huge once parsed or applied. */
  bombs(): Omit<Sent, 'i'>[] {
    const A = this.a.id;
    const auth = { authorization: `Bearer ${this.a.token}`, accept: 'application/json' };
    const laughs = (levels: number, width: number) => {
      let y = `l0: &l0 [${Array(width).fill('"lol"').join(',')}]\n`;
      for (let k = 1; k < levels; k++) y += `l${k}: &l${k} [${Array(width).fill(`*l${k - 1}`).join(',')}]\n`;
      return y + `metadata:\n  name: ${FZ}laughs\n  annotations:\n    x: "1"\ndata:\n  bomb: *l${levels - 1}\n`;
    };
    const copyBomb = [{ op: 'add', path: '/data/x', value: 'x'.repeat(1024) }, ...Array.from({ length: 26 }, (_, k) => ({ op: 'copy', from: '/metadata/labels', path: `/metadata/labels/c${k}` }))];
    const cm = `/clusters/${A}/api/v1/namespaces/${FZ}ns/configmaps/${FZ}target`;
    return [
      { kind: 'bomb-yaml', req: { method: 'PATCH', path: `${cm}?fieldManager=fz`, headers: { ...auth, 'content-type': 'application/apply-patch+yaml' }, body: Buffer.from(laughs(6, 10)) } },
      { kind: 'bomb-yaml', req: { method: 'POST', path: `/clusters/${A}/api/v1/namespaces/${FZ}ns/configmaps`, headers: { ...auth, 'content-type': 'application/yaml' }, body: Buffer.from(laughs(9, 10)) } },
      { kind: 'bomb-yaml', req: { method: 'PATCH', path: `${cm}?fieldManager=fz`, headers: { ...auth, 'content-type': 'application/apply-patch+yaml' }, body: Buffer.from(laughs(9, 10)) } },
      { kind: 'bomb-jsonpatch', req: { method: 'PATCH', path: cm, headers: { ...auth, 'content-type': 'application/json-patch+json' }, body: Buffer.from(JSON.stringify(copyBomb)) } },
    ];
  }
}
