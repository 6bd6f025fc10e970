// Seeded randomness for the simulator. Every stream is keyed by a name (a function, a host type)
// as well as the seed, so a function's true speed and its arrivals are the same in every cell of a
// simulation whatever the plan: policies are compared on the same "world" (common random numbers).
// mulberry32 for the uniform draws (small state, fast, good enough for simulation), Box-Muller for
// normals, and Poisson by multiplication (small means) or Hörmann's PTRS (large means), both exact.

/** FNV-1a of a string mixed with a seed: the initial state of a named stream. */
export function streamSeed(seed: number, name: string): number {
  let h = (0x811c9dc5 ^ (seed >>> 0)) >>> 0;
  for (let k = 0; k < name.length; k++) {
    h ^= name.charCodeAt(k);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  // One mulberry32 scramble so that nearby names do not start nearby states.
  return mulberryStep(h).state;
}

function mulberryStep(state: number): { state: number; value: number } {
  const a = (state + 0x6d2b79f5) >>> 0;
  let t = a;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return { state: a, value: ((t ^ (t >>> 14)) >>> 0) / 4294967296 };
}

/** A uniform stream in [0, 1). */
export class Rng {
  private state: number;
  constructor(seed: number, name = '') {
    this.state = streamSeed(seed, name);
  }
  next(): number {
    const a = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** Standard normal (Box-Muller; one of the pair is dropped: simplicity over speed here). */
  normal(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
  /** A Poisson(mean) count. */
  poisson(mean: number): number {
    if (!(mean > 0)) return 0;
    return mean < 10 ? this.poissonSmall(mean) : this.poissonPtrs(mean);
  }
  private poissonSmall(mean: number): number {
    const limit = Math.exp(-mean);
    let k = 0;
    let p = this.next();
    while (p > limit) {
      k++;
      p *= this.next();
    }
    return k;
  }
  // W. Hörmann, "The transformed rejection method for generating Poisson random variables" (1993).
  private poissonPtrs(mean: number): number {
    const slam = Math.sqrt(mean);
    const loglam = Math.log(mean);
    const b = 0.931 + 2.53 * slam;
    const a = -0.059 + 0.02483 * b;
    const invalpha = 1.1239 + 1.1328 / (b - 3.4);
    const vr = 0.9277 - 3.6224 / (b - 2);
    for (;;) {
      const u = this.next() - 0.5;
      const v = this.next();
      const us = 0.5 - Math.abs(u);
      const k = Math.floor(((2 * a) / us + b) * u + mean + 0.43);
      if (us >= 0.07 && v <= vr) return k;
      if (k < 0 || (us < 0.013 && v > us)) continue;
      if (Math.log(v) + Math.log(invalpha) - Math.log(a / (us * us) + b) <= -mean + k * loglam - logFactorial(k)) return k;
    }
  }
}

const LOG_FACT_TABLE = (() => {
  const t = new Float64Array(64);
  for (let k = 2; k < 64; k++) t[k] = (t[k - 1] ?? 0) + Math.log(k);
  return t;
})();

/** ln(k!), exact below 64, Stirling's series above (error < 1e-10 there). */
export function logFactorial(k: number): number {
  if (k < 64) return LOG_FACT_TABLE[k] ?? 0;
  const x = k + 1;
  return (x - 0.5) * Math.log(x) - x + 0.5 * Math.log(2 * Math.PI) + 1 / (12 * x) - 1 / (360 * x ** 3) + 1 / (1260 * x ** 5);
}
