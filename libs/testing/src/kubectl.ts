import { execFile } from 'node:child_process';

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** The real kubectl (KUBECTL overrides the binary, to try other versions). */
export function kubectl(kubeconfig: string, args: string[], opts: { stdin?: string; cacheDir?: string; bin?: string; env?: Record<string, string> } = {}): Promise<KubectlResult> {
  const bin = opts.bin ?? process.env.KUBECTL ?? '/usr/bin/kubectl';
  const full = ['--kubeconfig', kubeconfig, ...(opts.cacheDir ? ['--cache-dir', opts.cacheDir] : []), '--request-timeout=30s', ...args];
  return new Promise((resolve) => {
    const child = execFile(bin, full, { timeout: 60_000, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, ...opts.env } }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : 1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
    // Always close stdin: commands such as `edit` otherwise wait on it.
    child.stdin!.end(opts.stdin ?? '');
  });
}

/** Fails with kubectl's own output when the command did not succeed. */
export async function kubectlOk(kubeconfig: string, args: string[], opts: { stdin?: string; cacheDir?: string } = {}): Promise<string> {
  const r = await kubectl(kubeconfig, args, opts);
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${r.code}: ${r.stderr || r.stdout}`);
  return r.stdout;
}
