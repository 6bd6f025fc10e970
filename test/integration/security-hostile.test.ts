// Security: the reproducers, each a test. A coordinator in-process on 127.0.0.1 run with
// --insecure (no authentication at all, the weakest setting), so what is tested here are the
// protections that hold even then: a live session cannot be stolen, counters cannot be poisoned,
// hostile figures are refused, the state directory's values are validated when loaded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';

import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { silentLogger } from '@isawatt/common';
import { ControlClient } from '../../packages/coordinator/src/cli/control-client.js';
import { loadCoordinatorConfig } from '../../packages/coordinator/src/config.js';
import { buildCoordinator, type Coordinator } from '../../packages/coordinator/src/main.js';
import { StateStore } from '../../packages/coordinator/src/store/state-store.js';
import { FakeAgent, functionName } from '../helpers/fake-agent.js';
import { eventually } from '../helpers/processes.js';
import { tempDir } from '../helpers/temp-dir.js';

interface Cleanup {
  after(fn: () => unknown): void;
}

async function startInProcess(t: Cleanup, stateDir: string): Promise<{ c: Coordinator; address: string; stop: () => Promise<void> }> {
  const { config } = loadCoordinatorConfig({ env: {}, flags: { listen: '127.0.0.1:0', stateDir, hostDownAfterMs: 3000, insecure: true } });
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

function agent(t: Cleanup, address: string, hostId: string, extra: Partial<ConstructorParameters<typeof FakeAgent>[0]> = {}): FakeAgent {
  const a = new FakeAgent({ address, hostId, functions: 4, functionCpus: 6, ...extra });
  t.after(() => a.close());
  return a;
}

test('hostile agents: no session theft, no poisoned seq or version, no impossible hosts', async (t) => {
  const dir = await tempDir(t, 'isawatt-hostile-');
  const stateDir = join(dir, 'state');
  const { c, address } = await startInProcess(t, stateDir);
  const cc = new ControlClient({ address, tls: {}, insecure: false, deadlineMs: 5000 });
  t.after(() => cc.close());

  const real = agent(t, address, 'h1');
  await real.attach();
  real.tick();
  await eventually('first report', async () => ((await cc.getHost('h1')).reports_received === '1' ? true : undefined));

  // Session theft: re-attaching as h1 from another session while h1 is connected is refused, as
  // many times as it is tried; the attacker never sees the host's assignment.
  for (let i = 0; i < 3; i++) {
    const thief = agent(t, address, 'h1');
    await assert.rejects(
      thief.attach(),
      (err: grpc.ServiceError) => err.code === grpc.status.ALREADY_EXISTS && /is attached on another stream/.test(err.details),
    );
    assert.equal(thief.welcome, undefined);
  }
  assert.equal((await cc.getHost('h1')).state, 'HOST_STATE_UP');

  // seq 2^64-1 does not black the host out: it is rejected and the next real report is stored.
  real.send({ telemetry: { ...real.tick(1000, false), seq: '18446744073709551615', host_power_w: 5 } });
  real.tick();
  await eventually('real report after the forged one', async () => ((await cc.getHost('h1')).last_report?.seq === '3' ? true : undefined));
  assert.equal(c.registry.counts().messagesRejected, 1);

  // A forged ack for version 2^64-1 is ignored: the next assignment is version 1 and applies.
  real.send({ assignment_ack: { version: '18446744073709551615', ok: true, placements: [] } });
  const set = await cc.setAssignment({ host_id: 'h1', functions: [{ function: functionName(0), cores: 1 }] });
  assert.equal(set.ack?.ok, true);
  assert.equal(set.ack?.version, '1');
  assert.equal((await cc.getAssignment('h1')).acked_version, '1');

  // A reconnect of the same session after a drop still works (and keeps its watermark).
  real.detach();
  await eventually('h1 down', async () => ((await cc.getHost('h1')).state === 'HOST_STATE_DOWN' ? true : undefined));
  const back = agent(t, address, 'h1', { sessionId: real.sessionId });
  const welcome = await back.attach();
  assert.equal(welcome.last_seq_stored, '3');
  assert.equal(welcome.assignment?.version, '1');

  // A fake host with impossible hardware never registers (plan cannot be fed with it).
  const giant = agent(t, address, 'giant', { helloOverrides: { physical_cores: 4_294_967_295, logical_cpus: 4_294_967_295, idle_power_w: 1e308 } });
  await assert.rejects(
    giant.attach(),
    (err: grpc.ServiceError) =>
      err.code === grpc.status.INVALID_ARGUMENT && /physical_cores: expected 1\.\.1024/.test(err.details) && /idle_power_w/.test(err.details),
  );
  // A Hello claiming a running version far beyond anything issued cannot push numbering to wrap.
  const wrap = agent(t, address, 'wrap', { helloOverrides: { running_assignment_version: '18446744073709551615' } });
  await assert.rejects(wrap.attach(), (err: grpc.ServiceError) => err.code === grpc.status.OUT_OF_RANGE && /running_assignment_version/.test(err.details));
  assert.deepEqual(
    (await cc.listHosts()).hosts.map((h) => h.host_id),
    ['h1'],
  );
});

test('state files: seq and versions beyond their bounds are refused at load, naming the file', async (t) => {
  const dir = await tempDir(t, 'isawatt-hostile-state-');
  const stateDir = join(dir, 'state');
  const { address, stop } = await startInProcess(t, stateDir);
  const a = agent(t, address, 'h1');
  await a.attach();
  a.close();
  await stop();
  const file = join(stateDir, 'hosts', 'h1.json');
  const doc = JSON.parse(await readFile(file, 'utf8')) as { host: { lastIssuedVersion: string; ackedAssignmentVersion: string } };
  doc.host.ackedAssignmentVersion = '18446744073709551615';
  await writeFile(file, JSON.stringify(doc));
  const store = new StateStore(stateDir, silentLogger());
  await store.init('isawatt');
  await assert.rejects(store.loadHosts(), (err: Error) => {
    assert.match(err.message, new RegExp(`${file.replace(/[.]/g, '\\.')}: .*ackedAssignmentVersion`));
    return true;
  });
});
