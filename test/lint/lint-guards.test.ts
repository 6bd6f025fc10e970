// The lint rules that guard the architecture must fire, not just be configured: a two-file import
// cycle fails import-x/no-cycle (which needs the TypeScript resolver to follow `./x.js` to x.ts),
// and gRPC imported outside its transport folders fails no-restricted-imports. Runs ESLint with the
// repository's own eslint.config.js.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const eslint = new ESLint({ cwd: ROOT, ignore: false });

test('a two-file import cycle fails lint', async () => {
  const results = await eslint.lintFiles([join(ROOT, 'test/lint/fixtures/cycle/a.ts'), join(ROOT, 'test/lint/fixtures/cycle/b.ts')]);
  for (const r of results) {
    const cycles = r.messages.filter((m) => m.ruleId === 'import-x/no-cycle');
    assert.equal(cycles.length, 1, `${r.filePath}: expected one import-x/no-cycle error, got ${JSON.stringify(r.messages)}`);
    assert.equal(cycles[0]?.severity, 2);
  }
});

test('gRPC outside its transport folders fails lint; inside them it passes', async () => {
  const watch = join(ROOT, 'packages/coordinator/src/cli/commands/watch.ts');
  const text = `import * as grpc from '@grpc/grpc-js';\nexport const code = grpc.status.OK;\n${await readFile(watch, 'utf8')}`;
  const [outside] = await eslint.lintText(text, { filePath: watch });
  assert.ok(
    outside?.messages.some((m) => m.ruleId === 'no-restricted-imports' && /gRPC stays in its transport folders/.test(m.message)),
    JSON.stringify(outside?.messages),
  );
  const client = join(ROOT, 'packages/coordinator/src/cli/control-client.ts');
  const [inside] = await eslint.lintText(await readFile(client, 'utf8'), { filePath: client });
  assert.deepEqual(
    inside?.messages.filter((m) => m.ruleId === 'no-restricted-imports'),
    [],
  );
});
