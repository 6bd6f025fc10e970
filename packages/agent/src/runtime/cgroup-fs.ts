// Small cgroupfs file operations with errors that name the file. Works the same on the real
// /sys/fs/cgroup and on a fake tree of plain files in a temp dir (unit tests of path logic): the
// only difference handled here is that a fake cgroup directory holds regular files, which rmdir
// will not remove (ENOTEMPTY), while the kernel removes a cgroup's control files itself.
import { mkdir, readdir, readFile, rmdir, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { errorMessage } from '@isawatt/common';

export class CgroupError extends Error {
  override readonly name = 'CgroupError';
  constructor(
    readonly path: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`cgroup: ${message} (${path})`, options);
  }
}

export async function exists(path: string): Promise<boolean> {
  try {
    await readdir(path);
    return true;
  } catch {
    return false;
  }
}

export async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** Writes a control file; a kernel refusal (ENOSPC, EBUSY, EINVAL) becomes a CgroupError. */
export async function writeControl(path: string, value: string): Promise<void> {
  try {
    await writeFile(path, value);
  } catch (err) {
    throw new CgroupError(path, `cannot write "${value}": ${errorMessage(err)}`, { cause: err });
  }
}

export async function makeCgroup(path: string): Promise<void> {
  try {
    await mkdir(path, { recursive: true });
  } catch (err) {
    throw new CgroupError(path, `cannot create: ${errorMessage(err)}`, { cause: err });
  }
}

/** PIDs listed in a cgroup's cgroup.procs (empty when the file is absent). */
export async function readProcs(dir: string): Promise<number[]> {
  const text = await readText(join(dir, 'cgroup.procs'));
  if (text === undefined) return [];
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => /^\d+$/.test(l))
    .map(Number);
}

/** Child cgroup directories of a cgroup. */
export async function childCgroups(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => join(dir, d.name));
  } catch {
    return [];
  }
}

/** Removes one (empty) cgroup directory. Fake trees: drop the plain files first. */
async function removeOne(dir: string): Promise<void> {
  try {
    await rmdir(dir);
    return;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return;
    if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw new CgroupError(dir, `cannot remove: ${errorMessage(err)}`, { cause: err });
  }
  for (const d of await readdir(dir, { withFileTypes: true })) {
    if (d.isFile()) await unlink(join(dir, d.name));
  }
  await rmdir(dir);
}

export interface RemoveTreeOptions {
  /** Sends SIGKILL to a pid still in the tree (injected so fake-tree tests kill nothing real). */
  readonly kill: (pid: number) => void;
  /** How long to wait for killed processes to leave the cgroups. */
  readonly waitMs?: number;
}

/**
 * Kills every process in a cgroup subtree, waits until the cgroups are empty, then removes them
 * bottom-up. Returns the pids it killed. Missing directories are fine (already gone).
 */
export async function removeTree(dir: string, opts: RemoveTreeOptions): Promise<number[]> {
  if (!(await exists(dir))) return [];
  const dirs: string[] = [];
  const walk = async (d: string): Promise<void> => {
    dirs.push(d);
    for (const c of await childCgroups(d)) await walk(c);
  };
  await walk(dir);
  const killed: number[] = [];
  for (const d of dirs) {
    for (const pid of await readProcs(d)) {
      opts.kill(pid);
      killed.push(pid);
    }
  }
  const deadline = Date.now() + (opts.waitMs ?? 3000);
  for (const d of dirs.reverse()) {
    for (;;) {
      try {
        await removeOne(d);
        break;
      } catch (err) {
        // EBUSY: a killed process has not left yet (or a new one arrived): kill again, retry.
        if (Date.now() > deadline) throw err;
        for (const pid of await readProcs(d)) opts.kill(pid);
        await new Promise((r) => setTimeout(r, 20));
      }
    }
  }
  return killed;
}

/** process.kill(pid, SIGKILL), ignoring processes that are already gone. */
export function killPid(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // ESRCH: already gone.
  }
}
