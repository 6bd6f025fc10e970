// The emulated agent's own CPU weight, on a fake cgroup v1 tree and procfs: moved into
// <cpu>/<subtree>-agent with the workers' cpu.shares, back to where it was on close; without a cpu
// controller, nothing moves.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { silentLogger } from '@isawatt/common';
import { cpuCgroupOf, EMULATED_AGENT_CPU_SHARES, raiseAgentCpuWeight } from './agent-weight.js';

const log = silentLogger();

async function tempDir(t: { after: (fn: () => Promise<void>) => void }, prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

test('cpuCgroupOf: the v1 line holding the cpu controller, co-mounted or not', () => {
  assert.equal(cpuCgroupOf('4:memory:/m\n2:cpuacct:/\n1:cpu:/lab\n0::/'), '/lab');
  assert.equal(cpuCgroupOf('3:cpu,cpuacct:/user.slice\n0::/'), '/user.slice');
  assert.equal(cpuCgroupOf('0::/system.slice/x.service'), undefined);
});

test('the agent moves into <subtree>-agent with the workers’ weight, and back on close', async (t) => {
  const dir = await tempDir(t, 'isawatt-agent-weight-');
  const cg = join(dir, 'cgroup');
  const proc = join(dir, 'proc');
  await mkdir(join(cg, 'cpu', 'lab'), { recursive: true });
  await writeFile(join(cg, 'cpu', 'cpu.shares'), '1024\n');
  await mkdir(join(proc, '4242'), { recursive: true });
  await writeFile(join(proc, '4242', 'cgroup'), '2:cpuacct:/\n1:cpu:/lab\n0::/\n');
  const restore = await raiseAgentCpuWeight({ cgroupRoot: cg, subtree: 'isawatt-x', procRoot: proc, pid: 4242, log });
  const agentDir = join(cg, 'cpu', 'isawatt-x-agent');
  assert.equal(await readFile(join(agentDir, 'cpu.shares'), 'utf8'), String(EMULATED_AGENT_CPU_SHARES));
  assert.equal(await readFile(join(agentDir, 'cgroup.procs'), 'utf8'), '4242');
  await restore();
  assert.equal(await readFile(join(cg, 'cpu', 'lab', 'cgroup.procs'), 'utf8'), '4242');
});

test('no cgroup v1 cpu controller: nothing moves, close is a no-op', async (t) => {
  const dir = await tempDir(t, 'isawatt-agent-weight-');
  const proc = join(dir, 'proc');
  await mkdir(join(proc, '7'), { recursive: true });
  await writeFile(join(proc, '7', 'cgroup'), '0::/system.slice/isawatt-agent.service\n');
  const restore = await raiseAgentCpuWeight({ cgroupRoot: join(dir, 'cgroup'), subtree: 's', procRoot: proc, pid: 7, log });
  await restore();
  await assert.rejects(readFile(join(dir, 'cgroup', 'cpu', 's-agent', 'cgroup.procs'), 'utf8'));
});
