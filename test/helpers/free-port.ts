// A TCP port free right now on 127.0.0.1, for tests, benchmarks and the demo that start daemons on
// chosen ports (a daemon told to listen on port 0 could not tell its peers where it is).
import { createServer } from 'node:net';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}
