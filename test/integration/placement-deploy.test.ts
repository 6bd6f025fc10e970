// `isawatt deploy` against a real coordinator process with two FakeAgents attached over real gRPC:
// the plan is made over the live hosts (type from Hello.host_type, cores = Hello.function_cpus),
// every agent receives exactly its part of the plan, and a refused ack makes the command fail with
// the coordinator's roll-back reported. (FakeAgent's host type is "fake"; the models file below
// gives that type hand-made figures, not measurements.)
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';

import { join } from 'node:path';
import { test } from 'node:test';
import { EXIT } from '@isawatt/common';
import { runCli as runInProcess } from '../../packages/coordinator/src/cli/index.js';
import { FakeAgent } from '../helpers/fake-agent.js';
import { eventually, freePort, startCoordinator } from '../helpers/processes.js';
import { ControlClient } from '../../packages/coordinator/src/cli/control-client.js';
import { tempDir } from '../helpers/temp-dir.js';

const MODELS = `source: test figures (not measured)
hostTypes:
  fake:
    arch: x86_64
    functions:
      fn-000: { execPerSecPerCore: 2, energyPerExecJ: 1.0 }
      fn-001: { execPerSecPerCore: 2, energyPerExecJ: 1.5 }
      fn-002: { execPerSecPerCore: 2, energyPerExecJ: 0.5 }
`;
// 4 + 4 + 1 cores: more than one fake host (6 function CPUs) holds, so both are used.
const WORKLOAD = `functions:
  - { name: fn-000, rate: 8 }
  - { name: fn-001, rate: 8 }
  - { name: fn-002, rate: 2 }
`;

async function deploy(port: number, files: { workload: string; models: string }, extra: string[] = []): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runInProcess(
    [
      'node',
      'isawatt',
      'deploy',
      '-w',
      files.workload,
      '-m',
      files.models,
      '-p',
      'energy-aware',
      '--coordinator',
      `127.0.0.1:${port}`,
      '--ack-timeout-ms',
      '5000',
      ...extra,
    ],
    { stdout: (t) => (out += t), stderr: (t) => (err += t), env: {}, stdoutIsTty: false },
  );
  return { code, out, err };
}

async function setup(
  t: { after(fn: () => unknown): void },
  refuseOn?: string,
): Promise<{ port: number; agents: FakeAgent[]; files: { workload: string; models: string } }> {
  const dir = await tempDir(t, 'isawatt-deploy-');
  const files = { workload: join(dir, 'workload.yaml'), models: join(dir, 'models.yaml') };
  await writeFile(files.workload, WORKLOAD);
  await writeFile(files.models, MODELS);
  const port = await freePort();
  await startCoordinator(t, { port, stateDir: join(dir, 'state') });
  const agents = ['fake-a', 'fake-b'].map(
    (hostId) =>
      new FakeAgent({
        address: `127.0.0.1:${port}`,
        hostId,
        functionCpus: 6,
        refuse: hostId === refuseOn ? (a) => (a.functions.length ? { code: 'not-enough-cores', error: 'refused by the test' } : undefined) : undefined,
      }),
  );
  for (const a of agents) {
    t.after(() => a.close());
    await a.attach();
  }
  const c = new ControlClient({ address: `127.0.0.1:${port}`, tls: {}, insecure: false, deadlineMs: 5000 });
  t.after(() => c.close());
  await eventually('both fake hosts up', async () => {
    const hosts = (await c.listHosts()).hosts;
    return hosts.filter((h) => h.state === 'HOST_STATE_UP').length === 2 ? hosts : undefined;
  });
  return { port, agents, files };
}

test('deploy plans over the live hosts and every agent gets its part', async (t) => {
  const { port, agents, files } = await setup(t);
  const { code, out, err } = await deploy(port, files, ['--json']);
  assert.equal(code, EXIT.OK, err);
  const res = JSON.parse(out) as { deployed: boolean; status: string; assignments: { function: string; host: string; cores: number }[] };
  assert.equal(res.deployed, true);
  assert.equal(res.status, 'optimal');
  assert.deepEqual(res.assignments.map((a) => a.function).sort(), ['fn-000', 'fn-001', 'fn-002']);
  for (const agent of agents) {
    const last = agent.assignments.at(-1);
    assert.ok(last, `${agent.opts.hostId} got an assignment`);
    const got = last.functions.map((f) => `${f.function}:${f.cores}`).sort();
    const want = res.assignments
      .filter((a) => a.host === agent.opts.hostId)
      .map((a) => `${a.function}:${a.cores}`)
      .sort();
    assert.deepEqual(got, want, `${agent.opts.hostId} runs its part of the plan`);
    assert.ok(last.functions.reduce((s, f) => s + f.cores, 0) <= 6, 'within the host cores');
  }
  assert.equal(new Set(res.assignments.map((a) => a.host)).size, 2, 'both hosts used (one alone is too small)');
});

test('a refused ack fails the deploy and reports the roll-back', async (t) => {
  const { port, files } = await setup(t, 'fake-b');
  const { code, out, err } = await deploy(port, files);
  assert.equal(code, EXIT.FAILURE, err);
  assert.match(out, /fake-b: FAILED \(not-enough-cores\): refused by the test/);
  assert.match(err, /deploy failed: .*\(every host was rolled back to its previous assignment\)/);
});

test("deploy with a models file lacking the live hosts' type is bad input (exit 2)", async (t) => {
  const { port, files } = await setup(t);
  await writeFile(files.models, MODELS.replace('  fake:', '  other:'));
  const { code, err } = await deploy(port, files);
  assert.equal(code, EXIT.BAD_INPUT);
  assert.match(err, /host "fake-a": no model for host type "fake"/);
});

test('plan without --hosts plans over the live hosts of the registry', async (t) => {
  const { port, files } = await setup(t);
  let out = '';
  let err = '';
  const code = await runInProcess(
    ['node', 'isawatt', 'plan', '-w', files.workload, '-m', files.models, '-p', 'all', '--coordinator', `127.0.0.1:${port}`, '--json'],
    { stdout: (s) => (out += s), stderr: (s) => (err += s), env: {}, stdoutIsTty: false },
  );
  assert.equal(code, EXIT.OK, err);
  const res = JSON.parse(out) as { plans: { policy: string; assignments: { host: string }[] }[] };
  assert.equal(res.plans.length, 6);
  for (const p of res.plans)
    assert.ok(
      p.assignments.every((a) => a.host === 'fake-a' || a.host === 'fake-b'),
      p.policy,
    );
});
