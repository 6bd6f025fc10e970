// The parent process of exit-with-parent.test.ts: starts a coordinator and an emulated agent
// through the test helpers (exactly as an integration test does), assigns one function so the agent
// runs a worker in its own cgroups, prints one JSON line with their PIDs, then waits to be killed.
// Its cleanup hooks never run: the test SIGKILLs it, as the test runner does to a file at its timeout.
import { join } from 'node:path';
import { AGENT_MAIN, REPO_ROOT, freePort, runCli, spawnTs, startCoordinator, waitForHostUp } from '../helpers/processes.js';

const [dir, hostId] = process.argv.slice(2);
if (dir === undefined || hostId === undefined) throw new Error('usage: exit-with-parent-parent.ts DIR HOST_ID');

const never = { after: (): void => undefined };
const port = await freePort();
const coordinator = await startCoordinator(never, { port, stateDir: join(dir, 'state') });
const address = `127.0.0.1:${port}`;
const agent = spawnTs(never, `agent:${hostId}`, AGENT_MAIN, [
  '--coordinator',
  address,
  '--host-id',
  hostId,
  '--host-type',
  'xeon-gold-5318y',
  // Emulated: the agent's cgroups are isawatt-<host id>, this test's own.
  '--emulate',
  'xeon-gold-5318y-2s',
  '--functions-dir',
  join(REPO_ROOT, 'functions'),
  '--tick-interval-ms',
  '1000',
  '--http-listen',
  'off',
]);
await waitForHostUp(address, hostId);
const assign = await runCli(['assign', hostId, 'jwt-node=1', '--coordinator', address]);
if (assign.code !== 0) throw new Error(`assign failed (${assign.code}):\n${assign.stdout}\n${assign.stderr}\n${agent.tail()}`);
process.stdout.write(`${JSON.stringify({ coordinatorPid: coordinator.child.pid, agentPid: agent.child.pid })}\n`);
// Wait to be killed (a referenced timer keeps this process alive).
setInterval(() => undefined, 60_000);
