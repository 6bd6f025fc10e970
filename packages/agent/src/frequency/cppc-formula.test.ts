import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cppcCounterDelta, cppcPerfToKhz, deliveredPerf, parseFeedbackCtrs, type CppcCaps } from './cppc-formula.js';

const ALTRA: CppcCaps = { highestPerf: 3000n, nominalPerf: 3000n, lowestPerf: 1000n, referencePerf: 1000n, nominalFreqMhz: 3000n, lowestFreqMhz: 1000n };

test('docs/reference-readings.md CPPC example: Δref 1e9, Δdel 2.85e9, reference_perf 1000 -> perf 2850 -> 2 850 000 kHz', () => {
  const t0 = parseFeedbackCtrs('ref:5000000000 del:14250000000\n', 'f');
  const t1 = parseFeedbackCtrs('ref:6000000000 del:17100000000', 'f');
  const perf = deliveredPerf(ALTRA.referencePerf, t0, t1);
  assert.equal(perf, 2850n);
  assert.equal(cppcPerfToKhz(ALTRA, perf ?? 0n), 2850000n);
});

test('Δdel = 0 (or Δref = 0) -> idle/unknown', () => {
  const t = { ref: 6000000000n, del: 17100000000n };
  assert.equal(deliveredPerf(1000n, t, { ref: 7000000000n, del: 17100000000n }), undefined);
  assert.equal(deliveredPerf(1000n, t, t), undefined);
});

test('kernel get_delta: 32-bit counters wrap modulo 2^32; 64-bit ones subtract', () => {
  assert.equal(cppcCounterDelta(0x10n, 0xfffffff0n), 0x20n);
  assert.equal(cppcCounterDelta(20n, 10n), 10n);
  assert.equal(cppcCounterDelta(0x1_0000_0010n, 0x1_0000_0000n), 0x10n);
  assert.equal(cppcCounterDelta(5n, 5n), 0n);
});

test('perf -> kHz: lowest_freq == nominal_freq is proportional; no frequencies -> SMBIOS max speed', () => {
  assert.equal(cppcPerfToKhz({ ...ALTRA, lowestFreqMhz: 3000n }, 1500n), 1500000n);
  const noFreq = { ...ALTRA, nominalFreqMhz: 0n, lowestFreqMhz: 0n };
  assert.equal(cppcPerfToKhz(noFreq, 1500n), undefined);
  assert.equal(cppcPerfToKhz(noFreq, 1500n, 3000), 1500000n);
  // An affine map with an offset: lowest (100, 800 MHz), nominal (200, 2000 MHz) -> perf 150 = 1400 MHz.
  assert.equal(cppcPerfToKhz({ ...ALTRA, lowestPerf: 100n, nominalPerf: 200n, lowestFreqMhz: 800n, nominalFreqMhz: 2000n }, 150n), 1400000n);
});

test('malformed feedback_ctrs names the file and shows the text', () => {
  assert.throws(
    () => parseFeedbackCtrs('ref:12 delx:5', '/sys/x/feedback_ctrs'),
    /\/sys\/x\/feedback_ctrs: expected "ref:<u64> del:<u64>", got "ref:12 delx:5"/,
  );
});
