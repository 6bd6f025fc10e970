/** mulberry32: the generator of the seed (taken as uint32), returning floats in [0, 1). */
export function mulberry32(seed: number): () => number;
