// WindowCollector counts what became of the requests that arrived in the window: completions by
// their arrival tick (completed_by_age), whenever they came, not the completions inside the window.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { wire } from '@isawatt/common';
import { WindowCollector } from './window-collector.js';

/** A tick of host h, session s, number seq ending at endMs (seq × 1000 ms), for function f. */
function tick(seq: number, f: { completed: number; arrived: number; ages?: number[] }, session = 's1', endMs = seq * 1000): wire.TelemetryEvent__Output {
  return {
    host_id: 'h',
    state: 'HOST_STATE_UP',
    report: {
      seq: String(seq),
      session_id: session,
      timestamp_ms: String(endMs),
      interval_ms: 1000,
      host_energy_uj: '100000000',
      host_power_w: 100,
      host_quality: 'QUALITY_EMULATED',
      energy_source: 'emulated',
      functions: [
        {
          function: 'f',
          dynamic_energy_uj: '1000000',
          cores: 2,
          invocations: {
            completed: String(f.completed),
            errors: '0',
            timeouts: '0',
            dropped: '0',
            arrived: String(f.arrived),
            expired: '0',
            completed_by_age: (f.ages ?? []).map(String),
            latency_p50_ms: 1,
            latency_p95_ms: 2,
            latency_p99_ms: 4,
            achieved_rps: f.completed,
          },
        },
      ],
    } as unknown as wire.TelemetryEvent__Output['report'],
  };
}

/** Window (1000, 4000]: ticks 2, 3, 4 count; 10 arrivals a tick. */
function collector(): WindowCollector {
  const c = new WindowCollector(1000, 4000);
  // Before the window: 2 of tick 1's arrivals complete in tick 2 (age 1), inside the window.
  c.add(tick(1, { completed: 10, arrived: 10, ages: [8, 2] }));
  c.add(tick(2, { completed: 10, arrived: 10, ages: [8, 2] }));
  c.add(tick(3, { completed: 10, arrived: 10, ages: [8, 2] }));
  // The carrier runs late at the window's end: 7 of tick 4's arrivals are still in flight.
  c.add(tick(4, { completed: 5, arrived: 10, ages: [3, 2] }));
  return c;
}

test("completions inside the window of earlier arrivals are left out; the window's arrivals completing after it count", () => {
  const c = collector();
  // Inside the window: 8 + 8 + 3 of its own arrivals, and 2 + 2 of ticks 2 and 3 (not tick 1's 2).
  assert.equal(c.host('h')?.functions.get('f')?.servedOfArrivals, 23);
  assert.equal(c.host('h')?.functions.get('f')?.completed, 25);
  assert.equal(c.drained('h'), false, 'no tick after the window yet');
  // Tick 5: the 7 late ones of tick 4 (age 1) and 8 of its own (age 0, not the window's).
  c.add(tick(5, { completed: 15, arrived: 10, ages: [8, 7] }));
  const f = c.host('h')?.functions.get('f');
  assert.equal(f?.servedOfArrivals, 30, 'every one of the 30 arrivals served');
  assert.equal(f?.arrived, 30);
  assert.equal(f?.completed, 25, 'completions inside the window are unchanged by the drain');
  assert.equal(f?.byArrival, true);
  assert.equal(c.drained('h'), true, 'every arrival of the window is accounted for');
});

test('the wait after the window ends COMPLETED_BY_AGE_TICKS - 1 ticks on, with what is still missing left unserved', () => {
  const c = collector();
  c.add(tick(5, { completed: 10, arrived: 10, ages: [8, 2] }));
  for (let seq = 6; seq < 11; seq++) {
    c.add(tick(seq, { completed: 10, arrived: 10, ages: [10] }));
    assert.equal(c.drained('h'), false, `5 arrivals of the window are still out at tick ${seq}`);
  }
  // Age 7 (the oldest told apart) of tick 11 is tick 4: 1 more of the window's arrivals.
  c.add(tick(11, { completed: 11, arrived: 10, ages: [10, 0, 0, 0, 0, 0, 0, 1] }));
  assert.equal(c.drained('h'), true);
  assert.equal(c.host('h')?.functions.get('f')?.servedOfArrivals, 23 + 2 + 1);
  // Later ticks cannot be told apart from later arrivals: not counted.
  c.add(tick(12, { completed: 11, arrived: 10, ages: [10, 0, 0, 0, 0, 0, 0, 1] }));
  assert.equal(c.host('h')?.functions.get('f')?.servedOfArrivals, 26);
});

test('an agent restarted in the window is counted from its new session only; one without ages is marked so', () => {
  const c = new WindowCollector(1000, 4000);
  c.add(tick(2, { completed: 10, arrived: 10, ages: [10] }));
  // A new session numbers its ticks from 1 again: its age-1 completion of tick 0 is none of ours.
  c.add(tick(1, { completed: 10, arrived: 10, ages: [9, 1] }, 's2', 3000));
  assert.equal(c.host('h')?.functions.get('f')?.servedOfArrivals, 19);

  const old = new WindowCollector(1000, 4000);
  old.add(tick(2, { completed: 10, arrived: 10 }));
  assert.equal(old.host('h')?.functions.get('f')?.byArrival, false);
});
