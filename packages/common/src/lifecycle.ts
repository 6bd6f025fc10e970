// Daemon lifecycle, after Kepler's service/run.go and Temporal's runtime.ts: services init in order,
// run concurrently, the first to return or throw aborts the rest, and every service's shutdown runs
// whatever happened. SIGINT/SIGTERM start a graceful stop bounded by `shutdownGraceMs`; a second
// signal forces the exit at once.
import type { Logger } from 'pino';

export interface Service {
  /** kebab-case; reused as the log `component`. */
  readonly name: string;
  init?(): Promise<void>;
  /** Runs until `signal` aborts (then returns promptly) or until it fails (then throws). */
  run(signal: AbortSignal): Promise<void>;
  shutdown?(): Promise<void>;
}

export interface RunServicesOptions {
  log: Logger;
  /** Bound on the whole graceful stop (run return + shutdowns), in ms. */
  shutdownGraceMs?: number;
  /** Install SIGINT/SIGTERM handlers (default true). */
  handleSignals?: boolean;
  /** Called when the grace period ends or a second signal arrives (default: process.exit(1)). */
  onForce?: (reason: string) => void;
}

/**
 * Runs services until one returns, throws, or a signal arrives. Resolves with the reason; rejects
 * only if init failed (after shutting down what had started).
 */
export async function runServices(services: readonly Service[], opts: RunServicesOptions): Promise<string> {
  const { log } = opts;
  const graceMs = opts.shutdownGraceMs ?? 10_000;
  const controller = new AbortController();
  const started: Service[] = [];
  let stopReason = 'completed';
  let forceTimer: NodeJS.Timeout | undefined;
  const force =
    opts.onForce ??
    ((reason: string) => {
      log.error({ reason }, 'forced exit');
      process.exit(1);
    });

  const onSignal = (sig: NodeJS.Signals): void => {
    if (controller.signal.aborted) {
      force(`second ${sig}`);
      return;
    }
    log.info({ signal: sig }, 'stopping');
    stopReason = sig;
    controller.abort(new Error(`received ${sig}`));
  };
  if (opts.handleSignals !== false) {
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }
  controller.signal.addEventListener('abort', () => {
    forceTimer = setTimeout(() => force(`shutdown took longer than ${graceMs} ms`), graceMs);
    forceTimer.unref();
  });

  const shutdownAll = async (): Promise<void> => {
    for (const s of [...started].reverse()) {
      try {
        await s.shutdown?.();
      } catch (err) {
        log.error({ component: s.name, err }, 'shutdown failed');
      }
    }
  };

  try {
    for (const s of services) {
      started.push(s);
      await s.init?.();
    }
  } catch (err) {
    controller.abort(err);
    await shutdownAll();
    cleanup();
    throw err;
  }

  const runs = services.map(async (s) => {
    try {
      await s.run(controller.signal);
      if (!controller.signal.aborted) {
        stopReason = `${s.name} finished`;
        controller.abort(new Error(stopReason));
      }
    } catch (err) {
      if (!controller.signal.aborted) {
        log.error({ component: s.name, err }, 'service failed');
        stopReason = `${s.name} failed`;
        controller.abort(err);
      }
    }
  });
  await Promise.all(runs);
  await shutdownAll();
  cleanup();
  return stopReason;

  function cleanup(): void {
    if (forceTimer) clearTimeout(forceTimer);
    if (opts.handleSignals !== false) {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  }
}
