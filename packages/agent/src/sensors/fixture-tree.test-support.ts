// Test support (imported only by *.test.ts): paths of the checked-in sysfs fixtures and a writable
// copy of one for tests that rewrite counters between reads.
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const TESTDATA = fileURLToPath(new URL('../../testdata/', import.meta.url));

export function fixture(name: string): string {
  return join(TESTDATA, `sys-${name}`);
}

export interface FixtureCopy {
  readonly root: string;
  write(rel: string, content: string): Promise<void>;
  remove(): Promise<void>;
}

/** Copies sys-<name> (symlinks kept as they are) into a temp dir. */
export async function copyFixture(name: string): Promise<FixtureCopy> {
  const dir = await mkdtemp(join(tmpdir(), `isawatt-${name}-`));
  const root = join(dir, 'sys');
  await cp(fixture(name), root, { recursive: true, verbatimSymlinks: true });
  return {
    root,
    write: (rel, content) => writeFile(join(root, rel), `${content}\n`),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
