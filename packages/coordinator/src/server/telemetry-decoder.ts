// The AgentLink ingest decoder: reads an AgentMessage{telemetry} straight from its bytes into a
// ColumnReport (registry/ingested-report.ts) that the stream reuses, checking the same bounds as
// reportFromWire (codec.ts, docs/security.md "Input bounds") as it goes. A report of 200
// functions then allocates almost nothing: no object per function, no bigint per counter, and the
// function names, session id, energy source and attribution are compared byte for byte with the
// previous report's and reused when equal (an agent sends the same names tick after tick).
//
// It is a fast path, not a second definition of what is valid: on anything it does not handle
// (a problem, an unknown field, a field sent twice, a 64-bit value at or above 2^53, more than
// REPORT_BOUNDS.maxFunctions functions, unpacked per-CPU figures) it returns undefined and the
// caller decodes the bytes with the reference decoder (protobufjs + reportFromWire), which gives
// the full, clear error or the report. A differential test (telemetry-decoder.test.ts) holds the
// two to the same answers.
import { isCleanText, REPORT_BOUNDS, type ReportContext } from './codec.js';
import { ColumnReport, FN, FN_STRIDE } from '../registry/ingested-report.js';
import { COMPLETED_BY_AGE_TICKS, msToUs } from '@isawatt/common';

const UTIL_MAX = 1.0001;
const U32_MAX = 0xffffffff;
/** Bails out of the fast path (caught in decode; made once, so a bail costs no stack trace). */
const BAIL = new Error('left to the reference decoder');

// Reader state of the message being decoded (module state: no reader object per message).
let buf: Buffer = Buffer.alloc(0);
let pos = 0;

function bail(): never {
  throw BAIL;
}

/** A base-128 varint below 2^53, as a number; anything longer bails. */
function varint(end: number): number {
  if (pos >= end) bail();
  let b = buf[pos++] as number;
  if (b < 0x80) return b;
  let v = b & 0x7f;
  let mul = 128;
  for (let i = 1; i < 8; i++) {
    if (pos >= end) bail();
    b = buf[pos++] as number;
    v += (b & 0x7f) * mul;
    if (b < 0x80) {
      if (v > Number.MAX_SAFE_INTEGER) bail();
      return v;
    }
    mul *= 128;
  }
  return bail();
}

function u32(end: number): number {
  const v = varint(end);
  if (v > U32_MAX) bail();
  return v;
}

function double(end: number): number {
  if (pos + 8 > end) bail();
  const v = buf.readDoubleLE(pos);
  pos += 8;
  return v;
}

/** The end of a length-delimited field starting at pos. */
function lenEnd(end: number): number {
  const n = varint(end);
  const e = pos + n;
  if (e > end) bail();
  return e;
}

function quality(end: number): number {
  const q = varint(end);
  if (q > 4) bail();
  return q;
}

function finiteIn(v: number, min: number, max: number): void {
  if (!(Number.isFinite(v) && v >= min && v <= max)) bail();
}

/** A string field equal to a previously validated one is reused without decoding. */
class CachedText {
  private bytes: Uint8Array = new Uint8Array(0);
  value = '';
  private valid = false;

  /** The text of buf[start, end), validated by `ok` when it differs from the last one. */
  read(start: number, end: number, ok: (s: string) => boolean): string {
    const n = end - start;
    const b = this.bytes;
    if (this.valid && b.length === n) {
      let same = true;
      for (let k = 0; k < n; k++) {
        if (b[k] !== buf[start + k]) {
          same = false;
          break;
        }
      }
      if (same) return this.value;
    }
    const s = buf.toString('utf8', start, end);
    if (!ok(s)) bail();
    this.bytes = Uint8Array.prototype.slice.call(buf, start, end);
    this.value = s;
    this.valid = true;
    return s;
  }
}

const cleanText = (max: number) => (s: string) => isCleanText(s, max);
const okSession = (s: string): boolean => s.length > 0 && isCleanText(s, 128);
const okText64 = cleanText(64);
const okName = cleanText(128);

/** One AgentLink stream's decoder: its two report buffers and its text caches. */
export class TelemetryDecoder {
  private readonly slots = [new ColumnReport(), new ColumnReport()];
  private readonly session = new CachedText();
  private readonly energySource = new CachedText();
  private readonly attribution = new CachedText();
  private readonly names: CachedText[] = [];

  /** True when `bytes` is an AgentMessage carrying a telemetry report and nothing else. */
  static isTelemetry(bytes: Buffer): boolean {
    if (bytes[0] !== 0x12) return false;
    buf = bytes;
    pos = 1;
    try {
      return lenEnd(bytes.length) === bytes.length;
    } catch {
      return false;
    }
  }

  /**
   * The report in `bytes` (an AgentMessage{telemetry}), validated against `ctx`, or undefined when
   * the fast path does not decide it (the caller then decodes with the reference decoder).
   */
  decode(bytes: Buffer, ctx: ReportContext): ColumnReport | undefined {
    const r = (this.slots[0] as ColumnReport).pinned ? (this.slots[1] as ColumnReport) : (this.slots[0] as ColumnReport);
    buf = bytes;
    try {
      if (bytes[0] !== 0x12) return undefined;
      pos = 1;
      const end = lenEnd(bytes.length);
      if (end !== bytes.length) return undefined;
      this.report(r, end, ctx);
      return r;
    } catch (err) {
      if (err === BAIL) return undefined;
      throw err;
    } finally {
      buf = EMPTY;
    }
  }

  private report(r: ColumnReport, end: number, ctx: ReportContext): void {
    r.reset(0);
    r.seq = 0n;
    r.sessionId = '';
    r.timestampMs = 0;
    r.intervalMs = 0;
    r.cpuUtilization = 0;
    r.cpuUtilizationPerCpu = [];
    r.cpuFrequencyMhz = 0;
    r.hostEnergyUj = 0;
    r.hostPowerW = 0;
    r.hostQuality = 0;
    r.energySource = '';
    r.domains = [];
    r.attribution = '';
    r.modelErrorW = 0;
    r.idleEnergyUj = 0;
    r.assignmentVersion = 0;
    r.agentCpuTimeUs = 0;
    r.agentRssBytes = 0;
    let seen = 0;
    let seq = 0;
    while (pos < end) {
      const tag = varint(end);
      const field = tag >>> 3;
      const wt = tag & 7;
      // Repeated fields (6, 12, 16) may come many times; a scalar twice is left to the reference.
      if (field !== 12 && field !== 16) {
        const bit = 1 << field;
        if (field > 19 || seen & bit) bail();
        seen |= bit;
      }
      switch (field) {
        case 1:
          if (wt !== 0) bail();
          seq = varint(end);
          break;
        case 2:
          if (wt !== 0) bail();
          r.timestampMs = varint(end);
          break;
        case 3:
          if (wt !== 0) bail();
          r.intervalMs = u32(end);
          break;
        case 4: {
          if (wt !== 2) bail();
          const e = lenEnd(end);
          r.sessionId = this.session.read(pos, e, okSession);
          pos = e;
          break;
        }
        case 5:
          if (wt !== 1) bail();
          r.cpuUtilization = double(end);
          break;
        case 6: {
          if (wt !== 2) bail();
          const e = lenEnd(end);
          const n = (e - pos) / 8;
          if (!Number.isInteger(n) || n > ctx.logicalCpus) bail();
          const per = new Array<number>(n);
          for (let i = 0; i < n; i++) {
            const u = double(e);
            finiteIn(u, 0, UTIL_MAX);
            per[i] = u;
          }
          r.cpuUtilizationPerCpu = per;
          break;
        }
        case 7:
          if (wt !== 1) bail();
          r.cpuFrequencyMhz = double(end);
          break;
        case 8:
          if (wt !== 0) bail();
          r.hostEnergyUj = varint(end);
          break;
        case 9:
          if (wt !== 1) bail();
          r.hostPowerW = double(end);
          break;
        case 10:
          if (wt !== 0) bail();
          r.hostQuality = quality(end);
          break;
        case 11: {
          if (wt !== 2) bail();
          const e = lenEnd(end);
          r.energySource = this.energySource.read(pos, e, okText64);
          pos = e;
          break;
        }
        case 12: {
          if (wt !== 2 || r.domains.length >= REPORT_BOUNDS.maxDomains) bail();
          this.domain(r, lenEnd(end));
          break;
        }
        case 13: {
          if (wt !== 2) bail();
          const e = lenEnd(end);
          r.attribution = this.attribution.read(pos, e, okText64);
          pos = e;
          break;
        }
        case 14:
          if (wt !== 1) bail();
          r.modelErrorW = double(end);
          break;
        case 15:
          if (wt !== 0) bail();
          r.idleEnergyUj = varint(end);
          break;
        case 16:
          if (wt !== 2 || r.functionCount >= REPORT_BOUNDS.maxFunctions) bail();
          this.fn(r, lenEnd(end));
          break;
        case 17:
          if (wt !== 0) bail();
          r.assignmentVersion = varint(end);
          break;
        case 18:
          if (wt !== 0) bail();
          r.agentCpuTimeUs = varint(end);
          break;
        case 19:
          if (wt !== 0) bail();
          r.agentRssBytes = varint(end);
          break;
        default:
          bail();
      }
    }
    // Checks that need the whole header (the same as reportFromWire's).
    const B = REPORT_BOUNDS;
    if (seq < 1) bail();
    r.seq = BigInt(seq);
    const ts = r.timestampMs;
    if (!(ts > 0 && ts >= ctx.nowMs - B.maxAgeMs && ts <= ctx.nowMs + B.maxFutureMs)) bail();
    if (!(r.intervalMs > 0 && r.intervalMs <= B.maxIntervalMs)) bail();
    if (!(seen & (1 << 4))) bail(); // session_id must be present (non-empty)
    finiteIn(r.cpuUtilization, 0, UTIL_MAX);
    finiteIn(r.cpuFrequencyMhz, 0, 100_000);
    const maxW = ctx.maxPowerW;
    const maxEnergyUj = Math.ceil(maxW * msToUs(r.intervalMs));
    if (r.hostEnergyUj > maxEnergyUj || r.idleEnergyUj > maxEnergyUj) bail();
    finiteIn(r.hostPowerW, 0, maxW);
    finiteIn(r.modelErrorW, -1, maxW);
    for (const d of r.domains) {
      if (Number(d.energyUj) > maxEnergyUj) bail();
      finiteIn(d.powerW, 0, maxW);
    }
    const c = r.cols;
    for (let i = 0; i < r.functionCount; i++) {
      const o = i * FN_STRIDE;
      if ((c[o + FN.dynamicEnergyUj] as number) > maxEnergyUj || (c[o + FN.totalEnergyUj] as number) > maxEnergyUj) bail();
      finiteIn(c[o + FN.powerW] as number, 0, maxW);
      for (let k = FN.latencyP50Ms; k <= FN.achievedRps; k++) finiteIn(c[o + k] as number, 0, Number.MAX_VALUE);
    }
  }

  private domain(r: ColumnReport, end: number): void {
    let seen = 0;
    let domain = '';
    let socket = 0;
    let energyUj = 0;
    let powerW = 0;
    let q = 0;
    let source = '';
    let inHostTotal = false;
    while (pos < end) {
      const tag = varint(end);
      const field = tag >>> 3;
      const wt = tag & 7;
      const bit = 1 << field;
      if (field > 7 || seen & bit) bail();
      seen |= bit;
      if (field === 1 || field === 6) {
        if (wt !== 2) bail();
        const e = lenEnd(end);
        const s = buf.toString('utf8', pos, e);
        pos = e;
        if (field === 1) {
          if (!isCleanText(s, 64)) bail();
          domain = s;
        } else source = s;
      } else if (field === 4) {
        if (wt !== 1) bail();
        powerW = double(end);
      } else {
        if (wt !== 0) bail();
        if (field === 2) socket = u32(end);
        else if (field === 3) energyUj = varint(end);
        else if (field === 5) q = quality(end);
        else if (field === 7) {
          const b = varint(end);
          if (b > 1) bail();
          inHostTotal = b === 1;
        } else bail();
      }
    }
    r.domains.push({ domain, socket, energyUj: BigInt(energyUj), powerW, quality: QUALITY[q] ?? 'unknown', source, inHostTotal });
  }

  private fn(r: ColumnReport, end: number): void {
    const i = r.functionCount;
    if ((i + 1) * FN_STRIDE > r.cols.length) {
      const grown = new Float64Array(r.cols.length * 2);
      grown.set(r.cols.subarray(0, i * FN_STRIDE));
      r.cols = grown;
    }
    r.functionCount = i + 1;
    const c = r.cols;
    const o = i * FN_STRIDE;
    for (let k = 0; k < FN_STRIDE; k++) c[o + k] = 0;
    let name = '';
    let seen = 0;
    while (pos < end) {
      const tag = varint(end);
      const field = tag >>> 3;
      const wt = tag & 7;
      const bit = 1 << field;
      if (field > 8 || seen & bit) bail();
      seen |= bit;
      switch (field) {
        case 1: {
          if (wt !== 2) bail();
          const e = lenEnd(end);
          let cache = this.names[i];
          if (cache === undefined) {
            cache = new CachedText();
            this.names[i] = cache;
          }
          name = cache.read(pos, e, okName);
          pos = e;
          break;
        }
        case 2:
          if (wt !== 0) bail();
          c[o + FN.dynamicEnergyUj] = varint(end);
          break;
        case 3:
          if (wt !== 0) bail();
          c[o + FN.totalEnergyUj] = varint(end);
          break;
        case 4:
          if (wt !== 1) bail();
          c[o + FN.powerW] = double(end);
          break;
        case 5:
          if (wt !== 0) bail();
          c[o + FN.cpuTimeUs] = varint(end);
          break;
        case 6:
          if (wt !== 0) bail();
          c[o + FN.cores] = u32(end);
          break;
        case 7:
          if (wt !== 2) bail();
          this.invocations(c, o, lenEnd(end));
          break;
        case 8:
          if (wt !== 0) bail();
          c[o + FN.quality] = quality(end);
          break;
        default:
          bail();
      }
    }
    r.names[i] = name;
  }

  private invocations(c: Float64Array, o: number, end: number): void {
    c[o + FN.hasInvocations] = 1;
    let seen = 0;
    while (pos < end) {
      const tag = varint(end);
      const field = tag >>> 3;
      const wt = tag & 7;
      const bit = 1 << field;
      if (field < 1 || field > 11 || seen & bit) bail();
      seen |= bit;
      if (field === 11) {
        // completed_by_age, packed (an unpacked or oversized one is left to the reference decoder).
        if (wt !== 2) bail();
        const agesEnd = lenEnd(end);
        let n = 0;
        while (pos < agesEnd) {
          if (n >= COMPLETED_BY_AGE_TICKS) bail();
          c[o + FN.completedByAge + n] = varint(agesEnd);
          n++;
        }
        c[o + FN.completedByAgeCount] = n;
        continue;
      }
      // Fields 1-4 (completed, errors, timeouts, dropped), 9 (arrived) and 10 (expired) are varints,
      // 5-8 (latencies, rate) doubles.
      if (field === 9) {
        if (wt !== 0) bail();
        c[o + FN.arrived] = varint(end);
      } else if (field === 10) {
        if (wt !== 0) bail();
        c[o + FN.expired] = varint(end);
      } else if (field <= 4) {
        if (wt !== 0) bail();
        c[o + FN.completed + field - 1] = varint(end);
      } else {
        if (wt !== 1) bail();
        c[o + FN.latencyP50Ms + field - 5] = double(end);
      }
    }
    // The ages break the completions down: more than completed is the reference decoder's error.
    let sum = 0;
    for (let a = 0; a < (c[o + FN.completedByAgeCount] as number); a++) sum += c[o + FN.completedByAge + a] as number;
    if (sum > (c[o + FN.completed] as number)) bail();
  }
}

const EMPTY = Buffer.alloc(0);
const QUALITY = ['unknown', 'measured', 'modelled', 'estimated', 'emulated'] as const;
