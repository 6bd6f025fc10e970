// Configuration of PDU readings arriving over MQTT: which topics carry them, how to find the outlet
// of a reading (a topic level or a payload field), which host each outlet feeds, how to read the
// value (plain number or a JSON field; power in W/mW/kW, or an energy counter in Wh/kWh that is
// differentiated into power) and how many readings to keep per host in the state directory.
import { z } from 'zod';

export const PDU_UNITS = ['W', 'mW', 'kW', 'Wh', 'kWh'] as const;
export type PduUnit = (typeof PDU_UNITS)[number];

/** True for units that are energy counters (readings are differentiated into power). */
export function isEnergyUnit(unit: PduUnit): boolean {
  return unit === 'Wh' || unit === 'kWh';
}

const fieldPath = z
  .string()
  .min(1, 'expected a field name such as "power" or "data.power"')
  .regex(/^[^.]+(\.[^.]+)*$/, 'expected dot-separated field names such as "data.power"');

const outletSchema = z.union([
  z.strictObject({
    /** Topic level holding the outlet id, 0-based; negative counts from the end (-1: last level). */
    topicLevel: z.number().int('expected a whole topic level index'),
  }),
  z.strictObject({
    /** Payload field holding the outlet id (JSON payloads only). */
    field: fieldPath,
  }),
]);

export const pduSourceSchema = z.strictObject({
  /** MQTT topic filter to subscribe to, e.g. "lab/pdu1/outlet/+/power". */
  topicFilter: z
    .string()
    .min(1, 'expected an MQTT topic filter such as "lab/pdu/+/power"')
    .refine((f) => validTopicFilter(f), 'not a valid MQTT topic filter ("#" only last, "+" and "#" only as whole levels)'),
  outlet: outletSchema,
  /** Outlet id -> host id. Readings of outlets not listed are counted as unmapped and dropped. */
  hosts: z.record(z.string().min(1), z.string().min(1, 'expected a host id')).refine((m) => Object.keys(m).length > 0, 'map at least one outlet to a host'),
  /** "number": the payload is the value; "json": the value is `valueField`; "auto": either. */
  format: z.enum(['auto', 'number', 'json']).default('auto'),
  valueField: fieldPath.default('power'),
  unit: z.enum(PDU_UNITS).default('W'),
  /** Optional JSON field with the reading's own time; else the time of arrival is used. */
  timestampField: fieldPath.optional(),
  timestampUnit: z.enum(['ms', 's']).default('ms'),
  /** Plausible power range of one outlet, in watts; readings outside it are counted and dropped. */
  minPowerW: z.number().default(0),
  maxPowerW: z.number().positive('must be above 0 W').default(20_000),
  qos: z.union([z.literal(0), z.literal(1), z.literal(2)]).default(0),
});
export type PduSourceConfig = z.output<typeof pduSourceSchema>;

export const pduConfigSchema = z.strictObject({
  sources: z.array(pduSourceSchema).default([]),
  /** Readings kept per host (memory and the state directory file); older ones are compacted away. */
  maxPointsPerHost: z.number().int().min(10, 'keep at least 10 readings per host').default(86_400),
  /** Readings older than this are dropped at compaction, in ms (default 7 days). */
  retentionMs: z
    .number()
    .int()
    .min(1000, 'must be at least 1000 ms')
    .default(7 * 24 * 3600 * 1000),
  /** How often buffered readings are appended to the state directory, in ms. */
  flushIntervalMs: z.number().int().min(50).max(60_000).default(1000),
  /** A reading older than this no longer counts as the host's current PDU power, in ms. */
  staleAfterMs: z.number().int().min(100).default(30_000),
});
export type PduConfig = z.output<typeof pduConfigSchema>;

/** MQTT filter syntax: "#" only as the last level, "+"/"#" only as whole levels, no NUL. */
export function validTopicFilter(filter: string): boolean {
  if (filter.length === 0 || filter.includes('\u0000')) return false;
  const levels = filter.split('/');
  return levels.every((level, i) => {
    if (level === '#') return i === levels.length - 1;
    if (level === '+') return true;
    return !level.includes('#') && !level.includes('+');
  });
}
