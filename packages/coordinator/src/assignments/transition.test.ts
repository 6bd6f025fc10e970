// planTransition: start before stop. Hand cases (a move with room, a resize, a removed function,
// two full hosts swapping functions) and seeded random cases checking that applying the waves in
// order ends at the target and that no function's capacity ever drops below the smaller of what it
// had and its target rate, except the functions named as dipping in a forced last wave.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { planTransition, type Entry, type HostAssignments, type TransitionInput } from './transition.js';

const e = (fn: string, cores: number, rateRps: number): Entry => ({ function: fn, cores, rateRps });
const speed = (): number => 10;

function apply(input: TransitionInput): { states: Map<string, Entry[]>[]; dips: readonly string[]; waves: number } {
  const t = planTransition(input);
  const state = new Map<string, Entry[]>([...input.current].map(([h, es]) => [h, [...es]]));
  const states = [new Map(state)];
  for (const wave of t.waves) {
    for (const [h, es] of wave) {
      assert.ok(es.reduce((s, x) => s + x.cores, 0) <= (input.capacity.get(h) ?? Infinity), `wave over capacity on ${h}`);
      state.set(h, [...es]);
    }
    states.push(new Map(state));
  }
  return { states, dips: t.dips, waves: t.waves.length };
}

function capacity(state: Map<string, Entry[]>, fn: string, sp: TransitionInput['speed']): number {
  let c = 0;
  for (const [h, es] of state) for (const x of es) if (x.function === fn) c += x.cores * sp(h, fn);
  return c;
}

function norm(a: HostAssignments): string {
  return JSON.stringify(
    [...a]
      .filter(([, es]) => es.length)
      .map(([h, es]) => [h, [...es].sort((x, y) => x.function.localeCompare(y.function))])
      .sort(),
  );
}

function checkInvariants(input: TransitionInput, label: string): { dips: readonly string[]; waves: number } {
  const { states, dips, waves } = apply(input);
  const last = states[states.length - 1] as Map<string, Entry[]>;
  assert.equal(norm(last), norm(input.target), `${label}: ends at the target`);
  const targetRate = new Map<string, number>();
  for (const es of input.target.values()) for (const x of es) targetRate.set(x.function, (targetRate.get(x.function) ?? 0) + x.rateRps);
  for (const [fn, need] of targetRate) {
    if (dips.includes(fn)) continue;
    const floor = Math.min(capacity(states[0] as Map<string, Entry[]>, fn, input.speed), need);
    states.forEach((s, k) =>
      assert.ok(capacity(s, fn, input.speed) >= floor - 1e-9, `${label}: ${fn} dropped to ${capacity(s, fn, input.speed)} < ${floor} after wave ${k}`),
    );
  }
  return { dips, waves };
}

describe('planTransition (start before stop)', () => {
  test('a move with room: start on the new host, then stop on the old one', () => {
    const input: TransitionInput = {
      current: new Map([
        ['a', [e('f', 4, 40)]],
        ['b', []],
      ]),
      target: new Map([
        ['a', []],
        ['b', [e('f', 4, 40)]],
      ]),
      capacity: new Map([
        ['a', 8],
        ['b', 8],
      ]),
      speed,
    };
    const t = planTransition(input);
    assert.equal(t.waves.length, 2);
    assert.deepEqual([...(t.waves[0] as Map<string, Entry[]>).keys()], ['b']);
    assert.deepEqual((t.waves[0] as Map<string, Entry[]>).get('b'), [e('f', 4, 40)]);
    assert.deepEqual((t.waves[1] as Map<string, Entry[]>).get('a'), []);
    assert.deepEqual(t.dips, []);
    checkInvariants(input, 'move');
  });

  test('a removed function stops at once; a resize in place is one wave', () => {
    const input: TransitionInput = {
      current: new Map([['a', [e('old', 2, 20), e('f', 2, 20)]]]),
      target: new Map([['a', [e('f', 3, 26)]]]),
      capacity: new Map([['a', 4]]),
      speed,
    };
    const r = checkInvariants(input, 'resize');
    assert.deepEqual(r.dips, []);
  });

  test('two full hosts swapping functions: the last wave is forced and names the dips', () => {
    const input: TransitionInput = {
      current: new Map([
        ['a', [e('f', 4, 40)]],
        ['b', [e('g', 4, 40)]],
      ]),
      target: new Map([
        ['a', [e('g', 4, 40)]],
        ['b', [e('f', 4, 40)]],
      ]),
      capacity: new Map([
        ['a', 4],
        ['b', 4],
      ]),
      speed,
    };
    const r = checkInvariants(input, 'swap');
    assert.deepEqual(r.dips, ['f', 'g']);
  });

  test('seeded random transitions keep every capacity (200 cases)', () => {
    let seed = 7;
    const rnd = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const int = (lo: number, hi: number): number => lo + Math.floor(rnd() * (hi - lo + 1));
    let forced = 0;
    for (let c = 0; c < 200; c++) {
      const hosts = Array.from({ length: int(2, 4) }, (_, k) => `h${k}`);
      const cap = new Map(hosts.map((h) => [h, int(6, 16)]));
      const sp = (h: string, fn: string): number => 5 + ((h.charCodeAt(1) * 7 + fn.charCodeAt(1) * 3) % 10);
      const fns = Array.from({ length: int(1, 6) }, (_, k) => `f${k}`);
      const place = (): Map<string, Entry[]> => {
        const free = new Map(cap);
        const out = new Map<string, Entry[]>(hosts.map((h) => [h, []]));
        for (const fn of fns) {
          if (rnd() < 0.15) continue;
          const h = hosts[int(0, hosts.length - 1)] as string;
          const cores = Math.min(free.get(h) ?? 0, int(1, 4));
          if (cores < 1) continue;
          free.set(h, (free.get(h) ?? 0) - cores);
          out.get(h)?.push(e(fn, cores, cores * sp(h, fn) * (0.6 + rnd() * 0.4)));
        }
        return out;
      };
      const input: TransitionInput = { current: place(), target: place(), capacity: cap, speed: sp };
      if (checkInvariants(input, `case ${c}`).dips.length) forced++;
    }
    assert.ok(forced < 200, 'most transitions need no forced wave');
  });
});
