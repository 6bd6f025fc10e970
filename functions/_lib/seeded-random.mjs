// mulberry32: a small seeded generator of floats in [0, 1), so that the same seed gives the same
// input every time. Shared by the Node workload functions (functions/*-node/index.mjs, imported as
// '../_lib/seeded-random.mjs') and the workload tests (functions/test-helpers/reference.ts); the
// tests' reference values depend on this exact sequence, so it must not change.
export function mulberry32(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
