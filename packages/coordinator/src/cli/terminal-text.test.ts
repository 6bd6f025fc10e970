import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from './index.js';
import { terminalSafe } from './terminal-text.js';

test('control characters from the wire are shown, never executed', () => {
  assert.equal(terminalSafe('Xeon\u001b[2J\u001b]0;pwned\u0007 ok\n\tnext'), 'Xeon\\u001b[2J\\u001b]0;pwned\\u0007 ok\n\tnext');
  assert.equal(terminalSafe('a\rb\u009bc\u007f'), 'a\\u000db\\u009bc\\u007f');
});

test('every line the CLI prints goes through terminalSafe', async () => {
  let out = '';
  let err = '';
  const code = await runCli(['node', 'isawatt', 'assign', 'h1', '\u001b[2J\u001b]0;x\u0007=four', '--coordinator', '127.0.0.1:1'], {
    stdout: (t) => (out += t),
    stderr: (t) => (err += t),
    env: {},
    stdoutIsTty: false,
  });
  assert.equal(code, 2, err);
  assert.equal(out, '');
  assert.ok(!/[\u0000-\u0008\u000b-\u001f]/.test(err), JSON.stringify(err));
  assert.match(err, /\\u001b\[2J\\u001b\]0;x\\u0007=four/);
});
