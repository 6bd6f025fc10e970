// Where a figure comes from. Mirrors proto isawatt.v1.Quality; every energy/power figure carries one.
export type Quality = 'measured' | 'modelled' | 'estimated' | 'emulated';

/** The weaker of two qualities (a figure computed from both is only as good as the weaker). */
export function weakerQuality(a: Quality, b: Quality): Quality {
  const rank: Record<Quality, number> = { measured: 0, modelled: 1, estimated: 2, emulated: 3 };
  return rank[a] >= rank[b] ? a : b;
}
