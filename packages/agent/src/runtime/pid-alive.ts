// Whether a process exists, for the start-up cleanup of what a SIGKILLed agent left behind (its
// emulated trees and its workers' temp dirs carry the pid of the agent that made them).

/** True while a process with this pid exists (signal 0 probes without signalling). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
