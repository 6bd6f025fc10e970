import assert from 'node:assert/strict';
import { test } from 'node:test';
import { detectHardware } from './detect.js';
import { SystemInformationProbe } from './live-probe.js';

// The machine running the tests is whatever it is; only facts every Linux host shares are checked.
test('systeminformation describes the live machine and agrees with /proc and /sys', async () => {
  const facts = await new SystemInformationProbe().probe();
  const expected = process.arch === 'x64' ? 'x86_64' : process.arch === 'arm64' ? 'aarch64' : undefined;
  assert.equal(facts.arch, expected);
  assert.ok((facts.memoryBytes ?? 0n) > 0n);
  const hw = await detectHardware({ procfsRoot: '/proc', sysfsRoot: '/sys', live: new SystemInformationProbe() });
  assert.equal(hw.arch, expected);
  assert.ok(hw.logicalCpus >= 1 && hw.physicalCores >= 1 && hw.sockets >= 1);
  assert.ok(hw.memoryBytes > 0n);
  assert.ok(hw.functionCpus.length === hw.logicalCpus);
});
