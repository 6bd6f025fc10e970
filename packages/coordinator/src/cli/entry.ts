// Process entry of the `isawatt` binary (bin/isawatt.cjs runs this, or dist/cli/entry.js).
import { exitWithParentOrQuit } from '@isawatt/common';
import { main } from './index.js';

// grpc-js sets the TLS server name to the address even when it is an IP, which makes Node print
// DEP0123 on every TLS connection; that is noise for CLI users (and breaks one-line errors).
process.noDeprecation = true;

// Started by the demo or a test with ISAWATT_EXIT_WITH_PARENT=1: stop when that parent is gone.
exitWithParentOrQuit('isawatt');
await main();
