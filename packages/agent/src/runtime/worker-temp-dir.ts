// Each worker gets its own temporary directory (TMPDIR; Node's os.tmpdir() and Python's tempfile
// read it), owned by the worker's user, and the agent removes it when the worker exits. A function
// cleans its own temp files when an invocation ends, but a worker killed mid-invocation (timeout,
// bag stopped, agent shutdown) never reaches its `finally`: the video-gif workers left
// /tmp/isawatt-gif-* directories owned by nobody behind, which only root could remove.
// An agent killed with SIGKILL cannot remove them either: each name carries the agent's subtree
// and pid (isawatt-worker-<subtree>-p<pid>-<function>-XXXXXX), and the next start of the agent
// with the same subtree removes those of dead agents (removeStaleWorkerTempDirs), and only those.
import { chown, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunAs } from './catalogue.js';
import { pidAlive } from './pid-alive.js';

/** Names are bounded and safe in a path: catalogue names are [a-z0-9-]. */
function safe(name: string): string {
  return name.replace(/[^a-zA-Z0-9-]/g, '_').slice(0, 64);
}

/** The start of the names of this agent's worker temp dirs: its subtree and its pid. */
export function workerTempPrefix(subtree: string, pid: number = process.pid): string {
  return `isawatt-worker-${safe(subtree)}-p${pid}-`;
}

/**
 * Removes the worker temp dirs that agents of `subtree` left under `root` when they died (their pid
 * is gone); returns what it removed. Directories of other subtrees and of live agents stay.
 */
export async function removeStaleWorkerTempDirs(subtree: string, root = tmpdir(), alive: (pid: number) => boolean = pidAlive): Promise<string[]> {
  const re = new RegExp(`^isawatt-worker-${safe(subtree).replace(/-/g, '\\-')}-p(\\d+)-`);
  const removed: string[] = [];
  for (const name of await readdir(root).catch(() => [] as string[])) {
    const m = re.exec(name);
    if (!m || Number(m[1]) === process.pid || alive(Number(m[1]))) continue;
    await rm(join(root, name), { recursive: true, force: true });
    removed.push(join(root, name));
  }
  return removed;
}

/** Creates the directory (mode 0700, owned by `runAs` when given) under `root` (default: the agent's tmpdir). */
export async function createWorkerTempDir(
  functionName: string,
  runAs: RunAs | undefined,
  prefix: string = workerTempPrefix('isawatt'),
  root = tmpdir(),
): Promise<string> {
  const dir = await mkdtemp(join(root, `${prefix}${safe(functionName)}-`));
  try {
    if (runAs !== undefined) await chown(dir, runAs.uid, runAs.gid);
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  return dir;
}

/** Removes it with everything the worker left inside. */
export function removeWorkerTempDir(dir: string): Promise<void> {
  return rm(dir, { recursive: true, force: true });
}
