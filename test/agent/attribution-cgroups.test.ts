// Acceptance (2) of issue #3, attribution part, for real: two busy processes pinned to the same CPU
// in two cgroup v1 groups (cpu + cpuacct) with a 3:1 cpu.shares split. The real CgroupCpuTimeSource
// reads their cpuacct.usage, the EstimatedMeter models host energy from /proc/stat (quality
// "estimated": this machine has no energy sensor), the real attributor splits it, and /metrics shows
// the function energies. cpu.shares under a common parent keeps 3:1 between the two even when other
// tests compete for the CPU (a quota would not: contention could hold the 75 % group below its quota).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { access, mkdir, readFile, rmdir, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { silentLogger } from '@isawatt/common';
import { CgroupCpuTimeSource } from '../../packages/agent/src/counters/cgroup-cputime.js';
import type { ActivityTarget } from '../../packages/agent/src/counters/activity-source.js';
import { createAttributor } from '../../packages/agent/src/attribution/create-attributor.js';
import { toFunctionFigures } from '../../packages/agent/src/attribution/figures.js';
import { EstimatedMeter } from '../../packages/agent/src/sensors/estimated-meter.js';
import { readProcStat, utilization } from '../../packages/agent/src/hostfs/proc-stat.js';
import { PrometheusExporter } from '../../packages/agent/src/export/prometheus.js';
import type { TelemetrySource, TickSnapshot } from '../../packages/agent/src/telemetry/snapshot.js';

const CGROUP_ROOT = process.env.ISAWATT_TEST_CGROUP_ROOT ?? '/sys/fs/cgroup';

async function canUseCgroupV1(): Promise<string | undefined> {
  if (process.getuid?.() !== 0) return 'needs root to create cgroups';
  for (const f of ['cpu/cpu.shares', 'cpuacct/cpuacct.usage']) {
    try {
      await access(join(CGROUP_ROOT, f));
    } catch {
      return `no cgroup v1 ${f} under ${CGROUP_ROOT}`;
    }
  }
  return undefined;
}

const skip = await canUseCgroupV1();

class OneShotTelemetry extends EventEmitter<{ snapshot: [TickSnapshot] }> implements TelemetrySource {
  private last: TickSnapshot | undefined;
  snapshot(): TickSnapshot | undefined {
    return this.last;
  }
  publish(s: TickSnapshot): void {
    this.last = s;
    this.emit('snapshot', s);
  }
}

function metricValue(text: string, fn: string, kind: string): number {
  const m = new RegExp(`isawatt_function_energy_joules_total\\{function="${fn}",kind="${kind}",quality="estimated"\\} (\\S+)`).exec(text);
  assert.ok(m, `metric for ${fn}/${kind} in /metrics`);
  return Number(m[1]);
}

test('two pinned busy processes with 3:1 cpu.shares get energy within 10 % of 3:1', { skip }, async (t) => {
  const group = `isawatt-h4-test-${process.pid}`;
  const cpuParent = join(CGROUP_ROOT, 'cpu', group);
  const acctParent = join(CGROUP_ROOT, 'cpuacct', group);
  const children: ChildProcess[] = [];
  const made: string[] = [];
  t.after(async () => {
    for (const c of children) {
      if (c.exitCode === null && c.signalCode === null) {
        const exited = new Promise((resolve) => c.once('exit', resolve));
        c.kill('SIGKILL');
        await exited;
      }
    }
    // Children first, then parents; a cgroup can be removed once its processes are gone.
    for (const dir of made.reverse()) await rmdir(dir).catch(() => undefined);
  });

  for (const dir of [cpuParent, acctParent]) {
    await mkdir(dir);
    made.push(dir);
  }
  const cpu = Math.max(0, cpus().length - 1);
  const shares: Record<string, number> = { 'busy-three': 3072, 'busy-one': 1024 };
  const targets: ActivityTarget[] = [];
  for (const [name, share] of Object.entries(shares)) {
    const cpuDir = join(cpuParent, name);
    const acctDir = join(acctParent, name);
    for (const dir of [cpuDir, acctDir]) {
      await mkdir(dir);
      made.push(dir);
    }
    await writeFile(join(cpuDir, 'cpu.shares'), `${share}\n`);
    // A shell busy loop pinned to one CPU; both loops share that CPU.
    const child = spawn('taskset', ['-c', String(cpu), '/bin/sh', '-c', 'while :; do :; done'], { stdio: 'ignore' });
    children.push(child);
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', reject);
    });
    const pid = String(child.pid);
    await writeFile(join(cpuDir, 'cgroup.procs'), pid);
    await writeFile(join(acctDir, 'cgroup.procs'), pid);
    targets.push({ name, cpus: [cpu], cgroupV1Paths: { cpu: cpuDir, cpuacct: acctDir } });
  }

  const log = silentLogger();
  const source = new CgroupCpuTimeSource({ log });
  const meter = new EstimatedMeter({ procfsRoot: '/proc' });
  await meter.init();
  await source.init();
  const attributor = createAttributor();
  const telemetry = new OneShotTelemetry();
  const exporter = new PrometheusExporter({ source: telemetry, log, processMetrics: false });
  exporter.start();
  t.after(() => exporter.stop());

  let prevStat = (await readProcStat('/proc')).total;
  await meter.sample(Date.now());
  await source.sample(targets, Date.now());
  const socketOfCpu = new Map(cpus().map((_, i) => [i, 0]));
  const totals = new Map<string, bigint>();
  for (let seq = 1n; seq <= 3n; seq++) {
    await sleep(1000);
    const nowMs = Date.now();
    const energy = await meter.sample(nowMs);
    const activity = await source.sample(targets, nowMs);
    const stat = (await readProcStat('/proc')).total;
    const util = utilization(prevStat, stat);
    prevStat = stat;
    const hostEnergyUj = energy.domains.reduce((a, d) => a + (d.inHostTotal ? d.energyUj : 0n), 0n);
    assert.ok(hostEnergyUj > 0n, 'the estimated meter produced energy');
    const result = attributor.attribute({
      timestampMs: nowMs,
      intervalMs: activity.intervalMs,
      hostEnergyUj,
      hostQuality: meter.quality,
      domains: energy.domains,
      activity,
      cpuUtilization: util,
      frequencyMhzBySocket: new Map(),
      socketOfCpu,
    });
    assert.equal(result.method, 'cputime-share');
    const sumDyn = result.functions.reduce((a, f) => a + f.dynamicEnergyUj, 0n);
    assert.equal(sumDyn + result.idleEnergyUj, hostEnergyUj, 'conservation');
    for (const f of result.functions) totals.set(f.name, (totals.get(f.name) ?? 0n) + f.dynamicEnergyUj);
    const functions = toFunctionFigures(result, activity, activity.intervalMs);
    telemetry.publish({
      seq,
      timestampMs: nowMs,
      intervalMs: activity.intervalMs,
      cpuUtilization: util,
      cpuUtilizationPerCpu: [],
      cpuFrequencyMhz: 0,
      hostEnergyUj,
      hostPowerW: Number(hostEnergyUj) / 1000 / activity.intervalMs,
      hostQuality: meter.quality,
      energySource: meter.kind,
      domains: energy.domains.map((d) => ({ ...d, quality: meter.quality, source: meter.kind })),
      attribution: result.method,
      modelErrorW: result.modelErrorW,
      idleEnergyUj: result.idleEnergyUj,
      functions,
      assignmentVersion: 0n,
      agentCpuTimeUs: 0n,
      agentRssBytes: 0,
    });
  }
  const three = Number(totals.get('busy-three') ?? 0n);
  const one = Number(totals.get('busy-one') ?? 0n);
  assert.ok(one > 0, 'the 1-share process got energy');
  const ratio = three / one;
  t.diagnostic(`attributed dynamic energy: busy-three ${(three / 1e6).toFixed(3)} J, busy-one ${(one / 1e6).toFixed(3)} J, ratio ${ratio.toFixed(3)}`);
  assert.ok(Math.abs(ratio - 3) / 3 <= 0.1, `attributed ratio ${ratio.toFixed(3)} (expected 3 ± 10 %)`);

  const text = await exporter.metrics();
  const m3 = metricValue(text, 'busy-three', 'dynamic');
  const m1 = metricValue(text, 'busy-one', 'dynamic');
  assert.ok(Math.abs(m3 / m1 - 3) / 3 <= 0.1, `/metrics ratio ${(m3 / m1).toFixed(3)}`);
  assert.ok(Math.abs(m3 - three / 1e6) < 1e-6, '/metrics shows the attributed joules');
  // The cgroups really hold the processes (not an artefact of the test).
  const procs = await readFile(join(acctParent, 'busy-three', 'cgroup.procs'), 'utf8');
  assert.match(procs, new RegExp(`^${children[0]?.pid}$`, 'm'));
});
