// The kernel's CPPC arithmetic (drivers/cpufreq/cppc_cpufreq.c), reproduced exactly so our figures
// match what cpufreq would report: the feedback-counter delta with its 32-bit wrap rule, delivered
// performance from the reference/delivered counters, and the affine perf -> kHz map.
import { SensorFileError } from '../hostfs/sysfs-file.js';
import { mhzToKhz } from '@isawatt/common';

const U32_MAX = 0xffff_ffffn;

export interface FeedbackCounters {
  readonly ref: bigint;
  readonly del: bigint;
}

/** Parses `feedback_ctrs` ("ref:5000000000 del:14250000000"). */
export function parseFeedbackCtrs(text: string, path: string): FeedbackCounters {
  const m = /^ref:(\d{1,20}) del:(\d{1,20})$/.exec(text.trim());
  if (!m) throw new SensorFileError(path, `expected "ref:<u64> del:<u64>", got "${text.trim().slice(0, 60)}"`);
  return { ref: BigInt(m[1] as string), del: BigInt(m[2] as string) };
}

/**
 * Kernel get_delta(): t1 − t0 when t1 > t0 or t0 does not fit in 32 bits; otherwise the counters
 * are taken as 32-bit and wrapped ((u32)t1 − (u32)t0, modulo 2^32).
 */
export function cppcCounterDelta(t1: bigint, t0: bigint): bigint {
  if (t1 > t0 || t0 > U32_MAX) return BigInt.asUintN(64, t1 - t0);
  return BigInt.asUintN(32, (t1 & U32_MAX) - (t0 & U32_MAX));
}

/** Delivered performance over the interval, or undefined when a counter did not move (idle core). */
export function deliveredPerf(referencePerf: bigint, prev: FeedbackCounters, cur: FeedbackCounters): bigint | undefined {
  const dRef = cppcCounterDelta(cur.ref, prev.ref);
  const dDel = cppcCounterDelta(cur.del, prev.del);
  // The kernel falls back to the desired perf here; a userspace reader can only say "idle/unknown".
  if (dRef === 0n || dDel === 0n) return undefined;
  return (referencePerf * dDel) / dRef;
}

export interface CppcCaps {
  readonly highestPerf: bigint;
  readonly nominalPerf: bigint;
  readonly lowestPerf: bigint;
  readonly referencePerf: bigint;
  /** MHz; 0 when the firmware gives none. */
  readonly nominalFreqMhz: bigint;
  readonly lowestFreqMhz: bigint;
}

/**
 * Kernel cppc_perf_to_khz(): an affine map through (lowest_perf, lowest_freq) and
 * (nominal_perf, nominal_freq), a proportional one when lowest_freq == nominal_freq, and
 * perf · max_khz / highest_perf (SMBIOS max speed) when the firmware gives no frequencies.
 * Returns undefined when no mapping is possible.
 */
export function cppcPerfToKhz(caps: CppcCaps, perf: bigint, dmiMaxMhz?: number): bigint | undefined {
  let mul: bigint;
  let div: bigint;
  let offset = 0n;
  if (caps.lowestFreqMhz !== 0n && caps.nominalFreqMhz !== 0n) {
    if (caps.lowestFreqMhz === caps.nominalFreqMhz) {
      mul = caps.nominalFreqMhz;
      div = caps.nominalPerf;
    } else {
      mul = caps.nominalFreqMhz - caps.lowestFreqMhz;
      div = caps.nominalPerf - caps.lowestPerf;
    }
    mul = mhzToKhz(mul);
    if (div <= 0n) return undefined;
    offset = mhzToKhz(caps.nominalFreqMhz) - (caps.nominalPerf * mul) / div;
  } else {
    if (dmiMaxMhz === undefined || dmiMaxMhz <= 0 || caps.highestPerf === 0n) return undefined;
    mul = BigInt(Math.round(mhzToKhz(dmiMaxMhz)));
    div = caps.highestPerf;
  }
  return offset + (perf * mul) / div;
}
