"""Test function (category: test); input.op selects the behaviour, as in every test-<runtime>.

echo: returns the input; noop: {}; busy: spins ms (wall clock); cpu: spins until the process has used
ms of CPU time (exact CPU per call even on a shared or bandwidth-limited CPU); sleep: sleeps ms;
print: writes to stdout (must land on stderr) then echoes; fail: raises; crash: exits with 70; hang:
spins forever.
"""
import os
import sys
import time


def make_input(seed):
    # seed < 1000: echo of the seed; 1000 + N: busy N ms; 2000 + N: sleep N ms; 3000 + N: cpu N ms.
    if 3000 <= seed < 4000:
        return {"op": "cpu", "ms": seed - 3000}
    if 2000 <= seed < 3000:
        return {"op": "sleep", "ms": seed - 2000}
    if 1000 <= seed < 2000:
        return {"op": "busy", "ms": seed - 1000}
    return {"op": "echo", "value": seed}


def handler(input):
    op = input.get("op") if isinstance(input, dict) else None
    ms = float(input.get("ms", 0)) if isinstance(input, dict) else 0.0
    if op == "echo":
        return input
    if op == "noop":
        return {}
    if op == "busy":
        end = time.perf_counter() + ms / 1000.0
        iterations = 0
        while time.perf_counter() < end:
            iterations += 1
        return {"op": op, "ms": ms, "iterations": iterations}
    if op == "cpu":
        end = time.process_time() + ms / 1000.0
        iterations = 0
        while time.process_time() < end:
            iterations += 1
        return {"op": op, "ms": ms, "iterations": iterations}
    if op == "sleep":
        time.sleep(ms / 1000.0)
        return {"op": op, "ms": ms}
    if op == "print":
        print("test-python: this line goes to stdout and must not break the protocol")
        os.write(1, b"test-python: raw write to fd 1\n")
        return input
    if op == "fail":
        raise RuntimeError("requested failure")
    if op == "crash":
        sys.stderr.flush()
        os._exit(70)
    if op == "hang":
        while True:
            pass
    raise ValueError(f"unknown op {op!r}")
