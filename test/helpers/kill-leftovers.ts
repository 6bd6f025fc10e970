// The safety net of tests whose subject is that processes exit and remove their cgroups on their
// own (a SIGKILLed parent): if that mechanism fails, the test still must not leave daemons, workers
// or cgroups behind for the next one. Runs from t.after, so it never throws.
import { rmdirSync } from 'node:fs';
import { eventually } from './processes.js';

/**
 * SIGKILLs every pid still running, then removes the directories `cgroupDirs()` lists (deepest
 * first), retrying for up to 20 s: a killed task leaves its cgroup an instant after it dies.
 */
export async function killLeftovers(pids: Iterable<number>, cgroupDirs: () => readonly string[], what: string): Promise<void> {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  await eventually(
    `leftover cgroups of ${what} removed`,
    () => {
      for (const d of cgroupDirs()) {
        try {
          rmdirSync(d);
        } catch {
          // a task still leaving it; the next round retries
        }
      }
      return cgroupDirs().length === 0 ? true : undefined;
    },
    20_000,
    100,
  ).catch(() => undefined);
}
