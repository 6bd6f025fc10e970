"""isawatt worker harness for Python functions (protocol: docs/design/worker-protocol.md).

    /usr/bin/python3 functions/_harness/python/harness.py <function-dir> <entry.py>

Loads the entry once (warm), then answers one invocation per stdin line, one at a time. Protocol
lines go to a private duplicate of the original stdout; file descriptor 1 is pointed at stderr so
that anything the function (or a C library it uses) prints cannot corrupt the protocol. EOF on
stdin means exit now.

The function's folder comes first on sys.path, then functions/_lib (code shared by the Python
functions, e.g. `from isawatt_input import field`).
"""
import importlib.util
import json
import os
import sys
import time
import traceback

LIB_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "_lib")


def main() -> int:
    if len(sys.argv) != 3:
        sys.stderr.write("usage: harness.py <function-dir> <entry.py>\n")
        return 2
    fn_dir, entry = sys.argv[1], sys.argv[2]

    # Protocol channel: a dup of fd 1; then fd 1 becomes stderr for everything else.
    proto_fd = os.dup(1)
    os.dup2(2, 1)
    proto = os.fdopen(proto_fd, "w", buffering=1, encoding="utf-8", newline="\n")
    sys.stdout = sys.stderr

    fn_dir = os.path.abspath(fn_dir)
    sys.path[:0] = [fn_dir, LIB_DIR]
    path = os.path.join(fn_dir, entry)
    try:
        spec = importlib.util.spec_from_file_location("isawatt_function", path)
        if spec is None or spec.loader is None:
            raise ImportError(f"cannot load {path}")
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
    except BaseException:  # noqa: BLE001 - report any load failure and exit
        sys.stderr.write(f"harness: cannot load {path}:\n{traceback.format_exc()}")
        return 3
    handler = getattr(mod, "handler", None)
    if not callable(handler):
        sys.stderr.write(f"harness: {entry} does not define handler(input)\n")
        return 3
    make_input = getattr(mod, "make_input", None)

    def one_line(text: str) -> str:
        return " ".join(str(text).replace("\t", " ").splitlines())[:4000]

    # Inputs generated per seed are cached: generating them is not the function's work.
    inputs_by_seed: dict = {}

    def input_for_seed(text: str):
        if text in inputs_by_seed:
            return inputs_by_seed[text]
        seed = int(text)
        if not callable(make_input):
            raise ValueError(f"{entry} does not define make_input(seed)")
        value = make_input(seed)
        if len(inputs_by_seed) >= 64:
            inputs_by_seed.clear()
        inputs_by_seed[text] = value
        return value

    proto.write(f"ready\tpython\t{os.getpid()}\n")
    stdin = sys.stdin.buffer
    while True:
        raw = stdin.readline()
        if not raw:
            return 0  # EOF: the agent is gone or wants us gone
        line = raw.decode("utf-8", "replace").rstrip("\r\n")
        parts = line.split("\t", 2)
        if len(parts) != 3:
            sys.stderr.write(f"harness: malformed request line ({len(line)} chars)\n")
            continue
        req_id, kind, payload = parts
        try:
            if kind == "seed":
                value = input_for_seed(payload)
            elif kind == "json":
                value = json.loads(payload)
            else:
                raise ValueError(f'unknown request kind "{kind}"')
        except Exception as err:  # noqa: BLE001
            proto.write(f"{req_id}\terr\t0\t{one_line('bad input: ' + type(err).__name__ + ': ' + str(err))}\n")
            continue
        started = time.perf_counter_ns()
        try:
            output = handler(value)
            duration_us = (time.perf_counter_ns() - started) // 1000
            text = json.dumps(output, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
            proto.write(f"{req_id}\tok\t{duration_us}\t{text}\n")
        except Exception as err:  # noqa: BLE001 - a function error is a result, not a crash
            duration_us = (time.perf_counter_ns() - started) // 1000
            proto.write(f"{req_id}\terr\t{duration_us}\t{one_line(type(err).__name__ + ': ' + str(err))}\n")


if __name__ == "__main__":
    sys.exit(main())
