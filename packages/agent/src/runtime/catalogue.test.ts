import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadCatalogue, readableBy } from './catalogue.js';
import { Toolchain } from './harness-command.js';

const repoRoot = fileURLToPath(new URL('../../../..', import.meta.url));

function manifest(name: string, runtime: string, entry: string): string {
  return `name: ${name}\nversion: 1.0.0\ncategory: test\nruntime: ${runtime}\nentry: ${entry}\ntimeoutMs: 1000\nmemoryLimitMb: 64\n`;
}

test('loads good manifests, lists broken ones with every problem, marks unbuilt entries not runnable', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'isawatt-cat-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const add = (folder: string, yaml: string, files: Record<string, string> = {}): void => {
    mkdirSync(join(dir, folder));
    writeFileSync(join(dir, folder, 'function.yaml'), yaml);
    for (const [f, c] of Object.entries(files)) writeFileSync(join(dir, folder, f), c);
  };
  add('good', manifest('good', 'node', 'index.mjs'), { 'index.mjs': 'export async function handler(i) { return i; }\n' });
  add('broken', 'name: broken\nversion: x\nruntime: node\n');
  add('unbuilt', manifest('unbuilt', 'native', 'build/unbuilt'));
  add('nopython', manifest('nopython', 'python', 'h.py'), { 'h.py': '' });
  mkdirSync(join(dir, '_harness'));
  mkdirSync(join(dir, 'not-a-function'));

  const toolchain = new Toolchain({ repoRoot, pythonPath: join(dir, 'no-such-python') });
  const cat = await loadCatalogue({ functionsDir: dir, toolchain });
  assert.deepEqual(cat.names(), ['good', 'nopython', 'unbuilt']);
  assert.equal(cat.get('good')?.runnable, true);
  assert.match(cat.get('unbuilt')?.unavailableReason ?? '', /not built \(run functions\/build.sh\)/);
  assert.match(cat.get('nopython')?.unavailableReason ?? '', /python interpreter not executable/);
  assert.equal(cat.problems.length, 1);
  const issues = cat.problems[0]?.issues.join('\n') ?? '';
  assert.match(issues, /broken\/function.yaml: version: expected a semantic version/);
  assert.match(issues, /broken\/function.yaml: category:/);
  assert.match(issues, /broken\/function.yaml: entry:/);
  const info = cat.info();
  assert.deepEqual(
    info.map((i) => [i.name, i.runnable]),
    [
      ['good', true],
      ['nopython', false],
      ['unbuilt', false],
      ['broken', false],
    ],
  );
});

test('readableBy walks the path with the mode bits of another user', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'isawatt-perm-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'fn'));
  writeFileSync(join(dir, 'fn', 'bin'), '');
  chmodSync(dir, 0o755);
  chmodSync(join(dir, 'fn'), 0o755);
  chmodSync(join(dir, 'fn', 'bin'), 0o644);
  const nobody = { uid: 65534, gid: 65534 };
  assert.equal(readableBy(join(dir, 'fn'), nobody), '');
  assert.match(readableBy(join(dir, 'fn', 'bin'), nobody, true), /not readable and executable by uid 65534 \(mode 644\)/);
  chmodSync(dir, 0o700);
  assert.match(readableBy(join(dir, 'fn'), nobody), /is not searchable by uid 65534 \(mode 700\)/);
});
