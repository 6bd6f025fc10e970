import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launchSpec } from './worker-launch.js';

const cmd = { command: '/usr/bin/python3', args: ['h.py', '/f/x', 'x.py'], cwd: '/f/x', env: { PATH: '/usr/bin' } };

test('cgroup pinning: the wrapper joins the cgroups, setpriv drops privileges and sets the death signal', () => {
  const spec = launchSpec(
    cmd,
    { procsFiles: ['/cg/a/cgroup.procs', '/cg/b/cgroup.procs'] },
    { runAs: { uid: 65534, gid: 65534 }, setprivPath: '/usr/bin/setpriv' },
  );
  assert.equal(spec.command, '/bin/sh');
  assert.equal(spec.env.ISAWATT_CGROUP_PROCS, '/cg/a/cgroup.procs:/cg/b/cgroup.procs');
  assert.deepEqual(spec.args.slice(3), [
    '/usr/bin/setpriv',
    '--reuid=65534',
    '--regid=65534',
    '--clear-groups',
    '--pdeathsig=KILL',
    '--',
    '/usr/bin/python3',
    'h.py',
    '/f/x',
    'x.py',
  ]);
});

test('affinity pinning goes through taskset', () => {
  const spec = launchSpec(cmd, { procsFiles: [], affinityCpu: 3 }, { setprivPath: '/usr/bin/setpriv', tasksetPath: '/usr/bin/taskset' });
  assert.deepEqual(spec.args.slice(3, 6), ['/usr/bin/taskset', '-c', '3']);
  assert.ok(!spec.args.some((a) => a.startsWith('--reuid')));
});

test('refuses to run as another user without setpriv', () => {
  assert.throws(() => launchSpec(cmd, { procsFiles: [] }, { runAs: { uid: 1, gid: 1 } }), /setpriv/);
});
