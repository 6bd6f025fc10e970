// Media checks with decoders independent of the functions under test.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface GifInfo {
  width: number;
  height: number;
  frames: number;
}

/** Decodes a GIF with Pillow (every frame is decoded via n_frames/seek) and reports its size and frame count. */
export function decodeGif(gif: Buffer): GifInfo {
  const dir = mkdtempSync(join(tmpdir(), 'isawatt-gif-test-'));
  try {
    const file = join(dir, 'out.gif');
    writeFileSync(file, gif);
    const script = [
      'import json, sys',
      'from PIL import Image',
      'im = Image.open(sys.argv[1])',
      'n = 0',
      'try:',
      '    while True:',
      '        im.seek(n); im.load(); n += 1',
      'except EOFError:',
      '    pass',
      'print(json.dumps({"format": im.format, "width": im.size[0], "height": im.size[1], "frames": n}))',
    ].join('\n');
    const r = spawnSync('/usr/bin/python3', ['-c', script, file], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`Pillow could not decode the GIF: ${r.stderr}`);
    const info = JSON.parse(r.stdout) as GifInfo & { format: string };
    if (info.format !== 'GIF') throw new Error(`not a GIF: ${info.format}`);
    return { width: info.width, height: info.height, frames: info.frames };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Makes a short test video with ffmpeg's testsrc (duration s, rate fps, 320x240, H.264). */
export function makeTestVideo(durationS: number, rate: number): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'isawatt-video-test-'));
  try {
    const file = join(dir, 'in.mp4');
    const r = spawnSync(
      '/usr/bin/ffmpeg',
      [
        '-nostdin',
        '-v',
        'error',
        '-y',
        '-f',
        'lavfi',
        '-i',
        `testsrc=size=320x240:rate=${rate}:duration=${durationS}`,
        '-c:v',
        'libx264',
        '-preset',
        'veryfast',
        '-pix_fmt',
        'yuv420p',
        file,
      ],
      { encoding: 'utf8' },
    );
    if (r.status !== 0) throw new Error(`ffmpeg could not make the test video: ${r.stderr}`);
    return readFileSync(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
