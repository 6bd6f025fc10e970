// Waiting for an event in a test: poll a condition until it holds, with one generous overall bound
// (a loaded 2-CPU CI machine can be slow by seconds) on a monotonic clock. A test waits for what it
// needs (a message, a count, a file), never for a fixed time that stands for it.
import { setTimeout as sleep } from 'node:timers/promises';

/** Resolves once `cond` holds; rejects naming `what` after `timeoutMs` (default 30 s). */
export async function waitUntil(what: string, cond: () => boolean | Promise<boolean>, timeoutMs = 30_000, everyMs = 10): Promise<void> {
  const deadline = performance.now() + timeoutMs; // monotonic: Date.now() can step
  while (!(await cond())) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}
