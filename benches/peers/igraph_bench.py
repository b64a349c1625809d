"""python-igraph peer: the whole graph in one igraph Graph, queries in Python.

Load: node files and edge files read with the csv module; vertices get
kind and name, edges type and share; then the SUPPLIES subgraph (all
vertices kept) and a vertex -> nation table are built once, as an index.
Traversals use igraph's C routines (neighborhood, subcomponent, distances);
Q4's multi-source search advances a whole frontier per call.
"""

import csv
import os
import sys

import igraph as ig

sys.path.insert(0, os.path.dirname(__file__))
from common import csv_files, main  # noqa: E402


def load(data_dir):
    index, kinds, names = {}, [], []
    for path in csv_files(data_dir, "nodes"):
        with open(path, newline="") as f:
            reader = csv.reader(f)
            next(reader)
            for row in reader:
                index[row[0]] = len(names)
                kinds.append(row[1])
                names.append(row[2])
    pairs, types, shares = [], [], []
    for path in csv_files(data_dir, "edges"):
        with open(path, newline="") as f:
            reader = csv.reader(f)
            header = next(reader)
            share_col = header.index("share") if "share" in header else None
            for row in reader:
                pairs.append((index[row[0]], index[row[1]]))
                types.append(row[2])
                share = row[share_col] if share_col is not None else ""
                shares.append(float(share) if share else None)
    g = ig.Graph(n=len(names), edges=pairs, directed=True,
                 vertex_attrs={"kind": kinds, "name": names},
                 edge_attrs={"type": types, "share": shares})
    del pairs, types, shares
    sup = g.subgraph_edges(g.es.select(type_eq="SUPPLIES"), delete_vertices=False)
    is_nation = [k == "Nation" for k in kinds]
    nations = [[] for _ in range(len(names))]
    for e in g.es.select(type_eq="LOCATED_IN"):
        if is_nation[e.target]:
            nations[e.source].append(e.target)
    return {"g": g, "sup": sup, "index": index, "kinds": kinds, "names": names,
            "nations": nations}


def reach_from_successors(sup, s, order):
    """Vertices at the end of a walk of 1..order edges from s."""
    found = set(sup.neighborhood(s, order=order, mode="out", mindist=1))
    # s itself: on a cycle of length <= order, i.e. a predecessor of s
    # within order-1 hops of s (or a self-loop).
    near = set(sup.neighborhood(s, order=order - 1, mode="out"))
    if any(q in near for q in sup.predecessors(s)):
        found.add(s)
    return found


def q1(c, p):
    s = c["index"][p["s"]]
    found = reach_from_successors(c["sup"], s, 3)
    return sum(1 for v in found if c["kinds"][v] == "Firm")


def q2(c, p):
    sup, s = c["sup"], c["index"][p["s"]]
    found = set(sup.subcomponent(s, mode="out"))
    # subcomponent always holds s; a walk of >= 1 edge returns to s only on a cycle.
    if not any(q in found for q in sup.predecessors(s)):
        found.discard(s)
    return sum(1 for v in found if c["kinds"][v] == "Firm")


def q3(c, p):
    sup = c["sup"]
    d = sup.distances(c["index"][p["s"]], c["index"][p["t"]], mode="out")[0][0]
    return None if d == float("inf") else int(d)


def q4(c, p):
    sup, kinds, nations = c["sup"], c["kinds"], c["nations"]
    x = c["index"][p["nation"]]
    sources = [f for f in c["g"].predecessors(x) if kinds[f] == "Firm" and x in nations[f]]
    seen = set()
    frontier = sources
    for _ in range(4):
        nxt = set()
        for nbrs in sup.neighborhood(frontier, order=1, mode="out", mindist=1):
            nxt.update(nbrs)
        nxt -= seen
        seen |= nxt
        frontier = list(nxt)
        if not frontier:
            break
    return sum(1 for g in seen
               if kinds[g] == "Firm" and any(y != x for y in nations[g]))


def q5(c, p):
    kinds, nations, names = c["kinds"], c["nations"], c["names"]
    degree = c["sup"].degree(mode="all")
    k = p["k"]
    counts = {}
    for f, d in enumerate(degree):
        if d > k and kinds[f] == "Firm":
            for n in nations[f]:
                counts[names[n]] = counts.get(names[n], 0) + 1
    return [[name, counts[name]] for name in sorted(counts)]


if __name__ == "__main__":
    main(load, {"Q1": q1, "Q2": q2, "Q3": q3, "Q4": q4, "Q5": q5})
