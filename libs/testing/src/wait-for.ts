export interface WaitOptions {
  timeoutMs?: number;
  intervalMs?: number;
  /** Printed on timeout: what is still pending. */
  describe?: () => string;
}

/** A bounded wait: polls until `check` is true, or fails naming what it waited for. */
export async function waitFor(what: string, check: () => Promise<boolean>, opts: WaitOptions = {}): Promise<void> {
  const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      if (await check()) return;
    } catch (err) {
      lastError = err;
    }
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 200));
  }
  const detail = opts.describe ? `\n${opts.describe().slice(-6000)}` : '';
  throw new Error(`timed out waiting for ${what}${lastError ? ` (last error: ${(lastError as Error).message})` : ''}${detail}`);
}
