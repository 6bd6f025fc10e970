// PerfStatSource with the real perf on this host: a busy loop in a cgroup2 (unified) directory,
// counted with `perf stat --for-each-cgroup`. Skipped (saying why) without root, perf or cgroup2.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { access, mkdir, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { silentLogger } from '@isawatt/common';
import { PerfStatSource } from '../../packages/agent/src/counters/perf-stat.js';
import type { ActivitySample } from '../../packages/agent/src/counters/activity-source.js';

const UNIFIED = process.env.ISAWATT_TEST_UNIFIED_ROOT ?? '/sys/fs/cgroup/unified';

async function why(): Promise<string | undefined> {
  if (process.getuid?.() !== 0) return 'needs root for perf -a and cgroups';
  try {
    await access(join(UNIFIED, 'cgroup.procs'));
  } catch {
    return `no cgroup2 mount at ${UNIFIED}`;
  }
  try {
    await promisify(execFile)('perf', ['--version']);
  } catch {
    return 'perf not installed';
  }
  return undefined;
}

test('real perf: a busy cgroup gets counts and CPU time', { skip: await why() }, async (t) => {
  const dir = join(UNIFIED, `isawatt-h4-perf-${process.pid}`);
  await mkdir(dir);
  const child = spawn('/bin/sh', ['-c', 'while :; do :; done'], { stdio: 'ignore' });
  t.after(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const gone = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await gone;
    }
    await rmdir(dir).catch(() => undefined);
  });
  await new Promise<void>((resolve, reject) => child.once('spawn', resolve).once('error', reject));
  await writeFile(join(dir, 'cgroup.procs'), String(child.pid));

  const src = new PerfStatSource({ intervalMs: 200, unifiedRoot: UNIFIED, log: silentLogger() });
  await src.init();
  t.after(() => src.close());
  t.diagnostic(`perf events: ${src.events.join(', ')} (${src.counterKind})`);
  assert.ok(src.events.length > 0);
  const targets = [{ name: 'busy', cpus: [], cgroupV2Path: dir }];
  let total: ActivitySample | undefined;
  let spanMs = 0;
  let cpuUs = 0n;
  for (let i = 0; i < 100 && spanMs < 1000; i++) {
    await sleep(100);
    total = await src.sample(targets, Date.now());
    spanMs += total.intervalMs;
    cpuUs += total.targets[0]?.cpuTimeUs ?? 0n;
  }
  assert.ok(spanMs >= 1000, `perf reported ${spanMs} ms of intervals`);
  if (src.events.includes('task-clock')) {
    // One busy loop uses at most one CPU; under load from other tests it may get less, never zero.
    assert.ok(cpuUs > 0n, 'task-clock counted the busy loop');
    assert.ok(Number(cpuUs) / 1000 <= spanMs * 1.1, `cpu ${Number(cpuUs) / 1000} ms over ${spanMs} ms`);
    t.diagnostic(`busy loop: ${(Number(cpuUs) / 1000).toFixed(0)} ms CPU over ${spanMs} ms`);
  }
});
