// How long the demo's deployments may wait for the agents' acks. An emulated agent acks an
// assignment once every new worker has started and warmed at full speed (function-pool.ts,
// warmupMs), and warm-ups take turns: as many at once per host as this machine has real CPUs, and
// both emulated hosts share those CPUs. A quiet 2-CPU machine took 22-23 s to warm 13-16 carriers
// (bench/results/experiment-runs.json, readyS), so the CLI's fixed 30 s (10 s for `deploy`) was
// missed whenever other work slowed the warm-ups. The deadline grows with the warm-ups a host can
// have to run instead; a hung agent still fails the step, later.
import { availableParallelism } from 'node:os';
import { WORKER_WARMUP_MS } from '../../packages/agent/src/emulation/emulated-host.js';
import { getProfile } from '../../packages/agent/src/emulation/profiles.js';
import { CARRIER_CPUS } from '../../packages/agent/src/runtime/function-pool.js';

/** What is left for the rest of an apply (cgroups, worker starts, the ack's round trip), ms. */
const BASE_MS = 30_000;

/**
 * How much slower than alone on its CPU a warm-up may run: both hosts warm at once on the same
 * CPUs (x2), and a busy CI machine runs other work beside them (x2).
 */
const SLOWDOWN_ALLOWANCE = 4;

/**
 * The ack deadline for deploying `functions` functions onto emulated hosts of these profiles:
 * the most carriers one host can start (a carrier per CARRIER_CPUS emulated CPUs of a function,
 * rounded up per function), warmed realCpus at a time, each WORKER_WARMUP_MS of CPU at the
 * allowance's slowdown.
 */
export function demoAckTimeoutMs(profiles: readonly string[], functions: number, realCpus = availableParallelism()): number {
  const workers = Math.max(
    ...profiles.map((name) => {
      const p = getProfile(name);
      return functions + Math.floor((p.sockets * p.coresPerSocket * p.threadsPerCore) / CARRIER_CPUS);
    }),
  );
  return BASE_MS + Math.ceil(workers / Math.max(1, realCpus)) * WORKER_WARMUP_MS * SLOWDOWN_ALLOWANCE;
}
