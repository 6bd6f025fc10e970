// The paper's campaign design: G bags of N distinct functions drawn at random (seeded), every
// function in at least G_min bags. Pure and deterministic: the same inputs give the same bags.
//
// Construction: bag by bag, the functions that still need bags most go in first (the classic
// "decrement the N largest" rule, which meets every need whenever G x N >= |F| x G_min and
// G >= G_min), ties broken at random; the remaining places go to the least-drawn functions, ties
// at random, so that every function gets about the same number of samples. The bag order is then
// shuffled, so the covering bags are not all at the start.

export interface BagDesignInput {
  readonly functions: readonly string[];
  /** G: number of bags. */
  readonly bags: number;
  /** N: functions per bag. */
  readonly bagSize: number;
  /** G_min: bags each function must be in, at least. */
  readonly minBags: number;
  readonly seed: number;
}

export class BagDesignError extends Error {
  override readonly name = 'BagDesignError';
}

/** mulberry32: a small, well-mixed 32-bit PRNG; enough for drawing bags, not for cryptography. */
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

function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}

/** Checks the parameters; throws BagDesignError naming every problem. */
export function checkDesign(input: BagDesignInput): void {
  const problems: string[] = [];
  const f = new Set(input.functions).size;
  if (f !== input.functions.length) problems.push('functions: listed twice');
  if (f === 0) problems.push('functions: none to profile');
  if (!Number.isInteger(input.bags) || input.bags < 1) problems.push(`bags (G) must be a whole number >= 1, got ${input.bags}`);
  if (!Number.isInteger(input.bagSize) || input.bagSize < 1) problems.push(`bag size (N) must be a whole number >= 1, got ${input.bagSize}`);
  if (!Number.isInteger(input.minBags) || input.minBags < 1) problems.push(`min bags (G_min) must be a whole number >= 1, got ${input.minBags}`);
  if (!Number.isSafeInteger(input.seed) || input.seed < 0) problems.push(`seed must be a whole number >= 0, got ${input.seed}`);
  if (problems.length === 0) {
    if (input.bagSize > f) problems.push(`bag size ${input.bagSize} is larger than the ${f} functions to profile`);
    if (input.minBags > input.bags) problems.push(`every function in ${input.minBags} bags needs at least ${input.minBags} bags, got ${input.bags}`);
    if (input.bags * input.bagSize < f * input.minBags) {
      problems.push(
        `${input.bags} bags of ${input.bagSize} hold ${input.bags * input.bagSize} places; ${f} functions in ${input.minBags} bags each need ${f * input.minBags}`,
      );
    }
  }
  if (problems.length > 0) throw new BagDesignError(problems.join('; '));
}

/** The bags, each sorted by name. */
export function designBags(input: BagDesignInput): string[][] {
  checkDesign(input);
  const random = seededRandom(input.seed);
  const names = [...input.functions].sort();
  const need = new Map(names.map((n) => [n, input.minBags]));
  const count = new Map(names.map((n) => [n, 0]));
  const bags: string[][] = [];
  for (let b = 0; b < input.bags; b++) {
    // A random order first, then a stable sort by priority: ties stay in random order.
    const order = shuffle([...names], random);
    const byNeed = [...order].sort((x, y) => (need.get(y) ?? 0) - (need.get(x) ?? 0));
    const bag: string[] = byNeed.filter((n) => (need.get(n) ?? 0) > 0).slice(0, input.bagSize);
    const rest = order.filter((n) => !bag.includes(n)).sort((x, y) => (count.get(x) ?? 0) - (count.get(y) ?? 0));
    bag.push(...rest.slice(0, input.bagSize - bag.length));
    for (const n of bag) {
      need.set(n, Math.max(0, (need.get(n) ?? 0) - 1));
      count.set(n, (count.get(n) ?? 0) + 1);
    }
    bags.push(bag.sort());
  }
  const unmet = names.filter((n) => (need.get(n) ?? 0) > 0);
  if (unmet.length > 0) throw new BagDesignError(`internal: ${unmet.join(', ')} got fewer than ${input.minBags} bags`);
  return shuffle(bags, random);
}

/** Isolation: every function alone, G_min times (the comparison with co-located bags). */
export function designIsolation(functions: readonly string[], minBags: number): string[][] {
  const names = [...new Set(functions)].sort();
  const out: string[][] = [];
  for (let r = 0; r < minBags; r++) for (const n of names) out.push([n]);
  return out;
}
