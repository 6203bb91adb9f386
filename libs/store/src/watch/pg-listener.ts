import { Client, ClientConfig } from 'pg';

export interface PgListenerOptions {
  connection: ClientConfig;
  /** Channel names: fixed identifiers of ours, never input. */
  channels: readonly string[];
  onNotification(channel: string, payload: string): void;
  /** After every (re)connect: whatever was sent while not listening was missed. */
  onConnected?(): void;
  /** First reconnect delay (doubles up to 30 s). */
  reconnectDelayMs?: number;
  logger?: { warn(obj: object, msg: string): void };
  /** Names the connection in logs. */
  name: string;
}

const CHANNEL = /^[a-z_][a-z0-9_]*$/;

/**
 * One dedicated LISTEN connection that reconnects with capped backoff. `epoch` identifies an
 * unbroken session, so a cache can tell whether it may have missed a notification.
 */
export class PgListener {
  private client: Client | null = null;
  private stopped = true;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private reconnectDelay: number;
  private connects = 0;

  constructor(private readonly opts: PgListenerOptions) {
    for (const c of opts.channels) if (!CHANNEL.test(c)) throw new Error(`invalid channel name ${c}`);
    this.reconnectDelay = opts.reconnectDelayMs ?? 500;
  }

  async start(): Promise<void> {
    this.stopped = false;
    await this.connect();
  }

  /** Like start, but a first connection failure is retried in the background instead of thrown. */
  startInBackground(): void {
    this.stopped = false;
    this.connect().catch((err) => {
      this.opts.logger?.warn({ err: (err as Error).message, listener: this.opts.name }, 'LISTEN connection failed; retrying');
      this.scheduleReconnect();
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    const c = this.client;
    this.client = null;
    await c?.end().catch(() => undefined);
  }

  /** Null while not listening. */
  get epoch(): number | null {
    return this.client ? this.connects : null;
  }

  private async connect(): Promise<void> {
    const client = new Client(this.opts.connection);
    client.on('notification', (n) => {
      if (n.payload !== undefined) this.opts.onNotification(n.channel, n.payload);
    });
    client.on('error', (err) => this.onLost(client, err));
    client.on('end', () => this.onLost(client, new Error('LISTEN connection ended')));
    try {
      await client.connect();
      for (const c of this.opts.channels) await client.query(`LISTEN ${c}`);
    } catch (err) {
      await client.end().catch(() => undefined);
      throw err;
    }
    if (this.stopped) return void (await client.end().catch(() => undefined));
    this.connects++;
    this.client = client;
    this.reconnectDelay = this.opts.reconnectDelayMs ?? 500;
    this.opts.onConnected?.();
  }

  private onLost(client: Client, err: Error): void {
    if (this.client !== client || this.stopped) return;
    this.client = null;
    client.end().catch(() => undefined);
    this.opts.logger?.warn({ err: err.message, listener: this.opts.name }, 'lost a LISTEN connection; reconnecting');
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.reconnectTimer) return;
    const delay = this.reconnectDelay;
    this.reconnectDelay = Math.min(delay * 2, 30_000);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      this.connect().catch((err) => {
        this.opts.logger?.warn({ err: (err as Error).message, listener: this.opts.name }, 'LISTEN reconnect failed');
        this.scheduleReconnect();
      });
    }, delay);
    this.reconnectTimer.unref();
  }
}
