import { test } from 'node:test';
import assert from 'node:assert/strict';
import { silentLogger } from '@isawatt/common';
import { createActivitySource } from './create-activity-source.js';

test('auto falls back to cgroup CPU time when perf is unusable; explicit kinds report their error', async () => {
  const log = silentLogger();
  const src = await createActivitySource('auto', { perf: { perfPath: '/nonexistent/perf', unifiedRoot: '/sys/fs/cgroup/unified' } }, log);
  assert.equal(src.kind, 'cgroup-cputime');
  await src.close();
  await assert.rejects(
    createActivitySource('perf', { perf: { perfPath: '/nonexistent/perf', unifiedRoot: '/sys/fs/cgroup/unified' } }, log),
    /perf: perf not installed/,
  );
  await assert.rejects(createActivitySource('hwpc-sensor', { perf: { unifiedRoot: '/sys/fs/cgroup/unified' } }, log), /hwpc options .* are required/);
  const hwpc = await createActivitySource(
    'hwpc-sensor',
    { perf: { unifiedRoot: '/sys/fs/cgroup/unified' }, hwpc: { listen: { host: '127.0.0.1', port: 0 }, cgroupBasePath: '/sys/fs/cgroup' } },
    log,
  );
  assert.equal(hwpc.kind, 'hwpc-sensor');
  await hwpc.close();
});
