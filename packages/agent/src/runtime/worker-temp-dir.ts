// Each worker gets its own temporary directory (TMPDIR; Node's os.tmpdir() and Python's tempfile
// read it), owned by the worker's user, and the agent removes it when the worker exits. A function
// cleans its own temp files when an invocation ends, but a worker killed mid-invocation (timeout,
// bag stopped, agent shutdown) never reaches its `finally`: the video-gif workers left
// /tmp/isawatt-gif-* directories owned by nobody behind, which only root could remove.
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunAs } from './catalogue.js';

/** Names are bounded and safe in a path: catalogue names are [a-z0-9-]. */
function safe(name: string): string {
  return name.replace(/[^a-zA-Z0-9-]/g, '_').slice(0, 64);
}

/** Creates the directory (mode 0700, owned by `runAs` when given) under `root` (default: the agent's tmpdir). */
export async function createWorkerTempDir(functionName: string, runAs: RunAs | undefined, root = tmpdir()): Promise<string> {
  const dir = await mkdtemp(join(root, `isawatt-worker-${safe(functionName)}-`));
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
