"""PageRank (Python): PageRank of a random 500-vertex, 250-edge graph with igraph.

Input: {"vertices": n, "edges": [[u, v], ...], "directed": bool, "damping": d} (an Erdos-Renyi
G(n, m) graph generated from the seed). Output: {"ranks": [...], "top": vertex, "topRank", "sum"}.
"""
import random

import igraph

from isawatt_input import field

VERTICES = 500
EDGES = 250


def make_input(seed):
    rng = random.Random(seed)
    edges = set()
    while len(edges) < EDGES:
        u, v = rng.randrange(VERTICES), rng.randrange(VERTICES)
        if u != v:
            edges.add((min(u, v), max(u, v)))
    return {"vertices": VERTICES, "edges": sorted([u, v] for u, v in edges), "directed": False, "damping": 0.85}


def handler(event):
    n = field(event, "vertices", int, "a positive integer")
    edges = field(event, "edges", list, "an array of [u, v] pairs")
    if n <= 0:
        raise ValueError('input "vertices" must be a positive integer')
    for e in edges:
        if not isinstance(e, list) or len(e) != 2 or not all(isinstance(x, int) and 0 <= x < n for x in e):
            raise ValueError(f"edge {e!r} does not join two vertices in [0, {n})")
    graph = igraph.Graph(n=n, edges=[tuple(e) for e in edges], directed=bool(event.get("directed", False)))
    ranks = graph.pagerank(damping=float(event.get("damping", 0.85)))
    top = max(range(n), key=lambda i: ranks[i])
    return {"ranks": ranks, "top": top, "topRank": ranks[top], "sum": sum(ranks)}
