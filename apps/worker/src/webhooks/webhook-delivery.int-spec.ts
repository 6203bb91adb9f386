import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { ApiRequestCounter, controlDataSourceOptions, emitEvent, migrateControlSchema, SecretBox, verifyWebhookSignature, WebhookOutbox } from '@kplane/control';
import { WEBHOOK_DELIVERY_QUEUE, WebhookDeliveryJobData } from '@kplane/queue';
import { WorkspaceSchemas, WorkspaceStore } from '@kplane/store';
import { createTestDatabase, dropWorkspaceRoles, TestDatabase } from '@kplane/testing';
import { Job, Queue, Worker } from 'bullmq';
import * as forge from 'node-forge';
import { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { UsageMeter } from '../metering/usage-meter';
import { WorkspaceUsageReader } from '../metering/workspace-usage-reader';
import { WebhookDeliverer } from './webhook-deliverer';
import { WebhookDispatcher } from './webhook-dispatcher';
import { WebhookSender } from './webhook-sender';

/** A throwaway CA and a serving certificate for 127.0.0.1, made with node-forge. */
function testPki(): { caPem: string; certPem: string; keyPem: string } {
  const make = (cn: string, keys: forge.pki.rsa.KeyPair, issuer: { cert: forge.pki.Certificate; key: forge.pki.rsa.PrivateKey } | null, isCa: boolean) => {
    const cert = forge.pki.createCertificate();
    cert.publicKey = keys.publicKey;
    cert.serialNumber = '0' + randomBytes(8).toString('hex');
    cert.validity.notBefore = new Date(Date.now() - 60_000);
    cert.validity.notAfter = new Date(Date.now() + 24 * 3600_000);
    cert.setSubject([{ name: 'commonName', value: cn }]);
    cert.setIssuer(issuer ? issuer.cert.subject.attributes : [{ name: 'commonName', value: cn }]);
    cert.setExtensions(
      isCa
        ? [{ name: 'basicConstraints', cA: true }, { name: 'keyUsage', keyCertSign: true, cRLSign: true }]
        : [{ name: 'basicConstraints', cA: false }, { name: 'extKeyUsage', serverAuth: true }, { name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
    );
    cert.sign(issuer ? issuer.key : keys.privateKey, forge.md.sha256.create());
    return cert;
  };
  const caKeys = forge.pki.rsa.generateKeyPair(2048);
  const ca = make('kplane-test-ca', caKeys, null, true);
  const keys = forge.pki.rsa.generateKeyPair(2048);
  const cert = make('127.0.0.1', keys, { cert: ca, key: caKeys.privateKey }, false);
  return { caPem: forge.pki.certificateToPem(ca), certPem: forge.pki.certificateToPem(cert), keyPem: forge.pki.privateKeyToPem(keys.privateKey) };
}

interface Received {
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

describe('webhook delivery and usage metering (worker side)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let pool: Pool;
  let server: Server;
  let url: string;
  let pki: ReturnType<typeof testPki>;
  const received: Received[] = [];
  const answers: number[] = []; // statuses to answer, in order; 200 once empty
  const masterKey = randomBytes(32);
  const box = new SecretBox(masterKey);
  const prefix = 'kplane_t_' + randomBytes(6).toString('hex');
  const redisUrl = new URL(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379');
  // Options, not a client: BullMQ then closes the connections it opens.
  const connection = () => ({ host: redisUrl.hostname, port: Number(redisUrl.port || 6379), maxRetriesPerRequest: null });
  let queue: Queue<WebhookDeliveryJobData>;
  const tenantId = randomUUID();

  beforeAll(async () => {
    db = await createTestDatabase();
    await migrateControlSchema(db.url);
    ds = await new DataSource(controlDataSourceOptions(db.url)).initialize();
    pool = new Pool({ connectionString: db.url, max: 4 });
    pool.on('error', () => undefined); // idle clients die when the test database is dropped
    await ds.query(`INSERT INTO kplane.tenants (id, name, phase, quota) VALUES ($1, 'acme', 'Active', '{}')`, [tenantId]);
    pki = testPki();
    server = createServer({ cert: pki.certPem, key: pki.keyPem }, (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ body: Buffer.concat(chunks).toString('utf8'), headers: req.headers });
        res.statusCode = answers.shift() ?? 200;
        res.end('ok');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    queue = new Queue(WEBHOOK_DELIVERY_QUEUE, { connection: connection(), prefix });
  });

  afterAll(async () => {
    await queue?.obliterate({ force: true }).catch(() => undefined);
    await queue?.close();
    server?.closeAllConnections();
    server?.close();
    await dropWorkspaceRoles(db.url);
    await ds?.destroy();
    await pool?.end();
    await db?.drop();
  });

  const webhook = async (events: string[]) => {
    const id = randomUUID();
    const secret = 'whsec_' + randomBytes(16).toString('hex');
    await ds.query(`INSERT INTO kplane.webhooks (id, tenant_id, url, events, secret_encrypted, created_at) VALUES ($1, $2, $3, $4, $5, now() - interval '1 minute')`, [id, tenantId, url, events, box.encrypt(secret)]);
    return { id, secret };
  };

  const outbox = () => new WebhookOutbox(ds);
  const dispatcher = () => new WebhookDispatcher(outbox(), queue, { maxAttempts: 4, retryBaseMs: 200, reenqueueGraceSeconds: 30 });
  const startWorker = (extraCaPem: string | null = pki.caPem) => {
    const deliverer = new WebhookDeliverer(outbox(), box, new WebhookSender({ timeoutMs: 10_000, extraCaPem }));
    const worker = new Worker<WebhookDeliveryJobData>(
      WEBHOOK_DELIVERY_QUEUE,
      async (job: Job<WebhookDeliveryJobData>) => deliverer.deliver(job.data.deliveryId, { number: job.attemptsMade + 1, max: job.opts.attempts ?? 1 }),
      { connection: connection(), prefix, concurrency: 4 },
    );
    worker.on('error', () => undefined);
    return worker;
  };
  const until = async (cond: () => Promise<boolean> | boolean, ms = 20_000) => {
    const end = Date.now() + ms;
    while (!(await cond())) {
      if (Date.now() > end) throw new Error('timed out');
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const delivery = async (eventId: string, webhookId: string) =>
    (await ds.query(`SELECT status, attempts, last_status_code FROM kplane.webhook_deliveries WHERE event_id = $1 AND webhook_id = $2`, [eventId, webhookId]))[0] as
      | { status: string; attempts: number; last_status_code: number }
      | undefined;

  it('delivers a signed CloudEvent over verified TLS, retrying after a 503', async () => {
    const hook = await webhook(['workspace.provisioned']);
    const workspaceId = randomUUID();
    const eventId = await emitEvent(ds, { type: 'workspace.provisioned', tenantId, workspaceId, subject: 'tenants/acme/workspaces/dev', data: { workspace: { id: workspaceId, name: 'dev' } }, dedupeKey: `t1:${workspaceId}` });
    expect(eventId).not.toBeNull();
    // Same dedupe key: nothing new.
    expect(await emitEvent(ds, { type: 'workspace.provisioned', tenantId, data: {}, dedupeKey: `t1:${workspaceId}` })).toBeNull();
    answers.push(503);
    const worker = startWorker();
    try {
      expect(await dispatcher().dispatch()).toMatchObject({ fannedOut: 1, enqueued: 1 });
      await until(async () => (await delivery(eventId!, hook.id))?.status === 'Delivered');
    } finally {
      await worker.close();
    }
    const mine = received.filter((r) => r.headers['x-kplane-event-id'] === eventId);
    expect(mine).toHaveLength(2);
    for (const r of mine) {
      expect(verifyWebhookSignature(hook.secret, r.body, r.headers['x-kplane-signature'] as string)).toBe(true);
      expect(verifyWebhookSignature('whsec_wrong', r.body, r.headers['x-kplane-signature'] as string)).toBe(false);
      expect(r.headers['content-type']).toBe('application/cloudevents+json');
      expect(Number(r.headers['x-kplane-timestamp'])).toBeGreaterThan(Date.now() / 1000 - 60);
    }
    const event = JSON.parse(mine[1]!.body);
    expect(event).toMatchObject({ specversion: '1.0', id: eventId, source: 'kplane', type: 'io.kplane.workspace.provisioned', subject: 'tenants/acme/workspaces/dev', datacontenttype: 'application/json', data: { workspace: { id: workspaceId, name: 'dev' } } });
    const log: { attempt: number; status_code: number; error: string | null }[] = await ds.query(`SELECT attempt, status_code, error FROM kplane.webhook_delivery_attempts WHERE webhook_id = $1 ORDER BY attempt`, [hook.id]);
    expect(log).toEqual([
      { attempt: 1, status_code: 503, error: expect.stringContaining('503') },
      { attempt: 2, status_code: 200, error: null },
    ]);
  });

  it('refuses a receiver whose CA is not trusted (no TLS bypass) and ends Failed after the last attempt', async () => {
    const hook = await webhook(['workspace.deleted']);
    const eventId = await emitEvent(ds, { type: 'workspace.deleted', tenantId, data: {} });
    const worker = startWorker(null);
    try {
      await dispatcher().dispatch();
      await until(async () => (await delivery(eventId!, hook.id))?.status === 'Failed');
    } finally {
      await worker.close();
    }
    expect(received.some((r) => r.headers['x-kplane-event-id'] === eventId)).toBe(false);
    const d = await delivery(eventId!, hook.id);
    expect(d!.attempts).toBe(4);
    const log: { error: string }[] = await ds.query(`SELECT error FROM kplane.webhook_delivery_attempts WHERE event_id = $1`, [eventId]);
    expect(log[0]!.error).toMatch(/certificate|self.signed|issuer/i);
  });

  it('loses nothing across a worker restart: outbox rows and queued jobs are delivered by the next worker', async () => {
    const hook = await webhook(['workspace.suspended']);
    // Worker 1 goes away; events are written meanwhile (one already enqueued, one only in the outbox).
    const first = startWorker();
    await first.close();
    const queued = await emitEvent(ds, { type: 'workspace.suspended', tenantId, data: { n: 1 } });
    await dispatcher().dispatch();
    const onlyOutbox = await emitEvent(ds, { type: 'workspace.suspended', tenantId, data: { n: 2 } });
    // Redis loses the queued job too (as if flushed): the sweep re-enqueues it after the grace.
    await queue.obliterate({ force: true });
    await ds.query(`UPDATE kplane.webhook_deliveries SET enqueued_at = now() - interval '1 hour' WHERE event_id = $1`, [queued]);
    const second = startWorker();
    try {
      expect(await dispatcher().dispatch()).toMatchObject({ fannedOut: 1, enqueued: 2 });
      await until(async () => (await delivery(queued!, hook.id))?.status === 'Delivered' && (await delivery(onlyOutbox!, hook.id))?.status === 'Delivered');
    } finally {
      await second.close();
    }
    expect(received.filter((r) => r.headers['x-kplane-event-id'] === queued)).toHaveLength(1);
    expect(received.filter((r) => r.headers['x-kplane-event-id'] === onlyOutbox)).toHaveLength(1);
  });

  it('meters workspaces: objects, storage, requests by verb since the last sample, open watches; emits usage.sampled', async () => {
    const hook = await webhook(['usage.sampled']);
    const workspaceId = randomUUID();
    await ds.query(`INSERT INTO kplane.workspaces (id, tenant_id, name, phase, shard) VALUES ($1, $2, 'dev', 'Ready', 'default')`, [workspaceId, tenantId]);
    const schemas = new WorkspaceSchemas(pool);
    await schemas.ensureRole(workspaceId);
    await schemas.ensureSchema(workspaceId);
    await schemas.applyDdl(workspaceId);
    const store = new WorkspaceStore(pool, workspaceId);
    for (let i = 0; i < 3; i++) await store.create('configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${i}`, namespace: 'default', uid: randomUUID() } });
    await store.create('secrets', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'default', uid: randomUUID() } });

    const counter = new ApiRequestCounter({ instanceId: 'apiserver-test' });
    for (let i = 0; i < 5; i++) counter.count(workspaceId, 'get');
    counter.count(workspaceId, 'LIST', 2);
    counter.reportOpenWatches(workspaceId, 3);
    await counter.flush(pool);
    counter.count(workspaceId, 'get');
    await counter.flush(pool); // a second batch adds to the same window row
    expect(counter.pending()).toBe(0);

    const meter = new UsageMeter(ds, new WorkspaceUsageReader(pool), { watchStaleSeconds: 60 });
    const first = await meter.run(new Date('2030-01-01T00:00:00Z'));
    expect(first).toMatchObject({ sampled: 1, failed: [], events: 1 });
    const rows: { objects: string; storage_bytes: string; api_requests: Record<string, number>; api_requests_total: string; open_watches: number; by_resource: Record<string, number> }[] = await ds.query(
      `SELECT objects, storage_bytes, api_requests, api_requests_total, open_watches, by_resource FROM kplane.usage_samples WHERE workspace_id = $1 ORDER BY sampled_at`,
      [workspaceId],
    );
    expect(Number(rows[0]!.objects)).toBeGreaterThanOrEqual(4);
    expect(Number(rows[0]!.storage_bytes)).toBeGreaterThan(0);
    expect(rows[0]!.api_requests).toEqual({ get: 6, list: 2 });
    expect(Number(rows[0]!.api_requests_total)).toBe(8);
    expect(rows[0]!.open_watches).toBe(3);
    expect(rows[0]!.by_resource).toMatchObject({ configmaps: 3, secrets: 1 });

    // Requests are counted once: the next sample has only what came since.
    counter.count(workspaceId, 'create');
    counter.reportOpenWatches(workspaceId, 0);
    await counter.flush(pool);
    await meter.run(new Date('2030-01-01T00:01:00Z'));
    const second: { api_requests: Record<string, number>; open_watches: number }[] = await ds.query(
      `SELECT api_requests, open_watches FROM kplane.usage_samples WHERE workspace_id = $1 ORDER BY sampled_at DESC LIMIT 1`,
      [workspaceId],
    );
    expect(second[0]).toEqual({ api_requests: { create: 1 }, open_watches: 0 });
    expect((await ds.query(`SELECT count(*)::int AS n FROM kplane.api_request_counts`))[0].n).toBe(0);

    // usage.sampled reaches the subscriber.
    const worker = startWorker();
    try {
      await dispatcher().dispatch();
      // Each metering run emits one usage.sampled; deliveries run concurrently, so wait for both.
      await until(() => received.filter((r) => JSON.parse(r.body).type === 'io.kplane.usage.sampled').length >= 2);
    } finally {
      await worker.close();
    }
    const sampled = received.map((r) => ({ r, e: JSON.parse(r.body) })).filter((x) => x.e.type === 'io.kplane.usage.sampled');
    const ev = sampled.find((x) => x.e.data.workspaces[0]?.apiRequests?.get === 6)!;
    expect(ev).toBeDefined();
    expect(verifyWebhookSignature(hook.secret, ev.r.body, ev.r.headers['x-kplane-signature'] as string)).toBe(true);
    expect(ev.e.data.workspaces[0]).toMatchObject({ id: workspaceId, name: 'dev', apiRequests: { get: 6, list: 2 }, openWatches: 3 });
  });
});
