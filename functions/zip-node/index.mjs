// Zip (Node.js): compress 3 files into one zip archive (deflate) with fflate.
// Input: {files: [{name, content}] x3} (text generated from the seed, about 32 KiB each).
// Output: {zip: base64 archive, bytes, entries: [names]}.
import { zipSync, strToU8 } from 'fflate';
import { mulberry32 } from '../_lib/seeded-random.mjs';

const WORDS =
  'energy watt joule core socket cluster placement function worker cgroup arm x86 latency throughput power idle active profile model solver host agent'.split(
    ' ',
  );
const FILE_BYTES = 32 * 1024;

function text(next, kind) {
  const int = (n) => Math.floor(next() * n);
  const word = () => WORDS[int(WORDS.length)];
  let out = '';
  while (out.length < FILE_BYTES) {
    if (kind === 'csv') out += `${int(1e6)},${word()},${(next() * 500).toFixed(3)},${int(64)}\n`;
    else out += `${Array.from({ length: 6 + int(10) }, word).join(' ')}.\n`;
  }
  return out;
}

export function makeInput(seed) {
  const next = mulberry32(seed);
  return {
    files: [
      { name: 'report.txt', content: text(next, 'txt') },
      { name: 'metrics.csv', content: text(next, 'csv') },
      { name: 'notes/readme.md', content: text(next, 'txt') },
    ],
  };
}

export async function handler(input) {
  const files = input?.files;
  if (!Array.isArray(files) || files.length === 0) throw new TypeError('input "files" must be a non-empty array of {name, content}');
  const tree = {};
  for (const f of files) {
    if (typeof f.name !== 'string' || typeof f.content !== 'string') throw new TypeError('every file needs a string name and content');
    tree[f.name] = strToU8(f.content);
  }
  const zip = zipSync(tree, { level: 6 });
  return { zip: Buffer.from(zip.buffer, zip.byteOffset, zip.byteLength).toString('base64'), bytes: zip.byteLength, entries: files.map((f) => f.name) };
}
