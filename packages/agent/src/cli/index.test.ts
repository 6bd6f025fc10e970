import { EXIT } from '@isawatt/common';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LoadedAgentConfig } from '../config.js';
import { runCli, type CliIo } from './index.js';

function io(env: NodeJS.ProcessEnv = {}): CliIo & { err: string[]; out: string[] } {
  const err: string[] = [];
  const out: string[] = [];
  return { err, out, env, stderr: (t) => err.push(t), stdout: (t) => out.push(t) };
}

const argv = (...args: string[]): string[] => ['node', 'isawatt-agent', ...args];

test('the root command runs the daemon with flags over environment', async () => {
  let seen: LoadedAgentConfig | undefined;
  const daemon = (l: LoadedAgentConfig): Promise<number> => {
    seen = l;
    return Promise.resolve(0);
  };
  const code = await runCli(
    argv(
      '--coordinator',
      '127.0.0.1:7000',
      '--host-id',
      'X',
      '--tick-interval-ms',
      '200',
      '--buffer-max-reports',
      '50',
      '--procfs-root',
      '/fx/proc',
      '--insecure',
    ),
    { daemon, version: '1.2.3' },
    io({ ISAWATT_HOST_ID: 'from-env', ISAWATT_SYSFS_ROOT: '/fx/sys' }),
  );
  assert.equal(code, EXIT.OK);
  assert.equal(seen?.config.hostId, 'X');
  assert.equal(seen?.config.tickIntervalMs, 200);
  assert.equal(seen?.config.bufferMaxReports, 50);
  assert.deepEqual(seen?.config.host, { procfs: '/fx/proc', sysfs: '/fx/sys', cgroupfs: '/sys/fs/cgroup' });
  assert.equal(seen?.config.insecure, true);
});

test('bad flags and config give exit 2 with every problem listed', async () => {
  const o = io();
  const code = await runCli(
    argv('--coordinator', 'nowhere', '--tick-interval-ms', 'fast', '--buffer-max-reports', '0', '--log-level', 'loud', '--reserved-cpus', 'x'),
    { daemon: () => Promise.reject(new Error('must not run')), version: '0' },
    o,
  );
  assert.equal(code, EXIT.BAD_INPUT);
  const text = o.err.join('');
  for (const key of ['coordinator:', 'tickIntervalMs:', 'bufferMaxReports:', 'logLevel:', 'reservedCpus:']) assert.ok(text.includes(`  - ${key}`), text);
});

test('an unknown flag is a usage error (2); --help and --version exit 0', async () => {
  const deps = { daemon: () => Promise.resolve(0), version: '9.9.9' };
  assert.equal(await runCli(argv('--no-such-flag'), deps, io()), EXIT.BAD_INPUT);
  const h = io();
  assert.equal(await runCli(argv('--help'), deps, h), EXIT.OK);
  assert.match(h.out.join(''), /--coordinator <host:port>/);
  const v = io();
  assert.equal(await runCli(argv('--version'), deps, v), EXIT.OK);
  assert.equal(v.out.join('').trim(), '9.9.9');
});

test('the daemon exit code is returned; unexpected errors are 1 with a please-report line', async () => {
  assert.equal(await runCli(argv('--coordinator', '127.0.0.1:1'), { daemon: () => Promise.resolve(1), version: '0' }, io()), 1);
  const o = io();
  assert.equal(await runCli(argv('--coordinator', '127.0.0.1:1'), { daemon: () => Promise.reject(new TypeError('oops')), version: '0' }, o), EXIT.FAILURE);
  assert.match(o.err.join(''), /internal error \(please report\): TypeError: oops/);
});
