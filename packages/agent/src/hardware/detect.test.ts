import { ConfigError, SensorUnavailableError } from '@isawatt/common';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { armCoreName, decodeMidr } from './arm-cpu.js';
import { detectHardware, type LiveProbe } from './detect.js';
import { emulatedHardware } from './emulated.js';
import { hostTypeFromModel } from './host-type.js';

const hosts = fileURLToPath(new URL('../../testdata/hosts/', import.meta.url));
const roots = (name: string): { procfsRoot: string; sysfsRoot: string } => ({
  procfsRoot: join(hosts, name, 'proc'),
  sysfsRoot: join(hosts, name, 'sys'),
});

function tree(t: { after(fn: () => void): void }, files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'isawatt-hw-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), content);
  }
  return dir;
}

test('two-socket Xeon Gold 6130 fixture', async () => {
  const hw = await detectHardware({ ...roots('xeon-2s'), reservedCpus: [0, 32] });
  assert.equal(hw.arch, 'x86_64');
  assert.equal(hw.cpuModel, 'Intel(R) Xeon(R) Gold 6130 CPU @ 2.10GHz');
  assert.equal(hw.sockets, 2);
  assert.equal(hw.physicalCores, 32);
  assert.equal(hw.logicalCpus, 64);
  assert.equal(hw.hostType, 'xeon-gold-6130');
  assert.equal(hw.functionCpus.length, 62);
  assert.ok(!hw.functionCpus.includes(0) && !hw.functionCpus.includes(32));
  assert.deepEqual(hw.reservedCpus, [0, 32]);
  assert.equal(hw.socketOfCpu.get(15), 0);
  assert.equal(hw.socketOfCpu.get(16), 1);
  assert.equal(hw.socketOfCpu.get(47), 0);
  assert.equal(hw.memoryBytes, 196608000n * 1024n);
  assert.equal(hw.sources.topology, 'sysfs topology');
  assert.deepEqual(hw.warnings, []);
});

test('128-core Ampere Altra Max fixture: model from SMBIOS, not cpuinfo', async () => {
  const hw = await detectHardware(roots('altra-max-1s'));
  assert.equal(hw.arch, 'aarch64');
  assert.equal(hw.cpuModel, 'Ampere(R) Altra(R) Max Processor M128-30');
  assert.equal(hw.sources.model, 'smbios type 4');
  assert.equal(hw.sockets, 1);
  assert.equal(hw.physicalCores, 128);
  assert.equal(hw.logicalCpus, 128);
  assert.equal(hw.functionCpus.length, 128);
  assert.equal(hw.hostType, 'altra-max-m128-30');
  assert.deepEqual(hw.warnings, []);
});

test('arm64 without SMBIOS is named from the MIDR fields', async (t) => {
  const cpuinfo = [0, 1, 2, 3]
    .map(
      (i) =>
        `processor\t: ${i}\nBogoMIPS\t: 50.00\nFeatures\t: fp asimd\nCPU implementer\t: 0x41\nCPU architecture: 8\nCPU variant\t: 0x3\nCPU part\t: 0xd0c\nCPU revision\t: 1\n`,
    )
    .join('\n');
  const dir = tree(t, { 'proc/cpuinfo': cpuinfo, 'sys/devices/system/cpu/online': '0-3\n' });
  const hw = await detectHardware({ procfsRoot: join(dir, 'proc'), sysfsRoot: join(dir, 'sys') });
  assert.equal(hw.cpuModel, 'Arm Neoverse N1');
  assert.equal(hw.hostType, 'neoverse-n1-4c');
  // No topology files: each CPU counts as a core on socket 0, and the agent says so.
  assert.equal(hw.physicalCores, 4);
  assert.equal(hw.sockets, 1);
  assert.match(hw.warnings.join('\n'), /no topology for CPUs 0,1,2,3/);
  assert.match(hw.warnings.join('\n'), /meminfo: no MemTotal/);
});

test('x86 topology falls back to cpuinfo physical id / core id', async (t) => {
  const block = (p: number, phys: number, core: number): string =>
    `processor\t: ${p}\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC 7763 64-Core Processor\nphysical id\t: ${phys}\ncore id\t\t: ${core}\nflags\t\t: fpu lm sse\n`;
  const dir = tree(t, {
    'proc/cpuinfo': [block(0, 0, 0), block(1, 0, 0), block(2, 1, 0), block(3, 1, 1)].join('\n'),
    'proc/meminfo': 'MemTotal:       1024 kB\n',
    'sys/devices/system/cpu/online': '0-3\n',
  });
  const hw = await detectHardware({ procfsRoot: join(dir, 'proc'), sysfsRoot: join(dir, 'sys') });
  assert.equal(hw.sources.topology, 'cpuinfo');
  assert.equal(hw.sockets, 2);
  assert.equal(hw.physicalCores, 3);
  assert.equal(hw.hostType, 'epyc-7763');
  assert.equal(hw.memoryBytes, 1024n * 1024n);
});

test('the live probe fills gaps and disagreements are warnings', async (t) => {
  const dir = tree(t, { 'proc/cpuinfo': 'processor\t: 0\n', 'sys/devices/system/cpu/online': '0\n' });
  const live: LiveProbe = {
    name: 'test-probe',
    probe: () => Promise.resolve({ arch: 'x86_64', cpuModel: 'Test CPU 9000', physicalCores: 2, sockets: 1, memoryBytes: 4096n }),
  };
  const hw = await detectHardware({ procfsRoot: join(dir, 'proc'), sysfsRoot: join(dir, 'sys'), live, hostType: 'lab-box' });
  assert.equal(hw.arch, 'x86_64');
  assert.equal(hw.sources.arch, 'test-probe');
  assert.equal(hw.cpuModel, 'Test CPU 9000');
  assert.equal(hw.memoryBytes, 4096n);
  assert.equal(hw.hostType, 'lab-box');
  assert.match(hw.warnings.join('\n'), /test-probe counts 2 physical cores, sysfs 1/);
});

test('an unknown architecture is a SensorUnavailableError naming the file', async (t) => {
  const dir = tree(t, { 'proc/cpuinfo': 'processor\t: 0\n', 'sys/devices/system/cpu/online': '0\n' });
  await assert.rejects(detectHardware({ procfsRoot: join(dir, 'proc'), sysfsRoot: join(dir, 'sys') }), (err: unknown) => {
    assert.ok(err instanceof SensorUnavailableError);
    assert.match(err.message, /cannot tell the architecture.*cpuinfo/);
    return true;
  });
});

test('x86 cpuinfo without the "lm" flag says 32-bit x86 is not supported', async (t) => {
  const dir = tree(t, {
    'proc/cpuinfo':
      'processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: Intel(R) Atom(TM) CPU N270 @ 1.60GHz\nflags\t\t: fpu vme de pse tsc msr pae sse sse2\n',
    'sys/devices/system/cpu/online': '0\n',
  });
  await assert.rejects(detectHardware({ procfsRoot: join(dir, 'proc'), sysfsRoot: join(dir, 'sys') }), (err: unknown) => {
    assert.ok(err instanceof SensorUnavailableError);
    assert.match(err.message, /without the "lm" \(long mode\) flag: 32-bit x86 is not supported/);
    assert.doesNotMatch(err.message, /cannot tell the architecture/);
    return true;
  });
});

test("two-socket Xeon Gold 5318Y fixture (the paper's x86 server)", async () => {
  const hw = await detectHardware({ ...roots('xeon-5318y-2s'), reservedCpus: [0, 48] });
  assert.equal(hw.arch, 'x86_64');
  assert.equal(hw.cpuModel, 'Intel(R) Xeon(R) Gold 5318Y CPU @ 2.10GHz');
  assert.equal(hw.sockets, 2);
  assert.equal(hw.physicalCores, 48);
  assert.equal(hw.logicalCpus, 96);
  assert.equal(hw.hostType, 'xeon-gold-5318y');
  assert.equal(hw.functionCpus.length, 94);
  assert.equal(hw.socketOfCpu.get(23), 0);
  assert.equal(hw.socketOfCpu.get(24), 1);
  assert.equal(hw.socketOfCpu.get(71), 0);
  assert.equal(hw.socketOfCpu.get(72), 1);
  assert.equal(hw.sources.topology, 'sysfs topology');
  assert.deepEqual(hw.warnings, []);
});

test('reserving every CPU is a ConfigError', async () => {
  await assert.rejects(detectHardware({ ...roots('altra-max-1s'), reservedCpus: [...Array(128).keys()] }), (err: unknown) => {
    assert.ok(err instanceof ConfigError);
    assert.match(err.issues.join(), /reserves every online CPU \(0-127\)/);
    return true;
  });
});

test('garbage in the online list names the file', async (t) => {
  const dir = tree(t, { 'proc/cpuinfo': '', 'sys/devices/system/cpu/online': 'zero\n' });
  await assert.rejects(detectHardware({ procfsRoot: join(dir, 'proc'), sysfsRoot: join(dir, 'sys') }), /online: "zero" is not a CPU id/);
});

test('MIDR decoding and host type slugs', () => {
  assert.deepEqual(decodeMidr('0x00000000413fd0c1'), { implementer: 0x41, variant: 3, architecture: 0xf, part: 0xd0c, revision: 1 });
  assert.equal(decodeMidr('nonsense'), undefined);
  assert.equal(armCoreName(0x41, 0xd0c), 'Arm Neoverse N1');
  assert.equal(armCoreName(0x41, 0xd99), 'arm implementer 0x41 part 0xd99');
  assert.equal(hostTypeFromModel('Intel(R) Xeon(R) Platinum 8380 CPU @ 2.30GHz'), 'xeon-platinum-8380');
  assert.equal(hostTypeFromModel('Ampere(R) Altra(R) Processor Q80-30'), 'altra-q80-30');
});

test('an emulated machine has emulated function CPUs (reserved ids read as emulated ones) and says where each figure came from', async () => {
  const real = await detectHardware({ ...roots('xeon-2s'), reservedCpus: [0] });
  const hw = emulatedHardware(
    real,
    {
      profile: 'altra-max-m128',
      arch: 'aarch64',
      cpuModel: 'Ampere(R) Altra(R) Max Processor M128-30',
      sockets: 1,
      physicalCores: 128,
      logicalCpus: 128,
      socketOfCpu: new Map(Array.from({ length: 128 }, (_, i) => [i, 0])),
    },
    undefined,
  );
  assert.deepEqual([hw.arch, hw.sockets, hw.physicalCores, hw.logicalCpus, hw.hostType], ['aarch64', 1, 128, 128, 'altra-max-m128-30']);
  assert.equal(hw.functionCpus.length, 127);
  assert.deepEqual(hw.reservedCpus, [0]);
  assert.equal(hw.sources.model, 'emulated profile altra-max-m128');
  assert.equal(hw.memoryBytes, real.memoryBytes);
});
