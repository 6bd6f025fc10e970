// Small readers for procfs/sysfs text files under a configurable root. They return undefined for a
// missing file (absence is information: a VM without topology files) and throw only for the odd
// cases a caller must see (permission errors are reported as undefined plus a reason).
import { readFile } from 'node:fs/promises';

export interface ReadOutcome {
  readonly text: string | undefined;
  /** Why text is undefined ("ENOENT", "EACCES"); undefined when read. */
  readonly reason: string | undefined;
}

export async function readText(path: string): Promise<ReadOutcome> {
  try {
    return { text: await readFile(path, 'utf8'), reason: undefined };
  } catch (err) {
    return { text: undefined, reason: (err as NodeJS.ErrnoException).code ?? String(err) };
  }
}

export async function readBytes(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch {
    return undefined;
  }
}

/** A small non-negative integer file ("3\n"); undefined when missing or not an integer. -1 is kept (arm64 without PPTT). */
export async function readIntFile(path: string): Promise<number | undefined> {
  const { text } = await readText(path);
  if (text === undefined) return undefined;
  const t = text.trim();
  if (!/^-?\d+$/.test(t)) return undefined;
  return Number(t);
}
