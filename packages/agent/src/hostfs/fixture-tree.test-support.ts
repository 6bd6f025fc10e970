// Test support (imported only by *.test.ts): paths of the checked-in sysfs fixtures and a writable
// copy of one for tests that rewrite counters between reads.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const TESTDATA = fileURLToPath(new URL('../../testdata/', import.meta.url));

export function fixture(name: string): string {
  return join(TESTDATA, `sys-${name}`);
}

export interface FixtureCopy {
  readonly root: string;
  write(rel: string, content: string): Promise<void>;
  remove(): Promise<void>;
}

/**
 * Copies sys-<name> into a temp dir with `cp -a` (symlinks kept as they are; several times faster
 * than fs.cp on the 128-core trees). `only` limits the copy to these relative paths.
 */
export async function copyFixture(name: string, only?: readonly string[]): Promise<FixtureCopy> {
  const dir = await mkdtemp(join(tmpdir(), `isawatt-${name}-`));
  const root = join(dir, 'sys');
  if (only === undefined) {
    await run('cp', ['-a', fixture(name), root]);
  } else {
    for (const rel of only) {
      await mkdir(dirname(join(root, rel)), { recursive: true });
      await run('cp', ['-a', join(fixture(name), rel), join(root, rel)]);
    }
  }
  return {
    root,
    write: (rel, content) => writeFile(join(root, rel), `${content}\n`),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
