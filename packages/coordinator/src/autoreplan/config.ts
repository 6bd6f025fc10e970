// The `autoReplan` section of the coordinator config (docs/placement.md, "Auto-replan"): when a
// function's observed request rate stays outside its planned band for `holdMs`, the coordinator
// re-plans with the move budget and rolls the plan out start before stop.
import { z } from 'zod';
import { SOLVERS } from '../placement/planner.js';

/** Policies that can re-plan from a live placement (the rule policies cannot). */
export const REPLAN_POLICIES = ['core-aware', 'energy-aware', 'energy-aware-whole'] as const;

export const autoReplanConfigSchema = z.strictObject({
  /** Off unless set (`isawatt coordinator --auto-replan`); needs `modelsFile`. */
  enabled: z.boolean().default(false),
  /** Half-width of the planned band, percent of the planned rate: outside it, a function is out. */
  bandPct: z.number().gt(0, 'must be > 0').max(1000).default(20),
  /**
   * Hysteresis, percent of the band: an out function counts as back only once its rate is within
   * bandPct x (1 - hysteresisPct/100) of the plan, so a rate hovering at the band's edge neither
   * resets nor restarts the hold time at every tick.
   */
  hysteresisPct: z.number().min(0).max(100).default(50),
  /** How long a function must stay out of its band before a re-plan, in ms. */
  holdMs: z.number().int().min(0).max(86_400_000).default(60_000),
  /** Least time between the end of one re-plan and the start of the next, in ms. */
  cooldownMs: z.number().int().min(0).max(86_400_000).default(300_000),
  /** Time constant of the smoothing of observed rates (exponentially weighted), in ms. */
  smoothMs: z.number().int().min(0).max(3_600_000).default(10_000),
  /** How often the bands are checked, in ms. */
  checkIntervalMs: z.number().int().min(50).max(600_000).default(1000),
  policy: z.enum(REPLAN_POLICIES).default('energy-aware'),
  /** At most this many moves per re-plan (absent: no cap, moves only priced). */
  maxMoves: z.number().int().min(0).optional(),
  /** Energy of one move (a cold start), in joules. */
  moveCostJ: z.number().min(0).default(10),
  /** How long a plan is expected to last: a move costs moveCostJ / horizonS watts. */
  horizonS: z.number().gt(0).default(3600),
  split: z.boolean().default(false),
  solver: z.enum(SOLVERS).default('auto'),
  timeLimitMs: z.number().int().min(100).max(600_000).default(10_000),
  ackTimeoutMs: z.number().int().min(100).max(600_000).default(10_000),
  /** Decisions kept in <stateDir>/events.jsonl (older ones are dropped). */
  eventsMax: z.number().int().min(10).max(1_000_000).default(1000),
});

export type AutoReplanConfig = z.output<typeof autoReplanConfigSchema>;
