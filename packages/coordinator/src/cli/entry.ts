// Process entry of the `isawatt` binary (bin/isawatt.mjs runs this, or dist/cli/entry.js).
import { main } from './index.js';

await main();
