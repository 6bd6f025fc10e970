// Whether a process has ended, read from /proc: the one check the runtime and exit-with-parent
// tests share when they wait for workers and daemons to go.
import { readFileSync } from 'node:fs';

/** Gone, or a zombie (dead; this container's init does not reap orphans). */
export function isDead(pid: number): boolean {
  try {
    return /^State:\s*[ZX]/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return true;
  }
}
