// A bandwidth-limited carrier that ran out of work is woken at most once per CFS period; while it
// has work it is topped up at once (carrier-wake-gate.ts). A manual clock: the timer
// fires when the test advances time, so nothing here depends on the machine's speed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CarrierWakeGate, type GateClock } from './carrier-wake-gate.js';

class ManualClock implements GateClock {
  private t = 0;
  private timers: { at: number; fn: () => void; cancelled: boolean }[] = [];
  now(): number {
    return this.t;
  }
  after(ms: number, fn: () => void): () => void {
    const timer = { at: this.t + ms, fn, cancelled: false };
    this.timers.push(timer);
    return () => {
      timer.cancelled = true;
    };
  }
  /** Timers not yet fired nor cancelled. */
  pending(): number {
    return this.timers.filter((x) => !x.cancelled).length;
  }
  advance(ms: number): void {
    this.t += ms;
    const due = this.timers.filter((x) => !x.cancelled && x.at <= this.t);
    this.timers = this.timers.filter((x) => !due.includes(x));
    for (const x of due) x.fn();
  }
}

function gate(periodMs: number | undefined): { g: CarrierWakeGate; clock: ManualClock; opens: () => number } {
  const clock = new ManualClock();
  let opened = 0;
  const g = new CarrierWakeGate(
    () => periodMs,
    () => opened++,
    clock,
  );
  return { g, clock, opens: () => opened };
}

test('wake gate: the first wake-up is free; out of work, it waits out the period since that wake-up', () => {
  const { g, clock, opens } = gate(500);
  assert.equal(g.mayTake(0), true, 'never woken: no hold');
  g.handed();
  g.handed();
  clock.advance(20);
  assert.equal(g.mayTake(2), true, 'requests in its pipe: topped up at once');
  g.markIdle();
  assert.equal(g.mayTake(0), false, 'out of work 20 ms after its wake-up: held');
  assert.equal(g.waitMs(), 480);
  assert.equal(g.mayTake(0), false);
  assert.equal(clock.pending(), 1, 'one timer however often it is asked');
  clock.advance(479);
  assert.equal(opens(), 0);
  clock.advance(1);
  assert.equal(opens(), 1, 'opened one period after the wake-up');
  assert.equal(g.mayTake(0), true);
  g.handed();
  assert.equal(g.mayTake(0), true, 'woken again: its pipe may empty without it being out of work');
  g.markIdle();
  assert.equal(g.mayTake(0), false, 'that hand-over was a new wake-up');
  assert.equal(g.waitMs(), 500);
  g.close();
});

test('wake gate: an empty pipe with requests waiting is not a wake-up (it answered faster than it was topped up)', () => {
  const { g, clock } = gate(500);
  g.handed();
  clock.advance(10);
  // The pool calls markIdle() only when its pipe empties with nothing waiting; here work waits.
  assert.equal(g.mayTake(0), true);
  g.handed();
  clock.advance(10);
  g.markIdle();
  assert.equal(g.waitMs(), 480, 'the hold counts from the wake-up that started the busy stretch');
  g.close();
});

test('wake gate: a busy stretch longer than the period is never followed by a hold', () => {
  const { g, clock } = gate(100);
  g.handed();
  clock.advance(40);
  g.handed(); // topped up: not a wake-up
  clock.advance(80);
  g.markIdle();
  assert.equal(g.mayTake(0), true, 'its last wake-up was 120 ms ago');
  assert.equal(clock.pending(), 0);
  g.close();
});

test('wake gate: no period (no CPU share) means no hold', () => {
  const { g, clock } = gate(undefined);
  g.handed();
  clock.advance(1);
  g.markIdle();
  assert.equal(g.mayTake(0), true);
  assert.equal(g.waitMs(), 0);
  g.close();
});

test('wake gate: closing cancels the timer and lets everything through', () => {
  const { g, clock, opens } = gate(300);
  g.handed();
  g.markIdle();
  assert.equal(g.mayTake(0), false);
  assert.equal(clock.pending(), 1);
  g.close();
  assert.equal(clock.pending(), 0, 'timer cancelled');
  clock.advance(1000);
  assert.equal(opens(), 0, 'a closed gate never calls back');
  assert.equal(g.mayTake(0), true, 'a closed gate holds nothing');
});
