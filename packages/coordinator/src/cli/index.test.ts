// The CLI loads only the command it runs; the others are help-only stubs. These checks keep the
// stubs honest: the root help reads the same whether every command is loaded or none.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Help } from 'commander';
import { buildProgram, COMMANDS, requestedCommand, runCli } from './index.js';
import type { CliContext } from './context.js';

function ctx(): CliContext & { out: () => string } {
  let out = '';
  return {
    io: { stdout: (t) => (out += t), stderr: (t) => (out += t), env: {}, stdoutIsTty: false },
    setExitCode: () => undefined,
    out: () => out,
  };
}

test('every command table entry matches the command its module registers (name, term, summary)', async () => {
  const full = await buildProgram(ctx(), '*');
  const help = new Help();
  assert.deepEqual(
    full.commands.map((c) => [c.name(), help.subcommandTerm(c), c.description()]),
    COMMANDS.map((e) => [e.name, e.term, e.summary]),
  );
});

test('the root help is the same with stubs as with every command loaded', async () => {
  const lazy = await buildProgram(ctx(), undefined);
  const full = await buildProgram(ctx(), '*');
  assert.equal(lazy.helpInformation(), full.helpInformation());
  assert.match(lazy.helpInformation(), /host \[options\] <id> +show one host in detail/);
});

test('requestedCommand finds the subcommand after options, and after "help"', () => {
  assert.equal(requestedCommand(['node', 'isawatt', 'plan', '--json']), 'plan');
  assert.equal(requestedCommand(['node', 'isawatt', '--help']), undefined);
  assert.equal(requestedCommand(['node', 'isawatt', 'help', 'deploy']), 'deploy');
});

test("a subcommand's own help still shows its options, and an unknown command is exit 2", async () => {
  const c = ctx();
  assert.equal(await runCli(['node', 'isawatt', 'plan', '--help'], c.io), 0);
  assert.match(c.out(), /--workload <file>/);
  const d = ctx();
  assert.equal(await runCli(['node', 'isawatt', 'plam'], d.io), 2);
  assert.match(d.out(), /unknown command 'plam'/);
});
