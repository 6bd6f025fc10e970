// Pure parsing of one PDU message: does the topic match, which outlet is it, what value and unit,
// when was it taken. No state, no I/O; the ingest (ingest.ts) maps outlets to hosts, differentiates
// energy counters and counts what it rejects.
import type { PduSourceConfig } from './config.js';
import { sToMs } from '@isawatt/common';

/** MQTT topic filter matching ("+" one level, "#" the rest; "$"-topics never match wildcards at the root). */
export function topicMatches(filter: string, topic: string): boolean {
  const f = filter.split('/');
  const t = topic.split('/');
  if (topic.startsWith('$') && (f[0] === '+' || f[0] === '#')) return false;
  for (let i = 0; i < f.length; i++) {
    const level = f[i];
    if (level === '#') return true;
    if (i >= t.length) return false;
    if (level !== '+' && level !== t[i]) return false;
  }
  return f.length === t.length;
}

export type PduParseResult =
  { ok: true; outlet: string; value: number; timestampMs: number } | { ok: false; reason: 'malformed'; detail: string; outlet?: string };

/** Value at a dotted path of a JSON object ("data.power"). */
function at(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const key of path.split('.')) {
    if (typeof cur !== 'object' || cur === null || Array.isArray(cur) || !Object.hasOwn(cur, key)) return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

/** A finite number from a JSON number or a numeric string; undefined otherwise. */
function numberOf(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && /^\s*[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*$/.test(v)) {
    const n = Number(v);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

/** Outlet ids: a non-empty printable string of at most 64 characters, or a whole number. */
function outletOf(v: unknown): string | undefined {
  if (typeof v === 'string' && v.trim() !== '' && v.length <= 64 && !/[\u0000-\u001f\u007f-\u009f]/.test(v)) return v.trim();
  if (typeof v === 'number' && Number.isInteger(v)) return String(v);
  return undefined;
}

/**
 * Reads outlet, value and time from one message of `src`. The value is in `src.unit` (not yet
 * converted). Anything unusable is `malformed` with a detail naming what was wrong.
 */
export function parsePduMessage(src: PduSourceConfig, topic: string, payload: Buffer | string, receivedMs: number): PduParseResult {
  const text = (typeof payload === 'string' ? payload : payload.toString('utf8')).trim();
  let json: unknown;
  let value: number | undefined;
  if (src.format !== 'json') value = numberOf(text);
  if (value === undefined && src.format !== 'number') {
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    if (typeof json === 'number') value = Number.isFinite(json) ? json : undefined;
    else if (typeof json === 'object' && json !== null && !Array.isArray(json)) value = numberOf(at(json, src.valueField));
  }

  let outlet: string | undefined;
  if ('topicLevel' in src.outlet) {
    const levels = topic.split('/');
    const idx = src.outlet.topicLevel < 0 ? levels.length + src.outlet.topicLevel : src.outlet.topicLevel;
    outlet = outletOf(levels[idx]);
    if (outlet === undefined) return { ok: false, reason: 'malformed', detail: `topic "${topic}" has no level ${src.outlet.topicLevel} for the outlet id` };
  } else {
    outlet = typeof json === 'object' && json !== null ? outletOf(at(json, src.outlet.field)) : undefined;
    if (outlet === undefined) return { ok: false, reason: 'malformed', detail: `payload has no outlet field "${src.outlet.field}"` };
  }

  if (value === undefined) {
    const expected =
      src.format === 'number'
        ? 'a plain number'
        : src.format === 'json'
          ? `JSON with a numeric "${src.valueField}"`
          : `a plain number or JSON with a numeric "${src.valueField}"`;
    return { ok: false, reason: 'malformed', detail: `expected ${expected}, got ${JSON.stringify(text.slice(0, 80))}`, outlet };
  }

  let timestampMs = receivedMs;
  if (src.timestampField !== undefined) {
    const raw = typeof json === 'object' && json !== null ? at(json, src.timestampField) : undefined;
    const ts = numberOf(raw);
    if (ts === undefined || ts <= 0) {
      return { ok: false, reason: 'malformed', detail: `payload has no numeric timestamp field "${src.timestampField}"`, outlet };
    }
    timestampMs = src.timestampUnit === 's' ? Math.round(sToMs(ts)) : Math.round(ts);
  }
  return { ok: true, outlet, value, timestampMs };
}

/** Power in watts of a power reading in `unit` (W, mW, kW). */
export function toWatts(value: number, unit: 'W' | 'mW' | 'kW'): number {
  return unit === 'W' ? value : unit === 'mW' ? value / 1000 : value * 1000;
}

/** Energy in watt-hours of an energy reading in `unit` (Wh, kWh). */
export function toWattHours(value: number, unit: 'Wh' | 'kWh'): number {
  return unit === 'Wh' ? value : value * 1000;
}
