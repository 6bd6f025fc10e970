// One run of a planned workload on the live hosts: deploy the plan's workers (all acks or
// everything rolled back), then, once every host's workers are warm, every function's rate; let it
// warm up, measure a window from the agents'
// telemetry, undeploy, then total the window into a RunRecord and store it on the coordinator
// (which announces start, stop and result on MQTT).
//
// Load comes from the agents' own open-loop drivers (the assignment's rate_rps): each function's
// arrivals are generated on the host, next to its workers, at their scheduled times, so the rate
// offered is exact whatever the network or this CLI is doing; a CLI-side generator through the
// invoke endpoints would put an HTTP hop and one more busy process on the measured machines.
import { EXIT, ExitError, msToS, type wire, sToMs } from '@isawatt/common';
import type { Plan } from '../placement/plan.js';
import type { PlacementProblem } from '../placement/problem.js';
import type { DeployReadiness, RunRecord } from '../results/run-record.js';
import type { ControlClient } from '../cli/control-client.js';
import { toDeployRequest } from '../cli/commands/deploy.js';
import { buildRecord, type PduWindow } from './build-record.js';
import { versions } from './provenance.js';
import { WindowCollector, type HostTotals } from './window-collector.js';

export interface RunSpec {
  readonly problem: PlacementProblem;
  readonly plan: Plan;
  readonly durationS: number;
  readonly warmupS: number;
  readonly rateTolerance: number;
  readonly ackTimeoutMs: number;
  readonly experimentId?: string | undefined;
  readonly mix?: string | undefined;
  readonly load?: number | undefined;
  readonly repeat?: number | undefined;
  readonly seed?: number | undefined;
  /** Workload and models (file names, provenance), solver: stored in the record's inputs. */
  readonly inputs: Readonly<Record<string, unknown>>;
  /** Called about once a second with the phase and the seconds done of it. */
  readonly onProgress?: ((phase: 'deploy' | 'warmup' | 'measure' | 'undeploy', doneS: number, totalS: number) => void) | undefined;
  readonly signal?: AbortSignal | undefined;
}

export function newRunId(now = new Date()): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `run-${stamp}-${Math.random().toString(36).slice(2, 6)}`;
}

/**
 * Longest wait after the window for its arrivals' completions: the agents tell completions apart by
 * age up to COMPLETED_BY_AGE_TICKS - 1 ticks (7 s at the default 1 s tick), plus a tick's delivery.
 */
const DRAIN_LIMIT_MS = 10_000;

class Interrupted extends ExitError {
  constructor() {
    super(130, 'interrupted: the run was stopped and its functions undeployed; no record was stored');
  }
}

async function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (signal?.aborted) throw new Interrupted();
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(t);
      reject(new Interrupted());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Sleeps totalS seconds in steps, reporting progress. */
async function phase(spec: RunSpec, name: 'warmup' | 'measure', totalS: number): Promise<void> {
  const end = Date.now() + sToMs(totalS);
  for (;;) {
    const left = end - Date.now();
    spec.onProgress?.(name, Math.min(totalS, totalS - left / 1000), totalS);
    if (left <= 0) return;
    await sleep(Math.min(1000, left), spec.signal);
  }
}

export function ackFailures(res: wire.DeployResponse__Output): string[] {
  return res.acks.filter((a) => !a.ack?.ok).map((a) => `${a.host_id}: ${a.ack ? `${a.ack.error_code || 'error'}: ${a.ack.error}` : 'no ack'}`);
}

/** The plan with every function placed but no load (the run's first deployment). */
function withoutLoad(plan: Plan): Plan {
  return { ...plan, assignments: plan.assignments.map((a) => ({ ...a, rateRps: 0 })) };
}

/** How long the workers took to be ready everywhere, and how many each host runs (from its ack). */
function readiness(res: wire.DeployResponse__Output, startMs: number, readyMs: number): DeployReadiness {
  const workersByHost: Record<string, number> = {};
  for (const a of res.acks) workersByHost[a.host_id] = (a.ack?.placements ?? []).reduce((n, p) => n + p.worker_pids.length, 0);
  return { readyS: msToS(readyMs - startMs), workersByHost };
}

/** Runs the plan and stores the record; throws ExitError when the deployment fails (rolled back). */
export async function executeRun(client: ControlClient, spec: RunSpec): Promise<RunRecord> {
  const { plan, problem } = spec;
  const id = newRunId();
  const startedAt = new Date().toISOString();
  const collector = new WindowCollector(Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
  const stream = client.watchTelemetry('');
  stream.on('data', (ev: wire.TelemetryEvent__Output) => collector.add(ev));
  stream.on('error', () => undefined); // cancelled at the end; a lost stream shows as missing ticks
  const label = `run=${id} policy=${plan.policy}${spec.mix ? ` mix=${spec.mix}` : ''}`;
  let deployed = false;
  let deploy: DeployReadiness | undefined;
  let fromMs = 0;
  let toMs = 0;
  try {
    spec.onProgress?.('deploy', 0, 1);
    // Workers first, load second. Each host acks once every worker it starts is warm, and one with
    // dozens of carriers to warm acks long after one with a few (12 s in a reproduction): with the
    // rates in the first deployment, the early host's load drivers ran while the late host's
    // warm-ups took the machine's CPUs, filled their queues, and the run's warm-up did not drain
    // them before the window. A load generator starts when the whole deployment is up.
    const deployStartMs = Date.now();
    const res = await client.deploy(toDeployRequest(withoutLoad(plan), problem.hosts, `${label} workers`, spec.ackTimeoutMs));
    if (!res.ok)
      throw new ExitError(EXIT.FAILURE, `deploy failed${res.rolled_back ? ' (every host rolled back)' : ''}: ${res.error}; ${ackFailures(res).join('; ')}`);
    deployed = true;
    deploy = readiness(res, deployStartMs, Date.now());
    const loaded = await client.deploy(toDeployRequest(plan, problem.hosts, label, spec.ackTimeoutMs));
    if (!loaded.ok)
      throw new ExitError(
        EXIT.FAILURE,
        `starting the load failed${loaded.rolled_back ? ' (every host rolled back)' : ''}: ${loaded.error}; ${ackFailures(loaded).join('; ')}`,
      );
    await phase(spec, 'warmup', spec.warmupS);
    fromMs = Date.now();
    toMs = fromMs + sToMs(spec.durationS);
    collector.setWindow(fromMs, toMs);
    await client.markRun({
      run_id: id,
      phase: 'start',
      experiment_id: spec.experimentId ?? '',
      policy: plan.policy,
      mix: spec.mix ?? '',
      at_ms: String(fromMs),
    });
    await phase(spec, 'measure', spec.durationS);
    await client.markRun({ run_id: id, phase: 'stop', experiment_id: spec.experimentId ?? '', policy: plan.policy, mix: spec.mix ?? '', at_ms: String(toMs) });
    // The window's arrivals still in flight are counted when they complete (window-collector.ts):
    // wait, bounded, until every host accounts for them or has sent the ticks that could; the load
    // goes on meanwhile, so they are served as they would have been had the window been longer.
    const deadline = Date.now() + DRAIN_LIMIT_MS;
    while (problem.hosts.some((h) => !collector.drained(h.id)) && Date.now() < deadline) await sleep(100, spec.signal);
  } finally {
    stream.cancel();
    if (deployed) {
      spec.onProgress?.('undeploy', 0, 1);
      const empty: Plan = { ...plan, assignments: [] };
      const res = await client.deploy(toDeployRequest(empty, problem.hosts, `${label} undeploy`, spec.ackTimeoutMs)).catch((err: unknown) => err as Error);
      if (res instanceof Error || !res.ok) {
        const why = res instanceof Error ? res.message : `${res.error}; ${ackFailures(res).join('; ')}`;
        process.stderr.write(`isawatt: warning: undeploy after run ${id} failed: ${why}\n`);
      }
    }
  }

  const totals = new Map<string, HostTotals>();
  for (const h of problem.hosts) {
    const t = collector.host(h.id);
    if (t) totals.set(h.id, t);
  }
  const pdu = new Map<string, PduWindow>();
  for (const h of problem.hosts) {
    const s = await client.getPduSeries(h.id, fromMs, toMs).catch(() => undefined);
    if (s && s.points.length >= 2) {
      pdu.set(h.id, {
        energyJ: s.energy_j,
        coveredMs: Number(s.covered_ms),
        outlet: s.points[0]?.outlet ?? '',
        points: s.points.map((p) => ({ timestampMs: Number(p.timestamp_ms), powerW: p.power_w })),
      });
    }
  }
  const record = buildRecord(problem, plan, totals, pdu, {
    id,
    experimentId: spec.experimentId,
    startedAt,
    mix: spec.mix,
    load: spec.load,
    repeat: spec.repeat,
    seed: spec.seed,
    durationS: spec.durationS,
    warmupS: spec.warmupS,
    rateTolerance: spec.rateTolerance,
    fromMs,
    deploy,
    inputs: {
      ...spec.inputs,
      window: { fromMs, toMs },
      plan: {
        policy: plan.policy,
        status: plan.status,
        solver: plan.solver,
        objective: plan.objective,
        objectiveUnit: plan.objectiveUnit,
        assignments: plan.assignments,
        // Planned on a quantile of each speed (--robust-quantile): which, so the record says why
        // its cores exceed the point figures'.
        ...(plan.robust ? { robust: plan.robust } : {}),
      },
      versions: versions(),
    },
  });
  await client.saveRun(JSON.stringify(record));
  return record;
}
