// Crash-safe file replacement: write a temp file beside the target, fsync it, rename it over the
// target, then fsync the directory so the rename itself is durable. A reader (or a coordinator
// restarted after SIGKILL or power loss) sees either the old file or the new one, never a torn one.
// A failed write (a full disk: ENOSPC) removes its temp file, so failures never pile up files.
import { randomBytes } from 'node:crypto';
import { open, rename, rm, statfs } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { STATE_FILE_MODE } from './state-file-error.js';

export async function writeFileAtomic(path: string, data: string): Promise<void> {
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const fh = await open(tmp, 'w', STATE_FILE_MODE);
    try {
      await fh.writeFile(data, 'utf8');
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw err;
  }
  const dh = await open(dir, 'r');
  try {
    await dh.sync();
  } finally {
    await dh.close();
  }
}

/** True for the temp files writeFileAtomic leaves behind when the process dies mid-write. */
export function isAtomicTempFile(name: string): boolean {
  return name.startsWith('.') && name.endsWith('.tmp');
}

/** Bytes free for unprivileged writers on the file system holding `dir`, or undefined. */
export async function freeBytes(dir: string): Promise<number | undefined> {
  try {
    const s = await statfs(dir);
    return s.bavail * s.bsize;
  } catch {
    return undefined;
  }
}

/** "no space left on device (12 KiB free on the file system of /var/lib/isawatt)", or the error's message. */
export async function describeWriteError(err: unknown, path: string): Promise<string> {
  const e = err as NodeJS.ErrnoException;
  if (e.code === 'ENOSPC' || e.code === 'EDQUOT') {
    const free = await freeBytes(dirname(path));
    const what = e.code === 'ENOSPC' ? 'no space left on device' : 'disk quota exceeded';
    return `${what} (${free === undefined ? 'free space unknown' : `${Math.floor(free / 1024)} KiB free`} on the file system of ${dirname(path)}, ${e.code})`;
  }
  return e.code ? `${e.code}: ${e.message}` : String(err);
}
