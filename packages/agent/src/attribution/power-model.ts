// One SmartWatts frequency layer of one socket: a history of (counter rates, measured power) samples,
// a non-negative linear model fitted on it, and a window of the model's absolute errors that decides
// when to refit. Mirrors smartwatts-formula model/{power_model,frequency_layer,sample_history}.py,
// with NNLS (nnls.ts) in place of ElasticNet(positive=True).
import { nnls } from './nnls.js';

export interface PowerModelOptions {
  /** Samples needed before the first fit (SmartWatts learn-min-samples-required: 10). */
  readonly minSamples: number;
  /** Samples kept per layer (learn-history-window-size: 60). The intercept is fitted only when full. */
  readonly historySize: number;
  /** Errors kept per layer (learn-error-window-size: 60). */
  readonly errorWindowSize: number;
  /** Refit when the error statistic exceeds this, W (cpu-error-threshold: 2.0). */
  readonly errorThresholdW: number;
  /** "median" (default, SmartWatts) or "mean". */
  readonly errorStatistic: 'median' | 'mean';
  /** A fit whose intercept is outside [0, tdpW) is rejected (cpu-tdp: 400). */
  readonly tdpW: number;
}

export interface FittedModel {
  /** W per (event count per second), one per feature, >= 0. */
  readonly coefficients: readonly number[];
  /** Static power of the socket at this layer, W, in [0, tdpW). */
  readonly interceptW: number;
  /** Increments with every accepted fit (SmartWatts model id). */
  readonly id: number;
  /** Number of samples it was fitted on. */
  readonly samples: number;
  /** False while the history was not yet full (intercept forced to 0, as in SmartWatts). */
  readonly withIntercept: boolean;
  /** True when the intercept is the socket's measured idle power rather than fitted. */
  readonly measuredIdle: boolean;
}

export class PowerModel {
  private readonly xs: number[][] = [];
  private readonly ys: number[] = [];
  private readonly errors: number[] = [];
  private fitted: FittedModel | undefined;
  private nextId = 1;

  constructor(
    readonly featureCount: number,
    private readonly opts: PowerModelOptions,
  ) {}

  get model(): FittedModel | undefined {
    return this.fitted;
  }

  get sampleCount(): number {
    return this.xs.length;
  }

  /** Predicted dynamic power of one feature vector, W (no intercept). */
  dynamicPowerW(features: readonly number[]): number {
    const m = this.fitted;
    if (m === undefined) return 0;
    let p = 0;
    for (let i = 0; i < m.coefficients.length; i++) p += (m.coefficients[i] ?? 0) * (features[i] ?? 0);
    return p;
  }

  /** Error statistic over the window, W; -1 when there is no model or no error yet. */
  errorW(): number {
    if (this.fitted === undefined || this.errors.length === 0) return -1;
    if (this.opts.errorStatistic === 'mean') return this.errors.reduce((a, b) => a + b, 0) / this.errors.length;
    const s = [...this.errors].sort((a, b) => a - b);
    const mid = s.length >> 1;
    return s.length % 2 === 1 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
  }

  /**
   * Records one tick: global features (Σ over targets, event/s) and the measured power, W. When a
   * model exists its error on this sample enters the window first. Then (re)learns if needed.
   * Returns true when a new model was accepted.
   */
  observe(globalFeatures: readonly number[], measuredW: number, idleW?: number): boolean {
    if (globalFeatures.length !== this.featureCount) {
      throw new RangeError(`power model: ${globalFeatures.length} features, expected ${this.featureCount}`);
    }
    if (!Number.isFinite(measuredW)) return false;
    if (this.fitted !== undefined) {
      const predicted = this.fitted.interceptW + this.dynamicPowerW(globalFeatures);
      this.errors.push(Math.abs(measuredW - predicted));
      if (this.errors.length > this.opts.errorWindowSize) this.errors.shift();
    }
    this.xs.push([...globalFeatures]);
    this.ys.push(measuredW);
    if (this.xs.length > this.opts.historySize) {
      this.xs.shift();
      this.ys.shift();
    }
    // Beyond SmartWatts: also refit once when the history first fills if the model in force has no
    // intercept. Without this, an early intercept-less fit whose error happens to stay under the
    // threshold would keep the static power folded into the event coefficients forever.
    const full = this.xs.length >= this.opts.historySize;
    // Beyond SmartWatts: once the socket's idle power has been measured (ticks with no function
    // activity), it is the intercept and only the event coefficients are fitted. A fitted intercept
    // needs the load to vary; under a steady load it is not identifiable and static power leaks
    // into the functions (or dynamic power into idle). A new idle figure triggers a refit.
    const idleChanged =
      idleW !== undefined &&
      this.fitted !== undefined &&
      (!this.fitted.measuredIdle || Math.abs(this.fitted.interceptW - idleW) > this.opts.errorThresholdW / 4);
    const needs =
      this.xs.length >= this.opts.minSamples &&
      (this.fitted === undefined ||
        this.errorW() > this.opts.errorThresholdW ||
        idleChanged ||
        // and once more when the history fills, if the model was fitted on a partial one: an early
        // fit on few samples may predict the total well (no error to trigger a refit) and still
        // split it wrongly between the events.
        (full && (!this.fitted.withIntercept || this.fitted.samples < this.opts.historySize)));
    return needs ? this.learn(idleW) : false;
  }

  private learn(idleW?: number): boolean {
    if (idleW !== undefined && idleW >= 0 && idleW < this.opts.tdpW) {
      const { x } = nnls(
        this.xs,
        this.ys.map((y) => y - idleW),
      );
      this.errors.length = 0;
      if (x.some((c) => !Number.isFinite(c))) return false;
      this.fitted = {
        coefficients: x.slice(0, this.featureCount),
        interceptW: idleW,
        id: this.nextId++,
        samples: this.xs.length,
        withIntercept: true,
        measuredIdle: true,
      };
      return true;
    }
    // SmartWatts fits the intercept only once the history is full; before that it is 0.
    const withIntercept = this.xs.length >= this.opts.historySize;
    const a = withIntercept ? this.xs.map((row) => [...row, 1]) : this.xs;
    const { x } = nnls(a, this.ys);
    const coefficients = x.slice(0, this.featureCount);
    const interceptW = withIntercept ? (x[this.featureCount] ?? 0) : 0;
    // The error window restarts after every attempt, accepted or not (SmartWatts clears it).
    this.errors.length = 0;
    if (!(interceptW >= 0 && interceptW < this.opts.tdpW)) return false;
    if (coefficients.some((c) => !Number.isFinite(c))) return false;
    this.fitted = { coefficients, interceptW, id: this.nextId++, samples: this.xs.length, withIntercept, measuredIdle: false };
    return true;
  }
}
