// The result of one run of a workload under one policy: written by `isawatt run` / `isawatt
// experiment` (measured on live hosts) and by `isawatt simulate` (simulated), read by `isawatt
// runs`, `isawatt report` and scripts (`--json`). One shape for both, so that the report, the
// tables and the comparison of simulated against measured runs treat them alike.
import type { Quality } from '@isawatt/common';

/**
 * How an energy figure was obtained. `measured`: a real sensor or the PDU; `modelled`: a vendor
 * power model (e.g. RAPL on some parts); `estimated`: CPU utilisation × a power profile;
 * `emulated`: an emulated host's counters; `simulated`: `isawatt simulate`.
 */
export type EnergyQuality = Quality | 'simulated';

export interface LatencyMs {
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
}

/** One function's share of a host in a run (a function split across hosts has several). */
export interface FunctionOnHost {
  readonly hostId: string;
  readonly cores: number;
  /** Planned rate share on this host, requests/s. */
  readonly rateRps: number;
}

export interface FunctionResult {
  readonly name: string;
  readonly placement: readonly FunctionOnHost[];
  /** Requested rate R_j, requests/s. */
  readonly requestedRps: number;
  /** Rate the load generator offered (arrivals/s over the measured window). */
  readonly offeredRps: number;
  /**
   * Served requests/s over the measured window: of the requests that arrived in it, those that
   * completed, whenever they did ('window-arrivals'); from agents that predate that count, the
   * completions inside the window ('window-completions', which also counts arrivals queued before it).
   */
  readonly achievedRps: number;
  /** What achievedRps counts (absent in records that predate it: window completions). */
  readonly achievedCounts?: 'window-arrivals' | 'window-completions' | undefined;
  /**
   * With 'window-arrivals': the window's arrivals neither completed nor failed nor dropped by the
   * end of the wait after it (still queued or running: the function fell behind).
   */
  readonly unanswered?: number | undefined;
  /** achievedRps >= (1 - tolerance) × requestedRps. */
  readonly metRate: boolean;
  /** Why the rate was not met, when it was not (e.g. "dropped 12 % at the queue: 2 cores too few"). */
  readonly reason?: string | undefined;
  readonly latencyMs?: LatencyMs | undefined;
  readonly errors: number;
  readonly drops: number;
  /** Energy attributed to the function over the window (dynamic share), joules; undefined when unknown. */
  readonly energyJ?: number | undefined;
  /** The model's prediction W_j × R_j × duration, joules. */
  readonly predictedEnergyJ: number;
}

export interface HostResult {
  readonly id: string;
  readonly type: string;
  /** Whole-host energy over the window, joules. */
  readonly energyJ: number;
  readonly energyQuality: EnergyQuality;
  /** Where the host's figure came from: "pdu:<outlet>", the agent's energy source name, "simulation". */
  readonly energySource: string;
  /** The agent's own figure when the main one is the PDU's, for comparison. */
  readonly agentEnergyJ?: number | undefined;
  /** Predicted idle + Σ W·R over the window, joules. */
  readonly predictedEnergyJ: number;
  /** Host parked (switched off) by the plan: contributes no idle energy. */
  readonly parked: boolean;
  readonly coresUsed: number;
}

/** One point of a per-second series (host power over a run). */
export interface PowerSample {
  /** Seconds since the start of the measured window. */
  readonly tS: number;
  readonly hostId: string;
  readonly powerW: number;
  /** The PDU's reading for the host at the same second, when it has one. */
  readonly pduPowerW?: number | undefined;
}

export interface RunRecord {
  /** Unique id (also the file name in the state directory's runs/). */
  readonly id: string;
  readonly kind: 'measured' | 'simulated';
  /** The experiment this run belongs to, if any. */
  readonly experimentId?: string | undefined;
  readonly startedAt: string;
  readonly mix?: string | undefined;
  readonly policy: string;
  /** Share of the cluster's function cores the workload was sized for, when from a mix. */
  readonly load?: number | undefined;
  readonly repeat?: number | undefined;
  readonly seed?: number | undefined;
  readonly durationS: number;
  readonly warmupS: number;
  /** Tolerance on each function's rate (0.02 = achieved must be >= 98 % of requested). */
  readonly rateTolerance: number;
  readonly metRates: boolean;
  /** Σ hosts' energyJ over the measured window. */
  readonly energyJ: number;
  /** Worst quality among the hosts' figures (measured > modelled > estimated > emulated > simulated). */
  readonly energyQuality: EnergyQuality;
  readonly predictedEnergyJ: number;
  readonly hosts: readonly HostResult[];
  readonly functions: readonly FunctionResult[];
  readonly series?: readonly PowerSample[] | undefined;
  /** Measured runs: how the deployment came up before the load started (absent in older records). */
  readonly deploy?: DeployReadiness | undefined;
  /** Inputs and versions: workload, models file and its provenance, commit, isawatt version, planner solver. */
  readonly inputs: Readonly<Record<string, unknown>>;
}

/**
 * A measured run's deployment: its workers start (and warm) first, its load once every host acked.
 * A run that misses its rates after a slow deployment says so here.
 */
export interface DeployReadiness {
  /** From the deployment request to every host's ack (every worker started and warm), s. */
  readonly readyS: number;
  /** Worker processes each host runs when the load starts (its ack's placements). */
  readonly workersByHost: Readonly<Record<string, number>>;
}
