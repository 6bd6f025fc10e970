// Workload suite, media category: thumbnails, video to GIF and AlexNet, each invoked through its
// runtime harness; outputs are decoded with decoders independent of the function (sharp for the
// thumbnails' JPEG, Pillow for the GIFs).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { Worker, expectOk } from './test-helpers/harness-client.js';
import { decodeGif, makeTestVideo } from './test-helpers/media.js';

interface ThumbOut {
  thumbnail: string;
  width: number;
  height: number;
  format: string;
  bytes: number;
}
interface GifOut {
  gif: string;
  bytes: number;
}
interface AlexOut {
  scores: number[];
  top5: [number, number][];
}

/** A 640x480 PNG: left half red, right half blue (so the thumbnail's halves can be checked). */
async function twoColourPng(): Promise<Buffer> {
  const w = 640;
  const h = 480;
  const px = Buffer.alloc(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const o = (y * w + x) * 3;
      if (x < w / 2) px[o] = 220;
      else px[o + 2] = 220;
    }
  }
  return sharp(px, { raw: { width: w, height: h, channels: 3 } })
    .png()
    .toBuffer();
}

async function meanRgb(img: Buffer, left: number, width: number, height: number): Promise<number[]> {
  const { data, info } = await sharp(img).extract({ left, top: 0, width, height }).raw().toBuffer({ resolveWithObject: true });
  const sums = [0, 0, 0];
  for (let i = 0; i < data.length; i += info.channels) for (let k = 0; k < 3; k++) sums[k] = (sums[k] ?? 0) + (data[i + k] ?? 0);
  return sums.map((s) => s / (data.length / info.channels));
}

for (const name of ['thumbnail-python', 'thumbnail-node', 'thumbnail-java']) {
  describe(name, () => {
    let w: Worker;
    before(async () => {
      w = await Worker.start(name);
    });
    after(() => w.close());

    test('the thumbnail is a JPEG of the target size showing the same picture', async () => {
      const image = (await twoColourPng()).toString('base64');
      const out = (await expectOk(w.invokeJson({ image, width: 100, height: 75 }))) as ThumbOut;
      const jpeg = Buffer.from(out.thumbnail, 'base64');
      const meta = await sharp(jpeg).metadata();
      assert.equal(meta.format, 'jpeg');
      assert.deepEqual([meta.width, meta.height, out.width, out.height], [100, 75, 100, 75]);
      assert.equal(out.bytes, jpeg.length);
      // Left 40 columns red, right 40 blue (JPEG and resampling blur only the seam).
      const [lr, lg, lb] = await meanRgb(jpeg, 0, 40, 75);
      const [rr, rg, rb] = await meanRgb(jpeg, 60, 40, 75);
      assert.ok(lr! > 200 && lg! < 20 && lb! < 20, `left half ${lr},${lg},${lb}`);
      assert.ok(rr! < 20 && rg! < 20 && rb! > 200, `right half ${rr},${rg},${rb}`);
    });

    test('seeded input: the 1024x768 PNG becomes a 128x96 JPEG', async () => {
      const out = (await expectOk(w.invokeSeed(42))) as ThumbOut;
      const jpeg = Buffer.from(out.thumbnail, 'base64');
      const meta = await sharp(jpeg).metadata();
      assert.deepEqual([meta.width, meta.height], [128, 96]);
    });

    test('garbage image data is an error', async () => {
      const r = await w.invokeJson({ image: Buffer.from('not an image').toString('base64'), width: 10, height: 10 });
      assert.equal(r.ok, false);
    });
  });
}

for (const name of ['video-gif-python', 'video-gif-node']) {
  describe(name, () => {
    let w: Worker;
    before(async () => {
      w = await Worker.start(name);
    });
    after(() => w.close());

    test('seeded 2 s clip at 10 fps becomes a 160x120 GIF of 20 frames', async () => {
      const out = (await expectOk(w.invokeSeed(42))) as GifOut;
      const gif = Buffer.from(out.gif, 'base64');
      assert.equal(out.bytes, gif.length);
      assert.deepEqual(decodeGif(gif), { width: 160, height: 120, frames: 20 });
    });

    test('a 1 s testsrc clip at 25 fps, resampled to 5 fps and 80 px wide: 5 frames of 80x60', async () => {
      const video = makeTestVideo(1, 25).toString('base64');
      const out = (await expectOk(w.invokeJson({ video, fps: 5, width: 80 }))) as GifOut;
      assert.deepEqual(decodeGif(Buffer.from(out.gif, 'base64')), { width: 80, height: 60, frames: 5 });
    });

    test('a broken video is an error', async () => {
      const r = await w.invokeJson({ video: Buffer.from('no video here').toString('base64'), fps: 10, width: 160 });
      assert.equal(r.ok, false);
      assert.match(r.error ?? '', /ffmpeg/);
    });
  });
}

describe('alexnet-python', () => {
  let w: Worker;
  before(async () => {
    w = await Worker.start('alexnet-python', 120_000);
  });
  after(() => w.close());

  test('returns 1000 class probabilities, deterministically', async () => {
    const one = (await expectOk(w.invokeSeed(42))) as AlexOut;
    const two = (await expectOk(w.invokeSeed(42))) as AlexOut;
    assert.equal(one.scores.length, 1000);
    assert.ok(one.scores.every((p) => Number.isFinite(p) && p >= 0 && p <= 1));
    assert.ok(Math.abs(one.scores.reduce((s, p) => s + p, 0) - 1) < 1e-4, 'softmax sums to 1');
    assert.deepEqual(two.scores, one.scores, 'same input, same scores');
    const best = one.scores.indexOf(Math.max(...one.scores));
    assert.equal(one.top5[0]?.[0], best);
    assert.equal(one.top5.length, 5);
  });

  test('a second worker (a fresh process) computes the very same scores: the weights are seeded', async () => {
    const mine = (await expectOk(w.invokeSeed(42))) as AlexOut;
    const other = await Worker.start('alexnet-python', 120_000);
    try {
      const theirs = (await expectOk(other.invokeSeed(42))) as AlexOut;
      assert.deepEqual(theirs.scores, mine.scores);
    } finally {
      await other.close();
    }
  });

  test('a different image gives different scores', async () => {
    const a = (await expectOk(w.invokeSeed(42))) as AlexOut;
    const b = (await expectOk(w.invokeSeed(7))) as AlexOut;
    assert.notDeepEqual(a.scores, b.scores);
  });

  test('an image of another size is resized to 224x224 first', async () => {
    const png = await sharp({ create: { width: 300, height: 200, channels: 3, background: { r: 10, g: 200, b: 30 } } })
      .png()
      .toBuffer();
    const out = (await expectOk(w.invokeJson({ image: png.toString('base64') }))) as AlexOut;
    assert.equal(out.scores.length, 1000);
  });
});
