// Test function (category: test) whose input selects what it does; the same behaviour exists for
// every runtime (functions/test-<runtime>). See docs/runtime.md.
//   {"op":"echo", ...}        returns the input unchanged
//   {"op":"noop"}             returns {} (dispatch-overhead benchmark)
//   {"op":"busy","ms":N}      spins the CPU for N ms (wall clock: less CPU when the CPU is shared)
//   {"op":"cpu","ms":N}       spins until the process has used N ms of CPU time (node only: exact
//                             CPU splits for attribution tests even on a crowded machine)
//   {"op":"sleep","ms":N}     sleeps N ms (no CPU)
//   {"op":"count"}            returns {calls}: the handler's calls in this worker so far, this one
//                             included (node only: how many invocations a warm-up ran)
//   {"op":"print"}            writes to stdout (must land on stderr), then echoes
//   {"op":"fail"}             throws (an `err` result; the worker stays up)
//   {"op":"crash"}            exits the process with code 70
//   {"op":"hang"}             spins forever (the agent's timeout must kill it)
// Generated inputs (the load driver sends seeds): seed < 1000 -> echo of the seed,
// 1000 + N -> busy N ms, 2000 + N -> sleep N ms (so `run --seed 1020` loads 20 ms of CPU per call),
// 3000 + N -> cpu N ms (node only).
export function makeInput(seed) {
  if (seed >= 2000 && seed < 3000) return { op: 'sleep', ms: seed - 2000 };
  if (seed >= 1000 && seed < 2000) return { op: 'busy', ms: seed - 1000 };
  if (seed >= 3000 && seed < 4000) return { op: 'cpu', ms: seed - 3000 };
  return { op: 'echo', value: seed };
}

let calls = 0;

export async function handler(input) {
  calls++;
  const op = input && typeof input === 'object' ? input.op : undefined;
  const ms = Number(input?.ms ?? 0);
  switch (op) {
    case 'echo':
      return input;
    case 'noop':
      return {};
    case 'count':
      return { calls };
    case 'busy': {
      const end = performance.now() + ms;
      let iterations = 0;
      while (performance.now() < end) iterations++;
      return { op, ms, iterations };
    }
    case 'cpu': {
      const cpuUs = () => {
        const u = process.cpuUsage();
        return u.user + u.system;
      };
      const end = cpuUs() + ms * 1000;
      let iterations = 0;
      while (cpuUs() < end) iterations++;
      return { op, ms, iterations };
    }
    case 'sleep':
      await new Promise((resolve) => setTimeout(resolve, ms));
      return { op, ms };
    case 'print':
      console.log('test-node: this line goes to stdout and must not break the protocol');
      return input;
    case 'fail':
      throw new Error('requested failure');
    case 'crash':
      process.exit(70);
      break;
    case 'hang':
      for (;;);
    default:
      throw new Error(`unknown op ${JSON.stringify(op)}`);
  }
}
