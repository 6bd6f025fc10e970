// Video to GIF (Node.js): transcode a short video to an animated GIF with ffmpeg (spawned).
// Input: {video: base64 MP4, fps, width}; the video is made from the seed by ffmpeg itself (a Game
// of Life pattern from the lavfi `life` source, seeded, 2 s at 10 fps, H.264), so nothing is
// downloaded. Output: {gif: base64, bytes}. Palette from the clip (palettegen + paletteuse).
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const FFMPEG = '/usr/bin/ffmpeg';

function ffmpeg(args) {
  return new Promise((resolve, reject) => {
    execFile(FFMPEG, ['-nostdin', '-v', 'error', '-y', ...args], { maxBuffer: 1 << 20 }, (err, _stdout, stderr) => {
      if (err) reject(new Error(`ffmpeg failed (${err.code ?? err.signal}): ${String(stderr).trim().slice(-500)}`));
      else resolve();
    });
  });
}

async function withTempDir(prefix, fn) {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function makeInput(seed) {
  const source = `life=size=80x60:rate=10:seed=${seed % 2 ** 32}:mold=10:ratio=0.3:life_color=#30e060:death_color=#602020,scale=320:240:flags=neighbor`;
  const video = await withTempDir('isawatt-video-', async (dir) => {
    const out = join(dir, 'input.mp4');
    await ffmpeg([
      '-f',
      'lavfi',
      '-i',
      source,
      '-t',
      '2',
      '-c:v',
      'libx264',
      '-preset',
      'veryfast',
      '-crf',
      '28',
      '-pix_fmt',
      'yuv420p',
      '-threads',
      '1',
      '-movflags',
      '+faststart',
      out,
    ]);
    return readFile(out);
  });
  return { video: video.toString('base64'), fps: 10, width: 160 };
}

export async function handler(input) {
  const fps = Number(input?.fps ?? 10);
  const width = Number(input?.width ?? 160);
  if (!(Number.isInteger(fps) && fps > 0 && fps <= 60 && Number.isInteger(width) && width > 0 && width <= 1920)) {
    throw new RangeError(`fps ${input?.fps} or width ${input?.width} out of range (fps 1..60, width 1..1920)`);
  }
  if (typeof input.video !== 'string') throw new TypeError('input "video" must be a base64 string');
  const gif = await withTempDir('isawatt-gif-', async (dir) => {
    const src = join(dir, 'in.mp4');
    const dst = join(dir, 'out.gif');
    await writeFile(src, Buffer.from(input.video, 'base64'));
    // One worker is one CPU: single-threaded decode and filters.
    await ffmpeg([
      '-threads',
      '1',
      '-i',
      src,
      '-filter_threads',
      '1',
      '-vf',
      `fps=${fps},scale=${width}:-2:flags=lanczos,split[a][b];[a]palettegen[p];[b][p]paletteuse`,
      '-loop',
      '0',
      dst,
    ]);
    return readFile(dst);
  });
  return { gif: gif.toString('base64'), bytes: gif.length };
}
