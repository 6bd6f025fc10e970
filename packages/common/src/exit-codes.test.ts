import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, ExitError, InternalError, NotFoundError, SensorUnavailableError, UnavailableError, ValidationError } from './errors.js';
import { EXIT, exitCodeOf, isExpectedError } from './exit-codes.js';

test('exitCodeOf: one map for both CLIs', () => {
  assert.equal(exitCodeOf(new ConfigError(['x: bad'])), EXIT.BAD_INPUT);
  assert.equal(exitCodeOf(new ValidationError('workload', 'bad')), EXIT.BAD_INPUT);
  assert.equal(exitCodeOf(new UnavailableError('127.0.0.1:1', 'refused')), EXIT.UNAVAILABLE);
  assert.equal(exitCodeOf(new NotFoundError('host', 'nope')), EXIT.NOT_FOUND);
  assert.equal(exitCodeOf(new ExitError(EXIT.INTERRUPTED, 'interrupted')), EXIT.INTERRUPTED);
  assert.equal(exitCodeOf(new SensorUnavailableError('rapl', '/sys/x', 'missing')), EXIT.FAILURE);
  assert.equal(exitCodeOf(new InternalError('bug')), EXIT.FAILURE);
  assert.equal(exitCodeOf('a string'), EXIT.FAILURE);
});

test('isExpectedError: bugs and unknown errors are not one-line failures', () => {
  assert.equal(isExpectedError(new NotFoundError('host', 'nope')), true);
  assert.equal(isExpectedError(new SensorUnavailableError('rapl', '/sys/x', 'missing')), true);
  assert.equal(isExpectedError(new InternalError('bug')), false);
  assert.equal(isExpectedError(new TypeError('x is undefined')), false);
});
