// The built apps (dist/apps/<app>/src/main.js) as real child processes, for the e2e and fault tests
// (platform.ts) and for the benchmarks (bench/lib/platform.ts, which imports this file by path:
// it is built into dist/ with the bench, unlike the rest of libs/testing).
import { ChildProcess, spawn } from 'node:child_process';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';
import { waitFor } from './wait-for';

export type PlatformApp = 'api' | 'apiserver' | 'worker';

export interface AppProcessOptions {
  /** The folder holding apps/<app>/src/main.js. */
  distRoot: string;
  /** Environment of every app. */
  env: Record<string, string>;
  /** Node options of an app (e.g. --cpu-prof). */
  nodeArgs?: (app: PlatformApp) => string[];
  /** Called when an app exits without kill() or stop() asking it to. */
  onUnexpectedExit?: (app: PlatformApp, codeOrSignal: number | string | null) => void;
  /** logs() keeps at most the last this many characters (default: all). */
  outputLimit?: number;
}

/** Starts, signals and stops the apps, and keeps their output for failure messages. */
export class AppProcesses {
  private readonly children = new Map<PlatformApp, ChildProcess>();
  private readonly appOutput = new Map<PlatformApp, string>();
  /** Exits that kill() or stop() asked for, so they are not reported as unexpected. */
  private readonly expectedExit = new Set<ChildProcess>();
  private output = '';

  constructor(private readonly opts: AppProcessOptions) {}

  /** Starts an app (not already running), with extra env for this start only. */
  start(app: PlatformApp, appEnv: Record<string, string> = {}): void {
    if (this.pid(app) !== null) throw new Error(`${app} is already running`);
    const main = join(this.opts.distRoot, 'apps', app, 'src', 'main.js');
    const child = spawn(process.execPath, [...(this.opts.nodeArgs?.(app) ?? []), main], { env: { ...this.opts.env, ...appEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
    this.appOutput.set(app, '');
    const tag = (chunk: Buffer) => {
      const text = chunk.toString();
      this.appOutput.set(app, this.bounded((this.appOutput.get(app) ?? '') + text));
      this.log(text.split('\n').filter(Boolean).map((l) => `[${app}] ${l}\n`).join(''));
    };
    child.stdout!.on('data', tag);
    child.stderr!.on('data', tag);
    child.once('exit', (code, signal) => {
      if (!this.expectedExit.delete(child)) this.opts.onUnexpectedExit?.(app, code ?? signal);
    });
    this.children.set(app, child);
  }

  /**
   * Starts the management API and waits until it answers (it migrates the control schema, which
   * the other two expect), then the apiserver and the worker; resolves once the apiserver listens.
   */
  async startAll(apiUrl: string, apiserverPort: number, appEnv: Partial<Record<PlatformApp, Record<string, string>>> = {}): Promise<void> {
    this.start('api', appEnv.api);
    await waitFor('management API /healthz', async () => (await fetch(`${apiUrl}/healthz`)).ok, { timeoutMs: 60_000, describe: () => this.output });
    this.start('apiserver', appEnv.apiserver);
    this.start('worker', appEnv.worker);
    await waitFor('apiserver port', () => canConnect(apiserverPort), { timeoutMs: 60_000, describe: () => this.output });
  }

  /** Sends a signal and waits until the process has exited; resolves with its exit code or signal. */
  kill(app: PlatformApp, signal: NodeJS.Signals = 'SIGKILL'): Promise<number | string | null> {
    const c = this.children.get(app);
    if (!c || c.exitCode !== null || c.signalCode !== null) return Promise.resolve(c ? (c.exitCode ?? c.signalCode) : null);
    this.expectedExit.add(c);
    return new Promise((done) => {
      c.once('exit', (code, sig) => done(code ?? sig));
      c.kill(signal);
    });
  }

  /** SIGTERM to every app (a graceful shutdown), SIGKILL to those still running 10 s later. */
  async stop(): Promise<void> {
    await Promise.all(
      [...this.children.values()].map(
        (c) =>
          new Promise<void>((done) => {
            if (c.exitCode !== null || c.signalCode !== null) return done();
            this.expectedExit.add(c);
            const timer = setTimeout(() => c.kill('SIGKILL'), 10_000);
            c.once('exit', () => (clearTimeout(timer), done()));
            c.kill('SIGTERM');
          }),
      ),
    );
  }

  /** The pid of an app's current process (null when it is not running). */
  pid(app: PlatformApp): number | null {
    const c = this.children.get(app);
    return c && c.exitCode === null && c.signalCode === null ? (c.pid ?? null) : null;
  }

  /** Output of every app, each line tagged with the app. */
  logs(): string {
    return this.output;
  }

  /** Output of one app since it was last (re)started. */
  appLogs(app: PlatformApp): string {
    return this.appOutput.get(app) ?? '';
  }

  /** Adds a line of the caller's own to logs(). */
  log(text: string): void {
    this.output = this.bounded(this.output + text);
  }

  private bounded(text: string): string {
    const limit = this.opts.outputLimit;
    return limit !== undefined && text.length > limit ? text.slice(-limit) : text;
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolvePort(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((done) => {
    const sock = connect(port, '127.0.0.1');
    sock.once('connect', () => (sock.destroy(), done(true)));
    sock.once('error', () => done(false));
  });
}
