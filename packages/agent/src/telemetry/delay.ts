// A referenced, abortable delay. The common `sleep` unrefs its timer (fine for retries); the tick
// loop is what keeps a daemon alive, so its timer must hold the event loop. Resolves false when
// aborted instead of throwing: stopping is the normal way out of a loop.
export function delay(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) {
      resolve(false);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
