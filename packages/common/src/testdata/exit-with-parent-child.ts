// Child of exit-with-parent.test.ts: reports whether it watches its stdin and whether the variable is
// still in its environment, then stays alive (a referenced timer) until a signal ends it.
import { EXIT_WITH_PARENT_ENV, exitWithParentOrQuit } from '../exit-with-parent.js';

const watching = exitWithParentOrQuit('exit-with-parent-child');
process.stdout.write(`${JSON.stringify({ watching, envLeft: process.env[EXIT_WITH_PARENT_ENV] ?? null })}\n`);
setInterval(() => undefined, 60_000);
