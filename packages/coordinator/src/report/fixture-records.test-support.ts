// Run records for the report's tests: two mixes × three policies × two repeats on a two-host
// cluster, with per-second power series (one host with a PDU outlet) and the example models with
// a bag spread. Test data, built here, not measured.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { RunRecord } from '../results/run-record.js';
import { parseModels } from '../workload/parse.js';
import type { Models } from '../workload/types.js';

export function exampleModelsWithSpread(): Models {
  const m = parseModels(parse(readFileSync(new URL('../../../../examples/models.yaml', import.meta.url), 'utf8')), 'examples/models.yaml');
  const hostTypes = Object.fromEntries(
    Object.entries(m.hostTypes).map(([t, ht]) => [
      t,
      {
        ...ht,
        functions: Object.fromEntries(
          Object.entries(ht.functions).map(([f, fm]) => [
            f,
            {
              ...fm,
              spread: {
                bags: 3,
                execPerSecPerCore: { median: fm.execPerSecPerCore, min: fm.execPerSecPerCore * 0.9, max: fm.execPerSecPerCore * 1.1, cv: 0.05 },
                energyPerExecJ: { median: fm.energyPerExecJ, min: fm.energyPerExecJ * 0.95, max: fm.energyPerExecJ * 1.05, cv: 0.03 },
              },
            },
          ]),
        ),
      },
    ]),
  );
  return { ...m, hostTypes };
}

export function fixtureRecords(): RunRecord[] {
  const out: RunRecord[] = [];
  const factor: Record<string, number> = { rr: 1, 'core-aware': 0.93, 'energy-aware': 0.88 };
  let n = 0;
  for (const repeat of [0, 1]) {
    for (const mix of ['general', 'web-dominated']) {
      for (const policy of ['rr', 'core-aware', 'energy-aware']) {
        n++;
        const base = (mix === 'general' ? 2000 : 1800) * (factor[policy] ?? 1) * (1 + repeat * 0.01);
        const missed = policy === 'rr' && mix === 'web-dominated' && repeat === 1;
        out.push({
          id: `run-fixture-${n}`,
          kind: 'measured',
          experimentId: 'exp-fixture',
          startedAt: `2026-12-06T10:${String(n).padStart(2, '0')}:00.000Z`,
          mix,
          policy,
          load: 0.5,
          repeat,
          seed: 1,
          durationS: 10,
          warmupS: 2,
          rateTolerance: 0.02,
          metRates: !missed,
          energyJ: base,
          energyQuality: 'emulated',
          predictedEnergyJ: base * 1.03,
          hosts: [
            {
              id: 'xeon-1',
              type: 'xeon-gold-6130',
              energyJ: base * 0.6,
              energyQuality: 'measured',
              energySource: 'pdu:outlet-3',
              agentEnergyJ: base * 0.55,
              predictedEnergyJ: base * 0.62,
              parked: false,
              coresUsed: 3,
            },
            {
              id: 'altra-1',
              type: 'altra-max-m128-30',
              energyJ: base * 0.4,
              energyQuality: 'emulated',
              energySource: 'agent:xgene-hwmon',
              predictedEnergyJ: base * 0.41,
              parked: false,
              coresUsed: 5,
            },
          ],
          functions: [
            {
              name: 'jwt-node',
              placement: [{ hostId: 'altra-1', cores: 2, rateRps: 100 }],
              requestedRps: 100,
              offeredRps: 100.2,
              achievedRps: missed ? 80 : 99.9,
              metRate: !missed,
              reason: missed ? '200 arrivals (20.0 %) dropped at a full queue: 2 cores could not keep up' : undefined,
              latencyMs: { p50: 2.1, p95: 9.5, p99: 20.3 },
              errors: 0,
              drops: missed ? 200 : 0,
              energyJ: 12.5,
              predictedEnergyJ: 12.0,
            },
            {
              name: 'html-node',
              placement: [{ hostId: 'xeon-1', cores: 3, rateRps: 300 }],
              requestedRps: 300,
              offeredRps: 299.8,
              achievedRps: 299.7,
              metRate: true,
              latencyMs: { p50: 1.1, p95: 4.5, p99: 11 },
              errors: 0,
              drops: 0,
              energyJ: 20.1,
              predictedEnergyJ: 21,
            },
          ],
          series: Array.from({ length: 10 }, (_, t) => [
            { tS: t + 1, hostId: 'xeon-1', powerW: base * 0.055 + (t % 3), pduPowerW: base * 0.06 + (t % 2) },
            { tS: t + 1, hostId: 'altra-1', powerW: base * 0.04 + (t % 2) },
          ]).flat(),
          inputs: { modelsFile: 'examples/models.yaml', solver: 'auto', versions: { commit: 'test', isawatt: '0.1.0', node: process.version } },
        });
      }
    }
  }
  return out;
}
