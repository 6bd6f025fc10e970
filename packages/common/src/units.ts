// Unit helpers. Energy counters are bigint microjoules (they exceed 2^53 on real hosts); power is a
// number in watts. Conversions live here so that no other file multiplies by 1e6 by hand: the lint
// rule isawatt/no-bare-scale-factor (eslint-rules/) flags a bare 1e3/1e6/1e9 next to an energy,
// power, time or frequency name in the packages' sources. Each conversion is named `<from>To<to>`
// and does no rounding (callers round where their figure must be whole).

/** A 64-bit integer as protobufjs decodes it when no `longs` conversion is asked for (long.js). */
export interface WireLong {
  low: number;
  high: number;
  unsigned: boolean;
}

function isWireLong(value: unknown): value is WireLong {
  return typeof value === 'object' && value !== null && typeof (value as WireLong).low === 'number' && typeof (value as WireLong).high === 'number';
}

/** Exact bigint of a decoded long: no decimal string in between (the telemetry ingest path). */
export function wireLongToBigInt(v: WireLong): bigint {
  const u = v.high === 0 ? BigInt(v.low >>> 0) : (BigInt(v.high >>> 0) << 32n) | BigInt(v.low >>> 0);
  return v.unsigned ? u : BigInt.asIntN(64, u);
}

/**
 * Parses a uint64 that arrived as a decimal string (proto longs: String), a number, a bigint or a
 * decoded long object (the coordinator's AgentLink telemetry path, see proto/load.ts).
 */
export function toBigInt(value: string | number | bigint | WireLong | null | undefined, what = 'value'): bigint {
  if (value === null || value === undefined || value === '') return 0n;
  if (typeof value === 'bigint') return value;
  if (isWireLong(value)) return wireLongToBigInt(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || !Number.isInteger(value)) {
      throw new RangeError(`${what}: expected an integer, got ${value}`);
    }
    return BigInt(value);
  }
  if (!/^-?\d+$/.test(value.trim())) throw new RangeError(`${what}: expected an integer, got "${value}"`);
  return BigInt(value.trim());
}

/** For the wire: bigint -> decimal string (proto longs: String). */
export function toWireU64(value: bigint | number): string {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) throw new RangeError(`uint64: invalid ${value}`);
    return Math.round(value).toString();
  }
  if (value < 0n) throw new RangeError(`uint64: negative ${value}`);
  return value.toString();
}

export const UJ_PER_J = 1_000_000;

export function ujToJ(energyUj: bigint | number): number {
  return Number(energyUj) / UJ_PER_J;
}

export function jToUj(energyJ: number): bigint {
  if (!Number.isFinite(energyJ)) throw new RangeError(`energy: not finite (${energyJ})`);
  return BigInt(Math.round(energyJ * UJ_PER_J));
}

/** Mean power in watts of an energy delta over an interval. 0 for an empty interval. */
export function powerW(energyUj: bigint | number, intervalMs: number): number {
  if (intervalMs <= 0) return 0;
  return Number(energyUj) / 1000 / intervalMs;
}

/** Energy in µJ of a constant power over an interval. */
export function energyUjOf(powerW_: number, intervalMs: number): bigint {
  return BigInt(Math.round(powerW_ * intervalMs * 1000));
}

// Time. Durations are numbers (ms, s, µs, ns); CPU-time counters are bigint µs or ns.
export const MS_PER_S = 1000;
export const US_PER_MS = 1000;
export const NS_PER_US = 1000;

export function msToS(ms: number): number {
  return ms / MS_PER_S;
}

export function sToMs(s: number): number {
  return s * MS_PER_S;
}

export function msToUs(ms: number): number {
  return ms * US_PER_MS;
}

export function usToMs(us: bigint | number): number {
  return Number(us) / US_PER_MS;
}

export function usToS(us: bigint | number): number {
  return Number(us) / (US_PER_MS * MS_PER_S);
}

export function msToNs(ms: number): number {
  return ms * US_PER_MS * NS_PER_US;
}

export function sToNs(s: number): number {
  return s * MS_PER_S * US_PER_MS * NS_PER_US;
}

export function nsToS(ns: bigint | number): number {
  return Number(ns) / (MS_PER_S * US_PER_MS * NS_PER_US);
}

/** Whole microseconds of a nanosecond counter (truncated, as the kernel's own µs figures are). */
export function nsToUs(ns: bigint): bigint {
  return ns / BigInt(NS_PER_US);
}

// Energy and power beyond µJ/J/W.
export function jToKj(energyJ: number): number {
  return energyJ / 1000;
}

/** Millijoules (figures per invocation). */
export function jToMj(energyJ: number): number {
  return energyJ * 1000;
}

/** Microwatts (hwmon power*_input) to watts. */
export function uwToW(powerUw: bigint | number): number {
  return Number(powerUw) / 1e6;
}

// Frequency: cpufreq and CPPC speak kHz, the agent's figures are MHz.
export function khzToMhz(khz: bigint | number): number {
  return Number(khz) / 1000;
}

export function mhzToKhz(mhz: number): number;
export function mhzToKhz(mhz: bigint): bigint;
export function mhzToKhz(mhz: number | bigint): number | bigint {
  return typeof mhz === 'bigint' ? mhz * 1000n : mhz * 1000;
}

export function mhzToHz(mhz: number): number {
  return mhz * 1e6;
}
