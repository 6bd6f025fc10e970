// The one abortable sleep of isawatt (tick loops, reconnect backoff, the `run` command's warm-up and
// measuring window). Its timer is referenced: a loop waiting here is what keeps a daemon alive.
// Resolves false when aborted instead of throwing: stopping is the normal way out of a loop.

/** Resolves true after `ms`, or false as soon as `signal` aborts (at once if it already has). */
export function delay(ms: number, signal?: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted === true) {
      resolve(false);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
