import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ExitError } from '@isawatt/common';
import { parseAssignSpecs } from './assign.js';

test('FUNCTION=CORES[@RATE] specs parse; malformed ones are all reported (exit 2)', () => {
  assert.deepEqual(parseAssignSpecs(['jwt-node=4@200', 'zip-py=1', 'pagerank=0@0.5'], 'poisson'), [
    { function: 'jwt-node', cores: 4, rate_rps: 200, arrival: 'poisson' },
    { function: 'zip-py', cores: 1, rate_rps: 0, arrival: 'poisson' },
    { function: 'pagerank', cores: 0, rate_rps: 0.5, arrival: 'poisson' },
  ]);
  assert.throws(
    () => parseAssignSpecs(['a=x', 'b=1@', 'c=2', 'c=3', '=4'], 'constant'),
    (err: ExitError) => {
      assert.equal(err.exitCode, 2);
      for (const bad of ['"a=x"', '"b=1@"', '"c=3": function c given twice', '"=4"']) assert.ok(err.message.includes(bad), `${bad} in ${err.message}`);
      return true;
    },
  );
});
