// The paper's validation of power attribution (`isawatt calibrate`): a host's function CPUs are
// stressed from 0 % to 100 % in steps; per step the measured host power is compared with the sum
// of the power attributed to the functions (dynamic) plus the idle power measured at 0 %.
import type { wire } from '@isawatt/common';
import { msToS, ujToJ } from '@isawatt/common';

export interface CalibrationStep {
  /** Share of the host's function CPUs stressed, 0..1. */
  readonly load: number;
  readonly cores: number;
  /** Measured host power over the step, W. */
  readonly hostPowerW: number;
  /** Power attributed to the functions as dynamic power, W. */
  readonly attributedW: number;
  /** Idle power (the 0 % step), W. */
  readonly idleW: number;
  /** (attributed + idle - measured) / measured. */
  readonly error: number;
  readonly attribution: string;
  /** The attribution's own model error at the end of the step, W (-1 unknown). */
  readonly modelErrorW: number;
  readonly quality: string;
  readonly durationMs: number;
}

/** Cores stressed at step i of k (1..k) on `cpus` function CPUs: at least one. */
export function coresAtStep(i: number, k: number, cpus: number): number {
  return Math.max(1, Math.round((i / k) * cpus));
}

const QUALITY: Record<string, string> = {
  QUALITY_MEASURED: 'measured',
  QUALITY_MODELLED: 'modelled',
  QUALITY_ESTIMATED: 'estimated',
  QUALITY_EMULATED: 'emulated',
};

/** One row per step; `idleW` is the first step's idle measurement. */
export function calibrationRow(r: wire.BagResult__Output, load: number, cores: number, idleW: number): CalibrationStep {
  const seconds = msToS(r.duration_ms);
  const dynamicUj = r.functions.reduce((a, f) => a + Number(f.dynamic_energy_uj), 0);
  const attributedW = seconds > 0 ? ujToJ(dynamicUj) / seconds : 0;
  const hostPowerW = r.host_power_w;
  return {
    load,
    cores,
    hostPowerW,
    attributedW,
    idleW,
    error: hostPowerW > 0 ? (attributedW + idleW - hostPowerW) / hostPowerW : 0,
    attribution: r.attribution,
    modelErrorW: r.model_error_w,
    quality: QUALITY[r.host_quality] ?? 'unknown',
    durationMs: r.duration_ms,
  };
}

/** The 0 % step: nothing runs, everything is idle. */
export function idleRow(idleW: number, durationMs: number, quality: string): CalibrationStep {
  return { load: 0, cores: 0, hostPowerW: idleW, attributedW: 0, idleW, error: 0, attribution: 'none', modelErrorW: -1, quality, durationMs };
}
