/**
 * KPLANE_TEST_PAUSE_AT_STEP (honoured only with NODE_ENV=test): before the named step the job
 * stops for good, after logging PAUSE_MARKER, so a fault test can SIGKILL the worker exactly there.
 * Besides step names, 'succeed' pauses after the last step, before the operation is marked Succeeded.
 */
export const PAUSE_MARKER = 'kplane-test-paused-at-step';

export function pauseHook(
  pauseAt: string | null,
  warn: (obj: Record<string, unknown>, msg: string) => void,
): ((step: string) => Promise<void>) | undefined {
  if (!pauseAt) return undefined;
  return async (step: string) => {
    if (step !== pauseAt) return;
    warn({ step }, `${PAUSE_MARKER}=${step}`);
    await new Promise<never>(() => undefined);
  };
}
