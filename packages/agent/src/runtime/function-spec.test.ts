import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ValidationError } from '@isawatt/common';
import { parseFunctionSpec } from './function-spec.js';

const good = `
name: jwt-node
version: 1.0.0
category: crypto
runtime: node
entry: index.mjs
input:
  seed: 42
timeoutMs: 5000
memoryLimitMb: 256
`;

test('a valid manifest parses with defaults filled', () => {
  const spec = parseFunctionSpec(good, '/f/jwt-node/function.yaml', 'jwt-node');
  assert.equal(spec.name, 'jwt-node');
  assert.equal(spec.input.seed, 42);
  assert.equal(spec.maxInputBytes, 1024 * 1024);
  assert.equal(spec.maxOutputBytes, 4 * 1024 * 1024);
  assert.deepEqual(spec.classpath, []);
});

test('every problem is listed with the file and the field path', () => {
  const text = `
name: Bad_Name
version: one
category: games
runtime: cobol
entry: ../escape.mjs
timeoutMs: -1
memoryLimitMb: 256
surprise: 1
`;
  try {
    parseFunctionSpec(text, '/f/x/function.yaml', 'x');
    assert.fail('expected a ValidationError');
  } catch (err) {
    assert.ok(err instanceof ValidationError);
    const lines = err.issues.join('\n');
    for (const field of ['name:', 'version:', 'category:', 'runtime:', 'entry:', 'timeoutMs:']) {
      assert.match(lines, new RegExp(`/f/x/function.yaml: ${field}`), `missing issue for ${field}\n${lines}`);
    }
    assert.match(lines, /surprise/);
    assert.match(lines, /expected one of node, python, java, native, wasm/);
  }
});

test('name must equal the folder, java entry must be a class name', () => {
  assert.throws(() => parseFunctionSpec(good, '/f/other/function.yaml', 'other'), /must equal the folder name "other"/);
  const java = good.replace('runtime: node', 'runtime: java').replace('entry: index.mjs', 'entry: not a class');
  assert.throws(() => parseFunctionSpec(java, '/f/jwt-node/function.yaml', 'jwt-node'), /must be a Java class name/);
});

test('YAML syntax errors and non-mappings are named', () => {
  assert.throws(() => parseFunctionSpec('name: [unclosed', '/f/a/function.yaml', 'a'), /\/f\/a\/function.yaml: not valid YAML/);
  assert.throws(() => parseFunctionSpec('- a\n- b\n', '/f/a/function.yaml', 'a'), /expected a mapping/);
});
