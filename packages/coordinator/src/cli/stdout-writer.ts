// The CLI's standard output, written with fs.writeSync on the file descriptor instead of through
// process.stdout. Why: the first use of process.stdout builds its stream (on a pipe, a net.Socket:
// net, stream and libuv's pipe handle), 4-7 ms of every `isawatt plan --json` run whose whole
// budget above Node's own start is ~10 ms (bench/plan-cli.ts). A write to a blocking pipe, a file
// or a terminal completes in the call, in order, as process.stdout's writes do on Linux.
// Two cases need the stream after all, and get it:
//  - EAGAIN: fd 1 can be non-blocking (the pipe is shared with another process that made it so;
//    libuv does when it opens a pipe) and the reader is slower than we write. What is left of that
//    write, and every later one, goes to process.stdout, which waits for the pipe (in order: our
//    earlier bytes are already in it); `flush` waits until it has drained.
//  - EPIPE: the reader has gone (`isawatt --help | head -1`): `onClosed` (the CLI exits 0 quietly,
//    as other command-line tools do).
import { writeSync } from 'node:fs';

export interface StdoutWriter {
  readonly write: (text: string) => void;
  /** Resolves once everything written has reached the file descriptor. */
  readonly flush: () => Promise<void>;
  /** True once a write met EAGAIN and the output went on through the stream. */
  readonly handedOver: () => boolean;
}

/**
 * A writer for `fd` that falls back to `stream()` (made on first need: process.stdout) from the
 * first EAGAIN on. `onClosed` runs when the reader has closed the pipe (EPIPE), on either path.
 */
export function stdoutWriter(fd: number, stream: () => NodeJS.WritableStream, onClosed: () => void): StdoutWriter {
  let out: NodeJS.WritableStream | undefined;
  const handOver = (): NodeJS.WritableStream => {
    if (out === undefined) {
      out = stream();
      out.on('error', (err: NodeJS.ErrnoException) => {
        if (err.code === 'EPIPE') onClosed();
        else throw err;
      });
    }
    return out;
  };
  const write = (text: string): void => {
    if (out !== undefined) {
      out.write(text);
      return;
    }
    const bytes = Buffer.from(text, 'utf8');
    let offset = 0;
    while (offset < bytes.length) {
      try {
        offset += writeSync(fd, bytes, offset, bytes.length - offset);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'EAGAIN') {
          handOver().write(bytes.subarray(offset));
          return;
        }
        if (code === 'EPIPE') {
          onClosed();
          return;
        }
        throw err;
      }
    }
  };
  const flush = (): Promise<void> => (out === undefined ? Promise.resolve() : new Promise((resolve) => out?.write('', () => resolve())));
  return { write, flush, handedOver: () => out !== undefined };
}
