"""Matrix native (Python): product of two random 30x30 matrices in plain Python loops.

Input: {"a": [[...]], "b": [[...]]} (n x n, generated from the seed). Output: {"n", "c"}.
"""
import random

from isawatt_input import field

N = 30


def make_input(seed):
    rng = random.Random(seed)
    return {
        "a": [[rng.random() for _ in range(N)] for _ in range(N)],
        "b": [[rng.random() for _ in range(N)] for _ in range(N)],
    }


def handler(event):
    a = field(event, "a", list, "an array of rows")
    b = field(event, "b", list, "an array of rows")
    rows, inner = len(a), len(b)
    cols = len(b[0]) if inner else 0
    if any(len(row) != inner for row in a) or any(len(row) != cols for row in b):
        raise ValueError("matrices are ragged or their inner dimensions differ")
    c = []
    for i in range(rows):
        ai = a[i]
        ci = [0.0] * cols
        for k in range(inner):
            aik = ai[k]
            bk = b[k]
            for j in range(cols):
                ci[j] += aik * bk[j]
        c.append(ci)
    return {"n": rows, "c": c}
