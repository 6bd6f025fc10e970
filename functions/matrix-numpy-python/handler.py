"""Matrix NumPy (Python): product of two random 30x30 matrices with NumPy.

Input: {"a": [[...]], "b": [[...]]} (n x n, generated from the seed). Output: {"n", "c"}.
"""
import os

# One worker is one CPU: keep OpenBLAS (loaded by NumPy) to one thread, set before the import.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402

from isawatt_input import field  # noqa: E402

N = 30


def make_input(seed):
    rng = np.random.default_rng(seed)
    return {"a": rng.random((N, N)).tolist(), "b": rng.random((N, N)).tolist()}


def handler(event):
    a = np.asarray(field(event, "a", list, "an array of rows"), dtype=np.float64)
    b = np.asarray(field(event, "b", list, "an array of rows"), dtype=np.float64)
    if a.ndim != 2 or b.ndim != 2 or a.shape[1] != b.shape[0]:
        raise ValueError(f"cannot multiply matrices of shapes {a.shape} and {b.shape}")
    c = a @ b
    return {"n": int(c.shape[0]), "c": c.tolist()}
