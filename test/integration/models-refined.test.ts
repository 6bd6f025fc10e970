// `isawatt models refined` end to end: a real coordinator started with the profiled models
// (--models), a FakeAgent streaming telemetry whose truth is 30 % off them (fn-000 runs 30 %
// faster per CPU-second, fn-001 costs 30 % more energy per execution), on a virtual clock of one
// second per report. The exported file is a valid models file, says where its figures come from
// (refined online, emulated energy), is within 5 % of the truth for both figures, keeps the base
// for pairs without telemetry, and `plan` reads it.
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';

import { join } from 'node:path';
import { test } from 'node:test';
import { EXIT } from '@isawatt/common';
import { runCli } from '../../packages/coordinator/src/cli/index.js';
import { ControlClient } from '../../packages/coordinator/src/cli/control-client.js';
import { loadModelsFile } from '../../packages/coordinator/src/workload/parse.js';
import { FakeAgent } from '../helpers/fake-agent.js';
import { eventually, freePort, startCoordinator } from '../helpers/processes.js';
import { tempDir } from '../helpers/temp-dir.js';

const PROFILED = `source: test figures (not measured)
hostTypes:
  fake:
    arch: x86_64
    functions:
      fn-000: { execPerSecPerCore: 100, energyPerExecJ: 0.2 }
      fn-001: { execPerSecPerCore: 50, energyPerExecJ: 0.5 }
      fn-002: { execPerSecPerCore: 10, energyPerExecJ: 2 }
`;
const TRUTH: Record<number, { e: number; w: number }> = { 0: { e: 130, w: 0.2 }, 1: { e: 50, w: 0.65 } };

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(['node', 'isawatt', ...args], { stdout: (t) => (out += t), stderr: (t) => (err += t), env: {}, stdoutIsTty: false });
  return { code, out, err };
}

test('models refined: telemetry 30 % off the profiled models is exported within 5 % of the truth', async (t) => {
  const dir = await tempDir(t, 'isawatt-refined-');
  const base = join(dir, 'profiled.yaml');
  await writeFile(base, PROFILED);
  const port = await freePort();
  await startCoordinator(t, { port, stateDir: join(dir, 'state'), args: ['--models', base, '--host-down-after-ms', '600000'] });
  const start = Date.now() - 3_600_000;
  const agent = new FakeAgent({
    address: `127.0.0.1:${port}`,
    hostId: 'fake-1',
    functions: 3,
    nowMs: (seq) => start + Number(seq) * 1000,
    // fn-000 and fn-001 busy at 0.5 core with a little seeded jitter; fn-002 completes nothing.
    functionTick: (i, seq) => {
      const truth = TRUTH[i];
      if (!truth)
        return {
          invocations: { completed: '0', errors: '0', timeouts: '0', dropped: '0', latency_p50_ms: 0, latency_p95_ms: 0, latency_p99_ms: 0, achieved_rps: 0 },
        };
      const cpuS = 0.5 * (0.85 + (0.3 * ((Number(seq) * 7919 + i * 104729) % 1000)) / 1000);
      const completed = Math.round(cpuS * truth.e);
      const energyUj = Math.round(completed * truth.w * 1e6);
      return {
        cpu_time_us: String(Math.round(cpuS * 1e6)),
        total_energy_uj: String(energyUj),
        dynamic_energy_uj: String(Math.round(energyUj * 0.8)),
        invocations: {
          completed: String(completed),
          errors: '0',
          timeouts: '0',
          dropped: '0',
          latency_p50_ms: 1,
          latency_p95_ms: 2,
          latency_p99_ms: 3,
          achieved_rps: completed,
        },
      };
    },
  });
  t.after(() => agent.close());
  await agent.attach();
  const client = new ControlClient({ address: `127.0.0.1:${port}`, tls: {}, insecure: false, deadlineMs: 5000 });
  t.after(() => client.close());
  // Ten minutes of 1 Hz telemetry on the virtual clock.
  for (let k = 0; k < 600; k++) agent.tick(1000);
  await eventually('the coordinator ingested every report', async () => {
    const h = (await client.listHosts()).hosts.find((x) => x.host_id === 'fake-1');
    return h && Number(h.reports_received) >= 600 ? true : undefined;
  });

  const out = join(dir, 'refined.yaml');
  const r = await cli(['models', 'refined', '--coordinator', `127.0.0.1:${port}`, '--models', base, '--out', out]);
  assert.equal(r.code, EXIT.OK, r.err);
  assert.match(r.out, /fn-000\s+│ 1[23]\d\.\d\d \(\+[23]\d\.\d %\)/);
  assert.match(r.out, /DRIFT/);
  const refined = loadModelsFile(out);
  const fns = refined.hostTypes.fake?.functions ?? {};
  for (const [i, truth] of Object.entries(TRUTH)) {
    const m = fns[`fn-00${i}`];
    assert.ok(m, `fn-00${i} exported`);
    assert.ok(Math.abs(m.execPerSecPerCore - truth.e) / truth.e < 0.05, `fn-00${i} E ${m.execPerSecPerCore} vs truth ${truth.e}`);
    assert.ok(Math.abs(m.energyPerExecJ - truth.w) / truth.w < 0.05, `fn-00${i} W ${m.energyPerExecJ} vs truth ${truth.w}`);
  }
  assert.deepEqual(fns['fn-002'], { execPerSecPerCore: 10, energyPerExecJ: 2 }, 'no telemetry: the base figure stays');
  assert.match(refined.source ?? '', /^refined online from production telemetry \(energy emulated\)/);
  const text = await readFile(out, 'utf8');
  assert.match(text, /refinedOnline:/);

  // Planning on it is explicit: plan reads the file like any models file.
  const hosts = join(dir, 'hosts.yaml');
  await writeFile(hosts, 'hosts: [{ id: h1, type: fake, arch: x86_64, cores: 16 }]\n');
  const w = join(dir, 'w.yaml');
  await writeFile(w, 'functions: [{ name: fn-000, rate: 250 }]\n');
  const plan = await cli(['plan', '-w', w, '-m', out, '-H', hosts, '--json']);
  assert.equal(plan.code, EXIT.OK, plan.err);
  assert.equal((JSON.parse(plan.out) as { assignments: { cores: number }[] }).assignments[0]?.cores, 2, '250 req/s at ~130 execs/s per core: 2 cores');
  const onProfiled = await cli(['plan', '-w', w, '-m', base, '-H', hosts, '--json']);
  assert.equal((JSON.parse(onProfiled.out) as { assignments: { cores: number }[] }).assignments[0]?.cores, 3, 'the profiled 100 execs/s per core: 3 cores');
  const bad = await cli(['models', 'refined', '--coordinator', `127.0.0.1:${port}`, '--out', out, '--min-confidence', '2']);
  assert.equal(bad.code, EXIT.BAD_INPUT);
});
