// Process entry of the `isawatt` binary (bin/isawatt.cjs runs this, or dist/cli/entry.js).
import { main } from './index.js';

// grpc-js sets the TLS server name to the address even when it is an IP, which makes Node print
// DEP0123 on every TLS connection; that is noise for CLI users (and breaks one-line errors).
process.noDeprecation = true;

await main();
