"""NetworkX peer: the whole graph in one DiGraph, queries with NetworkX calls.

Load: node files and edge files read with the csv module into a DiGraph
(node attributes kind and name, edge attributes type and share; the
generated data has no two edges of different types between the same pair,
so a DiGraph holds it). Queries run on a SUPPLIES-only subgraph view.
"""

import csv
import os
import sys

import networkx as nx

sys.path.insert(0, os.path.dirname(__file__))
from common import csv_files, main  # noqa: E402


def load(data_dir):
    g = nx.DiGraph()
    for path in csv_files(data_dir, "nodes"):
        with open(path, newline="") as f:
            reader = csv.reader(f)
            next(reader)
            g.add_nodes_from((row[0], {"kind": row[1], "name": row[2]}) for row in reader)
    for path in csv_files(data_dir, "edges"):
        with open(path, newline="") as f:
            reader = csv.reader(f)
            header = next(reader)
            share_col = header.index("share") if "share" in header else None
            if share_col is None:
                g.add_edges_from((row[0], row[1], {"type": row[2]}) for row in reader)
            else:
                g.add_edges_from(
                    (row[0], row[1],
                     {"type": row[2], "share": float(row[share_col])} if row[share_col]
                     else {"type": row[2]})
                    for row in reader)
    sup = nx.subgraph_view(g, filter_edge=lambda u, v: g[u][v]["type"] == "SUPPLIES")
    return {"g": g, "sup": sup}


def nations_of(g, f):
    return [y for y, d in g.succ[f].items() if d["type"] == "LOCATED_IN" and g.nodes[y]["kind"] == "Nation"]


def walk_reach(sup, s, cutoff):
    """Nodes at the end of a walk of 1..cutoff edges from s (cutoff None: any)."""
    if cutoff is None:
        found = nx.descendants(sup, s)
        near = found | {s}
    else:
        found = set(nx.single_source_shortest_path_length(sup, s, cutoff=cutoff)) - {s}
        near = set(nx.single_source_shortest_path_length(sup, s, cutoff=cutoff - 1))
    # s itself: on a cycle short enough, i.e. a predecessor of s near s.
    if any(q in near for q in sup.predecessors(s)):
        found.add(s)
    return found


def count_firms(g, nodes):
    kind = g.nodes
    return sum(1 for v in nodes if kind[v]["kind"] == "Firm")


def q1(c, p):
    return count_firms(c["g"], walk_reach(c["sup"], p["s"], 3))


def q2(c, p):
    return count_firms(c["g"], walk_reach(c["sup"], p["s"], None))


def q3(c, p):
    try:
        return nx.shortest_path_length(c["sup"], p["s"], p["t"])
    except nx.NetworkXNoPath:
        return None


def q4(c, p):
    g, sup, x = c["g"], c["sup"], p["nation"]
    sources = [f for f, d in g.pred[x].items()
               if d["type"] == "LOCATED_IN" and g.nodes[f]["kind"] == "Firm"]
    dist = nx.multi_source_dijkstra_path_length(sup, sources, cutoff=4, weight=lambda u, v, d: 1)
    # A firm outside X reached at distance 1..4; sources (distance 0) are in X.
    return sum(1 for v, d in dist.items()
               if d >= 1 and g.nodes[v]["kind"] == "Firm" and any(y != x for y in nations_of(g, v)))


def q5(c, p):
    g, sup, k = c["g"], c["sup"], p["k"]
    counts = {}
    for f, d in sup.degree():
        if d > k and g.nodes[f]["kind"] == "Firm":
            for y in nations_of(g, f):
                name = g.nodes[y]["name"]
                counts[name] = counts.get(name, 0) + 1
    return [[name, counts[name]] for name in sorted(counts)]


if __name__ == "__main__":
    main(load, {"Q1": q1, "Q2": q2, "Q3": q3, "Q4": q4, "Q5": q5})
