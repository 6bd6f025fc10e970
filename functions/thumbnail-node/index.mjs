// Thumbnail (Node.js): resize a base64-encoded image with sharp (libvips, bundled in the npm
// package: nothing is downloaded at install or run time).
// Input: {image: base64 PNG (1024x768, drawn from the seed), width, height}.
// Output: {thumbnail: base64 JPEG, width, height, format: 'jpeg', bytes}.
import sharp from 'sharp';
import { mulberry32 } from '../_lib/seeded-random.mjs';

// One worker is one CPU: keep libvips to one thread and no cache between invocations.
sharp.concurrency(1);
sharp.cache(false);

const W = 1024;
const H = 768;

export async function makeInput(seed) {
  const next = mulberry32(seed);
  const int = (n) => Math.floor(next() * n);
  const c0 = [int(256), int(256), int(256)];
  const c1 = [int(256), int(256), int(256)];
  const px = Buffer.alloc(W * H * 3);
  for (let y = 0; y < H; y++) {
    for (let k = 0; k < 3; k++) {
      const v = c0[k] + Math.trunc(((c1[k] - c0[k]) * y) / (H - 1));
      for (let x = 0; x < W; x++) px[(y * W + x) * 3 + k] = v;
    }
  }
  // Seeded rectangles and discs on the gradient.
  for (let s = 0; s < 40; s++) {
    const x0 = int(W);
    const y0 = int(H);
    const x1 = Math.min(W - 1, x0 + 20 + int(280));
    const y1 = Math.min(H - 1, y0 + 20 + int(280));
    const fill = [int(256), int(256), int(256)];
    const disc = next() < 0.5;
    const cx = (x0 + x1) / 2;
    const cy = (y0 + y1) / 2;
    const rx = (x1 - x0) / 2 || 1;
    const ry = (y1 - y0) / 2 || 1;
    for (let y = y0; y <= y1; y++) {
      for (let x = x0; x <= x1; x++) {
        if (disc && ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 > 1) continue;
        const o = (y * W + x) * 3;
        px[o] = fill[0];
        px[o + 1] = fill[1];
        px[o + 2] = fill[2];
      }
    }
  }
  const png = await sharp(px, { raw: { width: W, height: H, channels: 3 } })
    .png()
    .toBuffer();
  return { image: png.toString('base64'), width: 128, height: 96 };
}

export async function handler(input) {
  const width = Number(input?.width);
  const height = Number(input?.height);
  if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0 && width <= 4096 && height <= 4096)) {
    throw new RangeError(`input "width" and "height" must be integers in 1..4096, got ${JSON.stringify(input?.width)} and ${JSON.stringify(input?.height)}`);
  }
  if (typeof input.image !== 'string') throw new TypeError('input "image" must be a base64 string');
  const { data, info } = await sharp(Buffer.from(input.image, 'base64'))
    .resize(width, height, { fit: 'fill', kernel: 'lanczos3' })
    .jpeg({ quality: 85 })
    .toBuffer({ resolveWithObject: true });
  return { thumbnail: data.toString('base64'), width: info.width, height: info.height, format: 'jpeg', bytes: data.length };
}
