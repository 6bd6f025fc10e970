import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { loadConfig, readConfigFile } from './config-loader.js';
import { ConfigError } from './errors.js';

const schema = z.strictObject({
  listen: z.string().default('127.0.0.1:7070'),
  tickIntervalMs: z.number().int().positive().default(1000),
  tls: z.strictObject({ certFile: z.string().optional() }).default({}),
});

function tempFile(t: { after: (fn: () => void) => void }, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'isawatt-cfg-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const p = join(dir, 'c.yaml');
  writeFileSync(p, text);
  return p;
}

test('defaults < file < env < flags', (t) => {
  const file = tempFile(t, 'listen: 0.0.0.0:1\ntickIntervalMs: 500\n');
  const { config } = loadConfig({
    schema,
    file,
    env: { ISAWATT_TICK_INTERVAL_MS: '250', ISAWATT_LISTEN: '127.0.0.1:2' },
    envMap: { ISAWATT_TICK_INTERVAL_MS: 'tickIntervalMs', ISAWATT_LISTEN: 'listen' },
    flags: { listen: '127.0.0.1:3', tickIntervalMs: undefined },
  });
  assert.equal(config.listen, '127.0.0.1:3');
  assert.equal(config.tickIntervalMs, 250);
});

test('every problem is listed at once with its path', (t) => {
  const file = tempFile(t, 'listen: 5\ntickIntervalMs: -3\ntls: { certFile: 7 }\n');
  let err: unknown;
  try {
    loadConfig({ schema, file, what: 'test config' });
  } catch (e) {
    err = e;
  }
  assert.ok(err instanceof ConfigError);
  assert.equal(err.issues.length, 3);
  assert.match(err.issues.join('\n'), /listen: /);
  assert.match(err.issues.join('\n'), /tickIntervalMs: /);
  assert.match(err.issues.join('\n'), /tls\.certFile: /);
});

test('unknown keys are warnings, not failures', (t) => {
  const file = tempFile(t, 'listen: 127.0.0.1:9\nfancy: true\ntls: { extra: 1 }\n');
  const { config, warnings } = loadConfig({ schema, file });
  assert.equal(config.listen, '127.0.0.1:9');
  assert.deepEqual(warnings.sort(), ['fancy: unknown key, ignored', 'tls.extra: unknown key, ignored']);
});

test('unreadable and malformed files name the file', (t) => {
  assert.throws(() => loadConfig({ schema, file: '/nonexistent/x.yaml' }), /\/nonexistent\/x\.yaml: cannot read \(ENOENT\)/);
  const bad = tempFile(t, 'listen: [unclosed\n');
  assert.throws(() => loadConfig({ schema, file: bad }), /not valid YAML/);
  const list = tempFile(t, '- a\n- b\n');
  assert.throws(() => loadConfig({ schema, file: list }), /expected a mapping/);
});

test('readConfigFile: .json files are JSON (errors say so), JSON text in a .yaml file is read as JSON, YAML flow style still works', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'isawatt-cfg-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, text: string): string => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  };
  assert.deepEqual(readConfigFile(write('a.json', '{"hosts": [{"id": "x", "cores": 4}]}')), { hosts: [{ id: 'x', cores: 4 }] });
  assert.throws(
    () => readConfigFile(write('b.json', '{"hosts": [1, 2,]}'), 'hosts file'),
    (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.match(err.message, /b\.json: not valid JSON: Unexpected token/);
      return true;
    },
  );
  assert.deepEqual(readConfigFile(write('c.yaml', '{"a": 1}')), { a: 1 });
  // Flow-style YAML that is not JSON (unquoted keys) falls through to the YAML parser.
  assert.deepEqual(readConfigFile(write('d.yaml', '{ a: 1, b: [x, y] }')), { a: 1, b: ['x', 'y'] });
  assert.throws(() => readConfigFile(write('e.yaml', 'a: [1, 2\n')), /e\.yaml: not valid YAML\/JSON/);
});

test('readConfigFile: YAML 1.2 core schema (dates stay text, no merge keys), duplicate keys and several documents are errors with a line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'isawatt-yaml-core-'));
  try {
    const write = (name: string, text: string): string => {
      const p = join(dir, name);
      writeFileSync(p, text);
      return p;
    };
    assert.deepEqual(readConfigFile(write('a.yaml', 'since: 2026-01-01\non: yes\nn: 0x10\nf: 1e3\nz: ~\n')), {
      since: '2026-01-01',
      on: 'yes',
      n: 16,
      f: 1000,
      z: null,
    });
    assert.deepEqual(readConfigFile(write('b.yaml', 'base: &b { x: 1 }\nc:\n  <<: *b\n')), { base: { x: 1 }, c: { '<<': { x: 1 } } });
    assert.throws(() => readConfigFile(write('c.yaml', 'a: 1\na: 2\n')), /c\.yaml: not valid YAML\/JSON: duplicated mapping key \(2:1\)$/);
    assert.throws(() => readConfigFile(write('d.yaml', 'a: 1\n---\nb: 2\n')), /d\.yaml: not valid YAML\/JSON: expected a single document/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
