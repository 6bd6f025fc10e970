// Domain types for the placement inputs: hosts, per-host-type models and workloads. The file
// formats that produce them are documented in docs/file-formats.md.

import type { Arch } from '@isawatt/common';

export { ARCHES, type Arch } from '@isawatt/common';

export type Category = 'crypto' | 'media' | 'scientific' | 'web';
export const CATEGORIES: readonly Category[] = ['crypto', 'media', 'scientific', 'web'];

/** One server functions may be placed on. */
export interface HostSpec {
  readonly id: string;
  /** Host type: the key into the models file (e.g. "xeon-gold-5318y"). */
  readonly type: string;
  readonly arch: Arch;
  /** Cores functions may use (the seed's C_i). */
  readonly cores: number;
  /** Idle power of the whole host, in watts (used by energy-aware-whole); undefined when unknown. */
  readonly idlePowerW?: number | undefined;
}

/** Performance/energy model of one function on one host type (the seed's E_ij and W_ij). */
export interface FunctionModel {
  /** Executions per second per core (E_ij), measured co-located. */
  readonly execPerSecPerCore: number;
  /** Energy per execution in joules (W_ij). */
  readonly energyPerExecJ: number;
  /** Spread (standard deviation) of the two figures, when known. */
  readonly execPerSecPerCoreStd?: number | undefined;
  readonly energyPerExecJStd?: number | undefined;
  /** Number of bags/samples that fed the figures, when known. */
  readonly samples?: number | undefined;
  /** Spread of the figures across profiling bags (written by `isawatt profile`), when known. */
  readonly spread?: FunctionSpread | undefined;
  /**
   * What the function costs below saturation, driven open loop (written by `isawatt profile`'s
   * open-loop phase), when measured. The two figures above are the saturated, back-to-back ones (the
   * paper's E_ij and W_ij); the planner sizes cores and predicts energy on these when present.
   * With several points measured (`openLoopPoints`), this is the one at the highest utilisation.
   */
  readonly openLoop?: OpenLoopFigures | undefined;
  /**
   * Every open-loop point measured, in strictly increasing utilisation, the last one equal to
   * `openLoop` (absent in models files with one point, or written before points were kept). The
   * planner fits its energy model through all of them (placement/open-loop-fit.ts).
   */
  readonly openLoopPoints?: readonly OpenLoopFigures[] | undefined;
}

/**
 * A function's cost at a utilisation below saturation: open-loop (Poisson) arrivals at a fraction of
 * the rate it sustained saturated. Every wake-up from idle costs CPU and energy a back-to-back
 * stream does not pay, so both figures are usually worse than the saturated ones.
 */
export interface OpenLoopFigures {
  /**
   * Offered rate as a share of the saturated capacity of the cores that served it, 0 < u <= 1: the
   * same quantity the planner controls (rate / (cores x saturated execPerSecPerCore)).
   */
  readonly utilisation: number;
  /** Executions per busy core-second at that utilisation (1 / CPU seconds per execution). */
  readonly execPerSecPerCore: number;
  /** Energy per execution at that utilisation, in joules. */
  readonly energyPerExecJ: number;
  /** Bags/samples that fed the figures, when known. */
  readonly samples?: number | undefined;
}

/** How one figure varied across the bags that measured it. */
export interface FigureSpread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  /** Coefficient of variation: standard deviation / mean (0 when one bag). */
  readonly cv: number;
  /** The per-bag values, when kept (quantiles for robust planning and simulation come from them). */
  readonly perBag?: readonly number[] | undefined;
}

/** Spread of a function's model across the co-located bags of a profiling campaign. */
export interface FunctionSpread {
  /** Bags the function ran in on this host type. */
  readonly bags: number;
  readonly execPerSecPerCore: FigureSpread;
  readonly energyPerExecJ: FigureSpread;
}

export interface HostTypeModel {
  readonly arch: Arch;
  /** Idle power of a host of this type, in watts; a host's own idlePowerW wins. */
  readonly idlePowerW?: number | undefined;
  readonly functions: Readonly<Record<string, FunctionModel>>;
}

export interface Models {
  /** Free text, e.g. "illustrative" or "measured 2026-11-27 on lab cluster". */
  readonly source?: string | undefined;
  /**
   * Where the figures come from, as written by `isawatt profile` (date, commit, hosts, host types,
   * energy sources and their quality, campaign parameters). Informational: planning ignores it.
   */
  readonly provenance?: Readonly<Record<string, unknown>> | undefined;
  readonly hostTypes: Readonly<Record<string, HostTypeModel>>;
  /** Category of each function, used to derive rates for workload mixes. */
  readonly categories: Readonly<Record<string, Category>>;
}

/** A function with the request rate it must sustain, in requests per second (the seed's R_j). */
export interface FunctionDemand {
  readonly name: string;
  readonly rateRps: number;
}

export type MixName = 'general' | 'crypto-dominated' | 'media-dominated' | 'scientific-dominated' | 'web-dominated';
export const MIXES: readonly MixName[] = ['general', 'crypto-dominated', 'media-dominated', 'scientific-dominated', 'web-dominated'];

/** A workload as written: explicit rates, or a mix from which rates are derived. */
export type WorkloadSpec =
  | { readonly kind: 'rates'; readonly functions: readonly FunctionDemand[] }
  | {
      readonly kind: 'mix';
      readonly mix: MixName;
      /** Share of the cluster's function cores the workload is expected to need (0 < load). */
      readonly load: number;
      /** Functions to draw from; undefined means every function with a category in the models. */
      readonly functions?: readonly string[] | undefined;
    };
