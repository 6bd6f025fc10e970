// Validation of run records that cross a boundary (the Control API's SaveRun, files read back from
// the state directory, JSON files given to `isawatt report`). Every string is bounded so that a
// record from the wire cannot grow the state directory or a report without limit; `satisfies`
// below keeps the schema and the RunRecord type in step.
import { z } from 'zod';
import type { RunRecord } from './run-record.js';

const name = z.string().min(1).max(200);
const id = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, 'expected 1-128 letters, digits, ".", "_" or "-", starting with a letter or digit');
const num = z.number().finite();
const nonNeg = num.min(0);
const quality = z.enum(['measured', 'modelled', 'estimated', 'emulated', 'simulated']);

const latency = z.object({ p50: nonNeg, p95: nonNeg, p99: nonNeg });

const functionResult = z.object({
  name,
  placement: z.array(z.object({ hostId: name, cores: nonNeg, rateRps: nonNeg })).max(10_000),
  requestedRps: nonNeg,
  offeredRps: nonNeg,
  achievedRps: nonNeg,
  achievedCounts: z.enum(['window-arrivals', 'window-completions']).optional(),
  unanswered: nonNeg.optional(),
  metRate: z.boolean(),
  reason: z.string().max(2000).optional(),
  latencyMs: latency.optional(),
  errors: nonNeg,
  drops: nonNeg,
  energyJ: nonNeg.optional(),
  predictedEnergyJ: nonNeg,
});

const hostResult = z.object({
  id: name,
  type: name,
  energyJ: nonNeg,
  energyQuality: quality,
  energySource: z.string().max(300),
  agentEnergyJ: nonNeg.optional(),
  predictedEnergyJ: nonNeg,
  parked: z.boolean(),
  coresUsed: nonNeg,
});

const sample = z.object({ tS: num, hostId: name, powerW: nonNeg, pduPowerW: nonNeg.optional() });

export const runRecordSchema = z.object({
  id,
  kind: z.enum(['measured', 'simulated']),
  experimentId: id.optional(),
  startedAt: z.string().max(64),
  mix: name.optional(),
  policy: name,
  load: nonNeg.optional(),
  repeat: z.number().int().min(0).optional(),
  seed: z.number().int().optional(),
  durationS: nonNeg,
  warmupS: nonNeg,
  rateTolerance: num.min(0).max(1),
  metRates: z.boolean(),
  energyJ: nonNeg,
  energyQuality: quality,
  predictedEnergyJ: nonNeg,
  hosts: z.array(hostResult).max(10_000),
  functions: z.array(functionResult).max(100_000),
  series: z.array(sample).max(2_000_000).optional(),
  deploy: z
    .object({
      readyS: nonNeg,
      workersByHost: z.record(z.string().max(200), z.number().int().min(0)),
    })
    .optional(),
  inputs: z.record(z.string().max(200), z.unknown()),
});

// A compile-time check that a parsed record is a RunRecord.
type Parsed = z.infer<typeof runRecordSchema>;
const _compatible = (p: Parsed): RunRecord => p;
void _compatible;

/** Parses a record; throws a one-line Error naming the first problems. */
export function parseRunRecord(value: unknown, what = 'run record'): RunRecord {
  const r = runRecordSchema.safeParse(value);
  if (!r.success) {
    const issues = r.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new Error(`${what}: ${issues.join('; ')}`);
  }
  return r.data;
}

export function isRunId(value: string): boolean {
  return id.safeParse(value).success;
}
