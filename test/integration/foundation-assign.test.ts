// Assignments end to end over real gRPC, with an in-process coordinator and FakeAgents (real
// AgentLink clients): SetAssignment bumps the version, reaches the agent and returns its ack; a
// refused or unanswered assignment leaves the previous one in place; Deploy rolls every host
// back when one fails; the assignment survives a coordinator restart and is sent in Welcome.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { join } from 'node:path';
import { silentLogger } from '@isawatt/common';
import { loadCoordinatorConfig } from '../../packages/coordinator/src/config.js';
import { buildCoordinator, type Coordinator } from '../../packages/coordinator/src/main.js';
import { ControlClient } from '../../packages/coordinator/src/cli/control-client.js';
import { FakeAgent, functionName } from '../helpers/fake-agent.js';
import { eventually } from '../helpers/processes.js';
import { tempDir } from '../helpers/temp-dir.js';

interface Cleanup {
  after(fn: () => unknown): void;
}

async function startInProcess(t: Cleanup, stateDir: string): Promise<{ c: Coordinator; address: string; stop: () => Promise<void> }> {
  const { config } = loadCoordinatorConfig({ env: {}, flags: { listen: '127.0.0.1:0', stateDir, hostDownAfterMs: 2000, insecure: true } });
  const c = buildCoordinator(config, silentLogger());
  for (const s of c.services) await s.init?.();
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    for (const s of [...c.services].reverse()) await s.shutdown?.();
  };
  t.after(stop);
  return { c, address: `127.0.0.1:${c.grpc.port}`, stop };
}

function client(t: Cleanup, address: string): ControlClient {
  const cc = new ControlClient({ address, tls: {}, insecure: false, deadlineMs: 5000 });
  t.after(() => cc.close());
  return cc;
}

function agent(t: Cleanup, address: string, hostId: string, extra: Partial<ConstructorParameters<typeof FakeAgent>[0]> = {}): FakeAgent {
  const a = new FakeAgent({ address, hostId, functions: 4, functionCpus: 6, ...extra });
  t.after(() => a.close());
  return a;
}

test('SetAssignment: applied with placements; refused and timed-out ones keep the previous assignment', async (t) => {
  const dir = await tempDir(t, 'isawatt-assign-');
  const { address } = await startInProcess(t, join(dir, 'state'));
  const cc = client(t, address);
  let refuseNext = false;
  const a = agent(t, address, 'h1', { refuse: () => (refuseNext ? { code: 'not-enough-cores', error: 'not enough cores: 5 asked, 4 free' } : undefined) });
  await a.attach();

  const ok = await cc.setAssignment({
    host_id: 'h1',
    functions: [
      { function: functionName(0), cores: 2, rate_rps: 50 },
      { function: functionName(1), cores: 1 },
    ],
  });
  assert.equal(ok.ack?.ok, true);
  assert.equal(ok.ack?.version, '1');
  assert.deepEqual(
    ok.ack?.placements.map((p) => [p.function, p.cpus]),
    [
      [functionName(0), [2, 3]],
      [functionName(1), [4]],
    ],
  );
  assert.equal(a.runningVersion, 1n);
  const after1 = await cc.getAssignment('h1');
  assert.equal(after1.assignment?.version, '1');
  assert.equal(after1.acked_version, '1');

  refuseNext = true;
  const refused = await cc.setAssignment({ host_id: 'h1', functions: [{ function: functionName(2), cores: 5 }] });
  assert.equal(refused.ack?.ok, false);
  assert.equal(refused.ack?.error_code, 'not-enough-cores');
  assert.equal(refused.ack?.version, '2');
  const after2 = await cc.getAssignment('h1');
  assert.equal(after2.assignment?.version, '1', 'the previous assignment is the host assignment again');
  assert.equal(after2.assignment?.functions.length, 2);

  // Validation happens before anything is sent: unknown function, too many cores, bad arrival.
  await assert.rejects(
    cc.setAssignment({
      host_id: 'h1',
      functions: [
        { function: 'nope', cores: 1 },
        { function: functionName(0), cores: 9 },
        { function: functionName(1), cores: 1, arrival: 'bursty' },
      ],
    }),
    (err: Error & { exitCode: number }) => {
      assert.equal(err.exitCode, 2);
      assert.match(err.message, /nope: not in the catalogue of host "h1"/);
      assert.match(err.message, /has 6 function CPUs; the assignment asks for 11/);
      assert.match(err.message, /arrival must be "constant" or "poisson", got "bursty"/);
      return true;
    },
  );
  await assert.rejects(cc.setAssignment({ host_id: 'ghost', functions: [] }), (err: Error & { exitCode: number }) => err.exitCode === 4);

  // An agent that never answers: the ack times out and the previous assignment stays.
  const quiet = agent(t, address, 'h2', { silent: true });
  await quiet.attach();
  const timedOut = await cc.setAssignment({ host_id: 'h2', functions: [{ function: functionName(0), cores: 1 }], ack_timeout_ms: 300 });
  assert.equal(timedOut.ack?.ok, false);
  assert.equal(timedOut.ack?.error_code, 'timeout');
  assert.equal((await cc.getAssignment('h2')).acked_version, '0');
});

test('Deploy: all hosts ack, or every host is rolled back; the assignment survives a restart', async (t) => {
  const dir = await tempDir(t, 'isawatt-deploy-');
  const stateDir = join(dir, 'state');
  const first = await startInProcess(t, stateDir);
  const cc = client(t, first.address);
  const a1 = agent(t, first.address, 'x86-1');
  let refuseFn3 = true;
  const a2 = agent(t, first.address, 'arm-1', {
    arch: 'ARCH_AARCH64',
    refuse: (asg) =>
      refuseFn3 && asg.functions.some((f) => f.function === functionName(3)) ? { code: 'runtime-missing', error: 'runtime java missing' } : undefined,
  });
  await a1.attach();
  await a2.attach();

  const good = await cc.deploy({
    label: 'test',
    hosts: [
      { host_id: 'x86-1', functions: [{ function: functionName(0), cores: 2, rate_rps: 10 }] },
      { host_id: 'arm-1', functions: [{ function: functionName(1), cores: 3, rate_rps: 20 }] },
    ],
  });
  assert.equal(good.ok, true, good.error);
  assert.equal(good.rolled_back, false);
  assert.deepEqual(
    good.acks.map((x) => [x.host_id, x.ack?.ok]),
    [
      ['x86-1', true],
      ['arm-1', true],
    ],
  );

  const bad = await cc.deploy({
    hosts: [
      { host_id: 'x86-1', functions: [{ function: functionName(2), cores: 1 }] },
      { host_id: 'arm-1', functions: [{ function: functionName(3), cores: 1 }] },
    ],
  });
  assert.equal(bad.ok, false);
  assert.equal(bad.rolled_back, true);
  assert.match(bad.error, /arm-1: runtime java missing/);
  // x86-1 had applied the new one, so it was told to run its previous functions again.
  const x86Last = a1.assignments.at(-1);
  assert.deepEqual(
    x86Last?.functions.map((f) => [f.function, f.cores]),
    [[functionName(0), 2]],
  );
  for (const id of ['x86-1', 'arm-1']) {
    const asg = await cc.getAssignment(id);
    assert.deepEqual(
      asg.assignment?.functions.map((f) => f.function),
      [functionName(id === 'x86-1' ? 0 : 1)],
      `${id} back on its previous functions`,
    );
  }
  const x86Version = (await cc.getAssignment('x86-1')).assignment?.version;

  // Restart the coordinator on the same state directory: assignment and versions are kept, and a
  // re-attaching agent gets its assignment in Welcome.
  await first.stop();
  cc.close();
  const second = await startInProcess(t, stateDir);
  const cc2 = client(t, second.address);
  const restored = await cc2.getAssignment('x86-1');
  assert.equal(restored.assignment?.version, x86Version);
  assert.equal((await cc2.getHost('x86-1')).state, 'HOST_STATE_DOWN', 'known but not attached yet');
  const again = agent(t, second.address, 'x86-1');
  const welcome = await again.attach();
  assert.equal(welcome.has_assignment, true);
  assert.equal(welcome.assignment?.version, x86Version);
  await eventually('x86-1 up', async () => ((await cc2.getHost('x86-1')).state === 'HOST_STATE_UP' ? true : undefined));
  refuseFn3 = false;
});
