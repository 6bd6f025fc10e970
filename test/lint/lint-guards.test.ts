// The lint rules that guard the architecture must fire, not just be configured: a two-file import
// cycle fails import-x/no-cycle (which needs the TypeScript resolver to follow `./x.js` to x.ts),
// gRPC imported outside its transport folders fails no-restricted-imports, and a bare 1e6/1e3/1e9
// scale factor next to a unit-bearing name fails isawatt/no-bare-scale-factor outside units.ts.
// Runs ESLint with the repository's own eslint.config.js.
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

test('a bare scale factor next to an energy, power or time name fails lint outside units.ts', async () => {
  const bridge = join(ROOT, 'packages/coordinator/src/mqtt/bridge.ts');
  const base = await readFile(bridge, 'utf8');
  const rule = 'isawatt/no-bare-scale-factor';
  const flagged = async (snippet: string, filePath = bridge): Promise<number> => {
    const [r] = await eslint.lintText(`${base}\n${snippet}\n`, { filePath });
    return r?.messages.filter((m) => m.ruleId === rule && m.severity === 2).length ?? -1;
  };
  assert.equal(await flagged(''), 0, 'the file itself is clean');
  assert.equal(await flagged('export const hostJ = (hostEnergyUj: bigint): number => Number(hostEnergyUj) / 1e6;'), 1);
  assert.equal(await flagged('export const waitMs = (warmupS: number): number => warmupS * 1000;'), 1, '1000 is 1e3');
  assert.equal(await flagged('export const ns = (interval_ms: number): number => 1_000_000 * interval_ms;'), 1, 'either side, snake_case');
  assert.equal(await flagged('export const us = (cpuNs: bigint): bigint => cpuNs / 1000n;'), 1, 'bigints too');
  assert.equal(await flagged('export const r = (rateRps: number): number => Math.round(rateRps * 1000) / 1000;'), 0, 'no unit-bearing name');
  assert.equal(
    await flagged(
      '// eslint-disable-next-line isawatt/no-bare-scale-factor -- rounding for display\nexport const w = (powerW: number): number => Math.round(powerW * 1000) / 1000;',
    ),
    0,
    'an exemption that says why',
  );
  const units = join(ROOT, 'packages/common/src/units.ts');
  const [inUnits] = await eslint.lintText(`${await readFile(units, 'utf8')}\nexport const jOf = (energyUj: number): number => energyUj / 1e6;\n`, {
    filePath: units,
  });
  assert.deepEqual(
    inUnits?.messages.filter((m) => m.ruleId === rule),
    [],
    'units.ts is where conversions live',
  );
});
