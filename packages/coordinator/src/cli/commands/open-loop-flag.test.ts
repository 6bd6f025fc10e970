// --open-loop: 0 is off, one value the old single phase, several sorted for the user; every bad
// value named with the flag.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidArgumentError } from 'commander';
import { parseOpenLoopUtilisations } from './open-loop-flag.js';

const parse = (v: string): number[] => parseOpenLoopUtilisations('--open-loop', v);

test('--open-loop: off, one utilisation, several (ascending whatever the order given)', () => {
  assert.deepEqual(parse('0'), []);
  assert.deepEqual(parse('0.85'), [0.85]);
  assert.deepEqual(parse('1'), [1]);
  assert.deepEqual(parse('0.6,0.85'), [0.6, 0.85]);
  assert.deepEqual(parse(' 0.85 , 0.6 ,0.7'), [0.6, 0.7, 0.85]);
});

test('--open-loop: bad values are refused with the flag and the value named', () => {
  const refuses = (v: string, re: RegExp): void =>
    assert.throws(
      () => parse(v),
      (e: unknown) => e instanceof InvalidArgumentError && e.message.startsWith('--open-loop ') && re.test(e.message),
      v,
    );
  refuses('1.2', /shares of saturated capacity in \(0, 1\].*got "1.2" \("1.2" not in \(0, 1\]\)/);
  refuses('0.6,0', /"0" not in \(0, 1\]/);
  refuses('0.6,-0.2,abc', /"-0.2", "abc" not in/);
  refuses('0.6,,0.85', /"" not in/);
  refuses('', /got ""/);
  refuses('0.6,0.85,0.6', /lists 0.6 twice/);
  refuses('0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8,0.9', /at most 8 utilisations, got 9/);
});
