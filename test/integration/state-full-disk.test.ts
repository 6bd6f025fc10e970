// A full disk under the state directory (a 256 KiB tmpfs this test mounts and unmounts itself, as
// root): agents still attach (served from memory), no temp files pile up, the failure names the
// file and the free space, and every host reaches the disk once space returns.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { HostRegistry, type AgentChannel } from '../../packages/coordinator/src/registry/host-registry.js';
import type { Hello } from '../../packages/coordinator/src/registry/types.js';
import { StateStore } from '../../packages/coordinator/src/store/state-store.js';
import { eventually } from '../helpers/processes.js';

function hello(hostId: string): Hello {
  return {
    hostId,
    arch: 'x86_64',
    cpuModel: 'test',
    sockets: 1,
    physicalCores: 4,
    logicalCpus: 4,
    functionCpus: [1, 2, 3],
    hostType: 'test',
    // Padding so each host file is a few KiB and the tmpfs fills quickly.
    energySources: Array.from({ length: 5 }, (_, i) => ({
      kind: 'emulated',
      path: `/padding/${'x'.repeat(100)}/${i}`,
      quality: 'emulated',
      domains: [],
      primary: i === 0,
      detail: '',
    })),
    counterSource: 'none',
    pinning: 'none',
    catalogue: [],
    agentVersion: 'test',
    sessionId: `s-${hostId}`,
    emulated: true,
    emulatedProfile: 'test',
    runningAssignmentVersion: 0n,
    memoryBytes: 0n,
    idlePowerW: 10,
  };
}

const channel: AgentChannel = { sendAssignment: () => true, close: () => undefined };

test('full disk: serve from memory, no temp files, say which file and how much space, catch up', async (t) => {
  if (process.getuid?.() !== 0) {
    t.skip('needs root to mount a tmpfs');
    return;
  }
  const mnt = await mkdtemp(join(tmpdir(), 'isawatt-fulldisk-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256k,mode=0700', 'tmpfs', mnt]);
  t.after(async () => {
    execFileSync('umount', [mnt]);
    await rm(mnt, { recursive: true, force: true });
  });
  const lines: string[] = [];
  const log = pino(
    { level: 'info' },
    new Writable({
      write(chunk: Buffer, _e, cb) {
        lines.push(chunk.toString());
        cb();
      },
    }),
  );
  const store = new StateStore(join(mnt, 'state'), log);
  await store.init('isawatt');
  const registry = new HostRegistry({ store, hostDownAfterMs: 60_000, flushIntervalMs: 100, log });
  await registry.start();
  t.after(() => registry.stop());

  // Fill the file system, then attach 40 hosts: every attach succeeds from memory.
  const filler = join(mnt, 'filler');
  let size = 256 * 1024;
  for (;;) {
    try {
      await writeFile(filler, Buffer.alloc(size));
      break;
    } catch {
      size -= 4096;
    }
  }
  for (let i = 0; i < 40; i++) await registry.attach(hello(`h${String(i).padStart(2, '0')}`), channel, 'test', '');
  assert.equal(registry.list().length, 40);
  assert.ok(store.unwritten > 0, 'some host files are waiting for space');
  const hostsDir = join(mnt, 'state', 'hosts');
  assert.deepEqual(
    (await readdir(hostsDir)).filter((n) => n.endsWith('.tmp')),
    [],
    'no temp files left behind',
  );
  const failure = lines.find((l) => l.includes('cannot write state file'));
  assert.ok(failure, 'the failure is logged');
  assert.match(failure, /"path":"[^"]*\/hosts\/h\d\d\.json"/);
  assert.match(failure, /no space left on device \(\d+ KiB free on the file system of [^)]*, ENOSPC\)/);

  // Space returns: every host reaches the disk (retries back off from 1 s).
  await rm(filler);
  await eventually(
    'every host written',
    async () => (store.unwritten === 0 && (await readdir(hostsDir)).filter((n) => n.endsWith('.json')).length === 40 ? true : undefined),
    30_000,
  );
  assert.ok(lines.some((l) => l.includes('every pending write caught up')));
  const reloaded = new StateStore(join(mnt, 'state'), log);
  await reloaded.init('isawatt');
  assert.equal((await reloaded.loadHosts()).length, 40);
  assert.match(await readFile(join(hostsDir, 'h39.json'), 'utf8'), /"hostId": "h39"/);
});
