// Auto-replan (`isawatt coordinator --auto-replan`, docs/placement.md): the coordinator watches
// every function's observed request rate (observed-rates.ts) against the rate the live placement
// plans for it (rate-band.ts). When one stays out of its band for the hold time, it re-plans from
// the live placement with the move budget (the planner and move terms of `isawatt replan`), the
// out functions at their observed rates and the others at their planned ones, and rolls the plan
// out in start-before-stop waves through the AssignmentService. Then a cooldown; the bands start
// afresh around the new rates. Every decision (triggered, planned, applied, skipped and why,
// failed) is logged, appended to <stateDir>/events.jsonl (`isawatt events`) and published on MQTT
// (<prefix>/events/replan).
import { errorMessage, msToS, type Logger, type Service } from '@isawatt/common';
import type { AssignmentService } from '../assignments/assignment-service.js';
import { rollOut, transitionFor } from '../assignments/rollout.js';
import { shutdownMiniZinc } from '../placement/minizinc-solver.js';
import { moveTerms } from '../placement/moves.js';
import { plan } from '../placement/planner.js';
import { buildProblem } from '../placement/problem.js';
import { currentHosts, diffCounts, placementDiff, plannedPlacement } from '../placement/replan-diff.js';
import type { HostRegistry } from '../registry/host-registry.js';
import type { HostView, TelemetryTick } from '../registry/types.js';
import type { Models } from '../workload/types.js';
import type { AutoReplanConfig } from './config.js';
import type { EventLog, ReplanEvent } from './event-log.js';
import { livePlacementOf, liveHosts, plannedRates } from './live-cluster.js';
import { ObservedRates } from './observed-rates.js';
import { RateBands, type HeldFunction } from './rate-band.js';

/** Rate a function with no observed traffic is planned at (req/s): the planner needs R > 0; it gets one core. */
export const MIN_PLANNED_RPS = 0.001;

export interface AutoReplannerOptions {
  readonly config: AutoReplanConfig;
  readonly models: Models;
  readonly registry: HostRegistry;
  readonly assignments: AssignmentService;
  readonly events: EventLog;
  /** Publishes a decision (MQTT); absent when the bridge is off. */
  readonly publish?: ((fields: Record<string, unknown>) => void) | undefined;
  readonly log: Logger;
  readonly now?: () => number;
}

export class AutoReplanner implements Service {
  readonly name = 'auto-replan';
  private readonly log: Logger;
  private readonly now: () => number;
  private readonly rates: ObservedRates;
  private readonly bands: RateBands;
  private busy: Promise<void> | undefined;
  private cooldownUntilMs = -Infinity;
  private attempts = 0;
  private readonly onTelemetry = (hostId: string, report: TelemetryTick): void => {
    for (const f of report.functions) this.rates.observe(hostId, f, report.intervalMs, this.now());
  };
  private readonly onHostDown = (host: HostView): void => this.rates.forget(host.hostId);

  constructor(private readonly opts: AutoReplannerOptions) {
    this.log = opts.log.child({ component: this.name });
    this.now = opts.now ?? Date.now;
    const c = opts.config;
    // A pair not heard from in 3 smoothing constants (at least 5 s) no longer counts.
    this.rates = new ObservedRates(c.smoothMs, Math.max(5000, 3 * c.smoothMs));
    this.bands = new RateBands({ bandPct: c.bandPct, hysteresisPct: c.hysteresisPct, holdMs: c.holdMs });
  }

  async init(): Promise<void> {
    await this.opts.events.init();
    this.opts.registry.on('telemetry', this.onTelemetry);
    this.opts.registry.on('host-down', this.onHostDown);
    const c = this.opts.config;
    this.log.info(
      { bandPct: c.bandPct, hysteresisPct: c.hysteresisPct, holdMs: c.holdMs, cooldownMs: c.cooldownMs, policy: c.policy, maxMoves: c.maxMoves },
      'auto-replan on',
    );
  }

  async run(signal: AbortSignal): Promise<void> {
    if (signal.aborted) return;
    const timer = setInterval(() => this.check(), this.opts.config.checkIntervalMs);
    await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
    clearInterval(timer);
  }

  async shutdown(): Promise<void> {
    this.opts.registry.off('telemetry', this.onTelemetry);
    this.opts.registry.off('host-down', this.onHostDown);
    await this.busy;
  }

  /** One look at the bands; starts a re-plan (or records why not) when functions are held out. */
  check(): void {
    const now = this.now();
    const views = this.opts.registry.list();
    const up = new Set(views.filter((h) => h.state === 'up').map((h) => h.hostId));
    const held = this.bands.update(plannedRates(livePlacementOf(views)), this.rates.totals(up, now), now);
    if (held.length === 0) return;
    const functions = held.map(eventFunction);
    if (this.busy) {
      for (const h of held) this.bands.rearm(h.function, now);
      void this.record({ kind: 'skipped', reason: 'a re-plan is in progress', attempt: this.attempts, functions });
      return;
    }
    if (now < this.cooldownUntilMs) {
      // Reported again when the cooldown ends, if still out then.
      for (const h of held) this.bands.rearm(h.function, Math.max(now, this.cooldownUntilMs - this.opts.config.holdMs));
      void this.record({
        kind: 'skipped',
        reason: `cooldown: the last re-plan ended ${Math.round(msToS(now - (this.cooldownUntilMs - this.opts.config.cooldownMs)))} s ago; next possible in ${Math.ceil(msToS(this.cooldownUntilMs - now))} s`,
        attempt: this.attempts,
        functions,
      });
      return;
    }
    const attempt = ++this.attempts;
    this.busy = this.replan(held, attempt)
      .catch((err: unknown) => void this.record({ kind: 'failed', reason: `re-plan failed: ${errorMessage(err)}`, attempt, functions }))
      .finally(() => {
        this.busy = undefined;
        this.cooldownUntilMs = this.now() + this.opts.config.cooldownMs;
      });
  }

  /** Resolves once the current re-plan (if any) has ended: for tests and shutdown. */
  idle(): Promise<void> {
    return this.busy ?? Promise.resolve();
  }

  private async replan(held: readonly HeldFunction[], attempt: number): Promise<void> {
    const c = this.opts.config;
    const functions = held.map(eventFunction);
    const out = held.map(
      (h) => `${h.function} ${fmtRate(h.plannedRps)} -> ${fmtRate(h.observedRps)} req/s (${h.deviationPct >= 0 ? '+' : ''}${h.deviationPct.toFixed(0)} %)`,
    );
    await this.record({ kind: 'triggered', reason: `out of the ±${c.bandPct} % band for ${msToS(c.holdMs)} s: ${out.join(', ')}`, attempt, functions });

    const views = this.opts.registry.list();
    const live = livePlacementOf(views);
    const { hosts } = liveHosts(views);
    if (hosts.length === 0) return void (await this.record({ kind: 'skipped', reason: 'no live hosts to place on', attempt, functions }));
    const observed = new Map(held.map((h) => [h.function, Math.max(MIN_PLANNED_RPS, h.observedRps)]));
    const demand = [...plannedRates(live)].filter(([, r]) => r > 0).map(([name, r]) => ({ name, rateRps: observed.get(name) ?? r }));
    let problem;
    try {
      problem = buildProblem(hosts, this.opts.models, demand);
    } catch (err) {
      return void (await this.record({ kind: 'skipped', reason: `cannot plan: ${errorMessage(err)}`, attempt, functions }));
    }
    const price = c.policy === 'core-aware' ? 0 : c.moveCostJ / c.horizonS;
    const terms = moveTerms(problem, currentHosts(live), price, c.maxMoves);
    let p;
    try {
      p = await plan(problem, c.policy, { solver: c.solver, timeLimitMs: c.timeLimitMs, split: c.split, moves: terms });
    } finally {
      shutdownMiniZinc();
    }
    if (p.assignments.length === 0)
      return void (await this.record({ kind: 'skipped', reason: `no plan (${p.status}): ${p.reasons.join('; ')}`, attempt, functions }));
    const planned = plannedPlacement(p);
    const counts = diffCounts(placementDiff(live, planned));
    const transition = transitionFor(problem, live, planned);
    const summary = {
      policy: p.policy,
      objective: p.objective,
      objectiveUnit: p.objectiveUnit,
      moves: p.moves,
      waves: transition.waves.length,
      counts,
      capacityDips: transition.dips,
    };
    if (transition.waves.length === 0) {
      return void (await this.record({ kind: 'skipped', reason: 'the plan is the live placement: nothing to change', attempt, functions, plan: summary }));
    }
    const changes = Object.entries(counts)
      .filter(([k, n]) => n > 0 && k !== 'kept')
      .map(([k, n]) => `${n} ${k}`)
      .join(', ');
    await this.record({
      kind: 'planned',
      reason: `${changes || 'rates only'}; ${p.moves ?? 0} move(s); ${transition.waves.length} wave(s) start before stop`,
      attempt,
      functions,
      plan: summary,
    });
    const result = await rollOut(transition, async (wave, k, n) => {
      const res = await this.opts.assignments.deploy(
        [...wave].map(([hostId, es]) => ({ hostId, functions: es.map((e) => ({ function: e.function, cores: e.cores, rateRps: e.rateRps, arrival: '' })) })),
        c.ackTimeoutMs,
        `auto-replan ${attempt} wave ${k + 1}/${n}`,
      );
      return { ok: res.ok, error: res.error, rolledBack: res.rolledBack };
    });
    if (!result.applied) {
      return void (await this.record({
        kind: 'failed',
        reason: `wave ${result.failedWave} of ${transition.waves.length} failed: ${result.error}${result.rolledBack ? ' (rolled back; earlier waves stay)' : ''}`,
        attempt,
        functions,
        plan: summary,
      }));
    }
    this.bands.reset();
    await this.record({ kind: 'applied', reason: `applied in ${transition.waves.length} wave(s)`, attempt, functions, plan: summary });
  }

  private async record(e: Omit<ReplanEvent, 'seq' | 'timestampMs' | 'source'>): Promise<void> {
    let event: ReplanEvent;
    try {
      event = await this.opts.events.append(e, this.now());
    } catch (err) {
      this.log.error({ err: errorMessage(err) }, 'auto-replan: cannot write the event log');
      event = { seq: 0, timestampMs: this.now(), source: 'auto-replan', ...e };
    }
    this.log.info(
      { seq: event.seq, attempt: e.attempt, decision: e.kind, reason: e.reason, functions: e.functions?.map((f) => f.function) },
      `auto-replan ${e.kind}`,
    );
    this.opts.publish?.({
      seq: event.seq,
      decision: event.kind,
      attempt: event.attempt,
      reason: event.reason,
      functions: (event.functions ?? []).map((f) => ({
        function: f.function,
        planned_rps: f.plannedRps,
        observed_rps: f.observedRps,
        deviation_pct: f.deviationPct,
        out_for_ms: f.outForMs,
      })),
      ...(event.plan ? { plan: event.plan } : {}),
    });
  }
}

function eventFunction(h: HeldFunction): HeldFunction {
  return {
    function: h.function,
    plannedRps: round(h.plannedRps),
    observedRps: round(h.observedRps),
    deviationPct: round(h.deviationPct),
    outForMs: Math.round(h.outForMs),
  };
}

const round = (x: number): number => Math.round(x * 1000) / 1000;
const fmtRate = (x: number): string => String(round(x));
