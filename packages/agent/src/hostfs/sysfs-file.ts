// Reading sensor files under a configurable root, with errors that name the file and say what was
// wrong and how to fix it. Every meter and frequency reader goes through here so that an
// unreadable, missing or garbage file always produces the same precise message.
import { SensorUnavailableError } from '@isawatt/common';
import { readFile } from 'node:fs/promises';

/** Reads a whole text file. Injected in tests that need an errno root cannot produce (EACCES as root). */
export type TextFileReader = (path: string) => Promise<string>;

export const readTextFile: TextFileReader = (path) => readFile(path, 'utf8');

/** What went wrong with one file, as one lowercase phrase. `hint` is appended to permission errors. */
export function describeReadError(err: unknown, hint?: string): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return 'missing (no such file, or a dangling symlink)';
    case 'EACCES':
    case 'EPERM':
      return `permission denied (${code})${hint ? `: ${hint}` : ''}`;
    case 'EISDIR':
      return 'is a directory, expected a file';
    case 'ENODATA':
      return 'no data (ENODATA: the firmware marked the reading invalid)';
    case 'EIO':
      return 'i/o error (EIO: the driver failed to read the register)';
    case 'ETIMEDOUT':
      return 'timed out (ETIMEDOUT: the firmware mailbox did not answer)';
    case undefined:
      return `unreadable (${err instanceof Error ? err.message : String(err)})`;
    default:
      return `unreadable (${code})`;
  }
}

/** A failed read or parse of one file: `path` and `problem` are what every warning prints. */
export class SensorFileError extends Error {
  override readonly name = 'SensorFileError';
  constructor(
    readonly path: string,
    readonly problem: string,
    options?: { cause?: unknown },
  ) {
    super(`${path}: ${problem}`, options);
  }

  /** The same failure as the SensorUnavailableError a meter's init throws. */
  toUnavailable(sensor: string, context?: string): SensorUnavailableError {
    return new SensorUnavailableError(sensor, this.path, context ? `${context}: ${this.problem}` : this.problem, { cause: this });
  }
}

/** Reads a file and trims the trailing newline; throws SensorFileError naming the file. */
export async function readTrimmed(path: string, read: TextFileReader = readTextFile, hint?: string): Promise<string> {
  try {
    return (await read(path)).trim();
  } catch (err) {
    throw new SensorFileError(path, describeReadError(err, hint), { cause: err });
  }
}

/** Parses an unsigned decimal integer (sysfs counters are uint64: bigint). */
export function parseU64(text: string, path: string, unit: string): bigint {
  if (!/^\d{1,20}$/.test(text)) {
    const shown = text.length > 40 ? `${text.slice(0, 40)}…` : text;
    throw new SensorFileError(path, `expected an unsigned decimal integer in ${unit}, got "${shown}"`);
  }
  const v = BigInt(text);
  if (v > 0xffff_ffff_ffff_ffffn) throw new SensorFileError(path, `value ${text} exceeds 64 bits`);
  return v;
}

/** Reads and parses a uint64 file. */
export async function readU64(path: string, unit: string, read: TextFileReader = readTextFile, hint?: string): Promise<bigint> {
  return parseU64(await readTrimmed(path, read, hint), path, unit);
}

/** Reads a file that may be absent: undefined when missing, SensorFileError for other failures. */
export async function readOptionalTrimmed(path: string, read: TextFileReader = readTextFile): Promise<string | undefined> {
  try {
    return (await read(path)).trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new SensorFileError(path, describeReadError(err), { cause: err });
  }
}
