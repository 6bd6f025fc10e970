// What a run record says about the software that produced it: the git commit of the checkout
// (when there is one), isawatt's and Node's versions.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { COORDINATOR_VERSION } from '../version.js';

let cached: string | undefined;

/** The checkout's commit (with "-dirty" when it has changes), or "unknown" outside a git checkout. */
export function sourceCommit(): string {
  if (cached !== undefined) return cached;
  const cwd = fileURLToPath(new URL('.', import.meta.url));
  try {
    const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000 }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 5000,
    }).trim();
    cached = dirty ? `${head}-dirty` : head;
  } catch {
    cached = 'unknown';
  }
  return cached;
}

export function versions(): Record<string, string> {
  return { isawatt: COORDINATOR_VERSION, node: process.version, commit: sourceCommit() };
}
