// The experiment matrix: mixes × policies × repeats, each repeat in its own seeded random order
// (so that drift of the machines over time does not favour the policies that happen to run first),
// reproducible from the seed, which is what lets `--resume` continue in the same order.
import { EXIT, ExitError } from '@isawatt/common';
import { parsePolicies } from '../placement/inputs.js';
import type { PolicyName } from '../placement/plan.js';
import { MIXES, type MixName } from '../workload/types.js';

export interface Cell {
  readonly mix: MixName;
  readonly policy: PolicyName;
  readonly repeat: number;
}

export function cellKey(c: { mix?: string | undefined; policy: string; repeat?: number | undefined }): string {
  return `${c.mix ?? ''}|${c.policy}|${c.repeat ?? 0}`;
}

/** `--mixes`: general, crypto, media, scientific, web (or the full names, e.g. web-dominated). */
export function parseMixes(value: string): MixName[] {
  const out: MixName[] = [];
  for (const raw of value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const name = (raw === 'general' || raw.endsWith('-dominated') ? raw : `${raw}-dominated`) as MixName;
    if (!MIXES.includes(name)) throw new ExitError(EXIT.BAD_INPUT, `--mixes: unknown mix "${raw}"; expected general, crypto, media, scientific or web`);
    if (!out.includes(name)) out.push(name);
  }
  if (out.length === 0) throw new ExitError(EXIT.BAD_INPUT, '--mixes: expected at least one mix');
  return out;
}

export function parsePolicyList(value: string): PolicyName[] {
  return [...new Set(parsePolicies(value))];
}

/** mulberry32: a small, well-known seeded PRNG (uniform in [0, 1)). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Every cell of every repeat, each repeat shuffled (Fisher-Yates) with seed + repeat. */
export function experimentOrder(mixes: readonly MixName[], policies: readonly PolicyName[], repeats: number, seed: number): Cell[] {
  const out: Cell[] = [];
  for (let r = 0; r < repeats; r++) {
    const cells: Cell[] = mixes.flatMap((mix) => policies.map((policy) => ({ mix, policy, repeat: r })));
    const rand = seededRandom(seed + r * 7919);
    for (let i = cells.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [cells[i], cells[j]] = [cells[j] as Cell, cells[i] as Cell];
    }
    out.push(...cells);
  }
  return out;
}
