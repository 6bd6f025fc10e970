// A temporary directory for one test, removed after it. Processes the test spawned through
// processes.ts are stopped first, whatever order the hooks were registered in, so a coordinator
// still writing its state directory cannot make the removal fail with ENOTEMPTY.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stopSpawned, type Cleanup } from './processes.js';

export async function tempDir(t: Cleanup, prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  t.after(async () => {
    await stopSpawned();
    await rm(dir, { recursive: true, force: true, maxRetries: 5 });
  });
  return dir;
}
