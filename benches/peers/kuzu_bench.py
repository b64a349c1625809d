"""Kuzu peer: one node table per kind, one rel table per edge type, Cypher.

Load: an in-memory database; node tables and rel tables created from the
files' kinds and types, then COPY FROM each CSV. Q2 and Q3 use Kuzu's
`SHORTEST` recursive pattern (breadth-first; a plain `*` would enumerate
walks); SHORTEST never returns the start node itself, so Q2 adds it when it
lies on a cycle (a separate check), to match the FQL semantics.
"""

import csv
import os
import sys

import kuzu

sys.path.insert(0, os.path.dirname(__file__))
from common import csv_files, main  # noqa: E402

MAX_DEPTH = 30  # upper bound for SHORTEST; the generated graphs' BFS depth is far below it
TIMEOUT_MS = int(os.environ.get("BENCH_QUERY_TIMEOUT_S", "300")) * 1000


def first_row(path):
    with open(path, newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        return header, next(reader, None)


def load(data_dir):
    db = kuzu.Database()
    con = kuzu.Connection(db)
    con.set_query_timeout(TIMEOUT_MS)
    # Node tables: one per kind (every file of the generator holds one kind).
    kinds = {}
    id_kind = {}
    for path in csv_files(data_dir, "nodes"):
        header, row = first_row(path)
        if row is None:
            continue
        kind = row[1]
        kinds.setdefault(kind, (header, []))[1].append(path)
    for kind, (header, paths) in kinds.items():
        cols = ", ".join(
            f"{c} {'INT64' if c == 'tier' else 'STRING'}" for c in header)
        con.execute(f"CREATE NODE TABLE {kind}({cols}, PRIMARY KEY(id))")
        for path in paths:
            con.execute(f"COPY {kind} FROM '{path}' (header=true)")
        # The generator's id prefixes name the kind (N1, F12, ...).
        with open(paths[0], newline="") as f:
            next(f)
            id_kind[next(csv.reader(f))[0][0]] = kind
    # Rel tables: one per type, with every (from kind, to kind) pair seen.
    rels = {}
    for path in csv_files(data_dir, "edges"):
        header, row = first_row(path)
        if row is None:
            continue
        pair = (id_kind[row[0][0]], id_kind[row[1][0]])
        entry = rels.setdefault(row[2], {"header": header, "files": []})
        entry["files"].append((path, pair))
    for etype, entry in rels.items():
        pairs = sorted({pair for _, pair in entry["files"]})
        props = "".join(
            f", {c} {'DOUBLE' if c == 'share' else 'STRING'}" for c in entry["header"][2:])
        ends = ", ".join(f"FROM {a} TO {b}" for a, b in pairs)
        con.execute(f"CREATE REL TABLE {etype}({ends}{props})")
        for path, (a, b) in entry["files"]:
            opts = "header=true" if len(pairs) == 1 else f"header=true, from='{a}', to='{b}'"
            con.execute(f"COPY {etype} FROM '{path}' ({opts})")
    return db, con


def rows(ctx, query, params):
    result = ctx[1].execute(query, params)
    out = []
    while result.has_next():
        out.append(result.get_next())
    return out


def q1(ctx, p):
    return rows(ctx, "MATCH (s {id: $s})-[:SUPPLIES*1..3]->(b:Firm) RETURN count(DISTINCT b)",
                {"s": p["s"]})[0][0]


def q2(ctx, p):
    count = rows(ctx, f"MATCH (s:Firm {{id: $s}})-[:SUPPLIES* SHORTEST 1..{MAX_DEPTH}]->(b:Firm) "
                      "RETURN count(DISTINCT b)", {"s": p["s"]})[0][0]
    # s itself is reached when it is on a cycle: a predecessor of s reachable from s.
    on_cycle = rows(ctx, f"MATCH (s:Firm {{id: $s}})-[:SUPPLIES* SHORTEST 1..{MAX_DEPTH}]->(a:Firm)"
                         "-[:SUPPLIES]->(s) RETURN count(*)", {"s": p["s"]})[0][0]
    self_loop = rows(ctx, "MATCH (s:Firm {id: $s})-[:SUPPLIES]->(s) RETURN count(*)",
                     {"s": p["s"]})[0][0]
    return count + (1 if on_cycle or self_loop else 0)


def q3(ctx, p):
    out = rows(ctx, f"MATCH q = (s:Firm {{id: $s}})-[:SUPPLIES* SHORTEST 1..{MAX_DEPTH}]->(t:Firm {{id: $t}}) "
                    "RETURN length(q)", {"s": p["s"], "t": p["t"]})
    return out[0][0] if out else None


def q4(ctx, p):
    return rows(ctx, "MATCH (x:Nation {id: $nation})<-[:LOCATED_IN]-(f:Firm)-[:SUPPLIES*1..4]->(g:Firm)"
                     "-[:LOCATED_IN]->(y:Nation) WHERE y <> x RETURN count(DISTINCT g)",
                {"nation": p["nation"]})[0][0]


def q5(ctx, p):
    out = rows(ctx, "MATCH (f:Firm)-[:LOCATED_IN]->(n:Nation) "
                    "WHERE COUNT { MATCH (f)-[:SUPPLIES]-() } > $k "
                    "RETURN n.name, count(*) ORDER BY n.name", {"k": p["k"]})
    return [[name, count] for name, count in out]


if __name__ == "__main__":
    main(load, {"Q1": q1, "Q2": q2, "Q3": q3, "Q4": q4, "Q5": q5})
