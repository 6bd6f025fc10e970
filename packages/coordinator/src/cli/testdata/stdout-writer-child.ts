// Child process of stdout-writer.test.ts: writes argv[2] bytes (lines of a counter) to fd 1 through
// stdoutWriter, then says on stderr whether a write met EAGAIN and went on through the stream.
// It says so before waiting for the stream to drain: the test reads fd 1 only after that line, so
// a slow start of this process cannot let the reader empty the pipe before it fills.
// With argv[3] = 'nonblocking', process.stdout is built first: on a pipe, libuv makes fd 1
// non-blocking then, as another process sharing the pipe may have done.
import { stdoutWriter } from '../stdout-writer.js';

const total = Number(process.argv[2]);
if (process.argv[3] === 'nonblocking') void process.stdout.writableLength;
const writer = stdoutWriter(
  1,
  () => process.stdout,
  () => process.exit(0),
);
let written = 0;
for (let i = 0; written < total; i++) {
  const line = `${String(i).padStart(9, '0')}\n`;
  const chunk = line.repeat(Math.min(1024, Math.ceil((total - written) / line.length)));
  writer.write(chunk);
  written += chunk.length;
}
// stderr on a pipe or a file is written synchronously on Linux: the line is out before the flush.
process.stderr.write(`handedOver=${writer.handedOver()}\n`);
await writer.flush();
