// Turns a workload spec into concrete rates for a given cluster and models: explicit rates are
// taken as written, a mix is expanded by the seed's rule (mixes.ts).
import { deriveMixRates } from './mixes.js';
import type { FunctionDemand, HostSpec, Models, WorkloadSpec } from './types.js';

export function resolveWorkload(spec: WorkloadSpec, hosts: readonly HostSpec[], models: Models): FunctionDemand[] {
  if (spec.kind === 'rates') return [...spec.functions];
  return deriveMixRates(spec.mix, spec.load, spec.functions, hosts, models);
}
