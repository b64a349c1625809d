"""DuckDB peer: the data set in two tables, queries as recursive SQL.

Load: every node file into `nodes` and every edge file into `edges`
(read_csv, union_by_name), in memory. Traversals are recursive CTEs over
the SUPPLIES rows; Q3 uses a keyed CTE (USING KEY) so each firm enters the
breadth-first search once, at its fewest-hop depth.
"""

import os
import sys

import duckdb

sys.path.insert(0, os.path.dirname(__file__))
from common import main  # noqa: E402

SUP = """sup AS (SELECT "from" AS src, "to" AS dst FROM edges WHERE type = 'SUPPLIES')"""


def load(data_dir):
    con = duckdb.connect()
    nodes = os.path.join(data_dir, "nodes", "*.csv")
    edges = os.path.join(data_dir, "edges", "*.csv")
    con.execute(f"CREATE TABLE nodes AS SELECT * FROM read_csv('{nodes}', union_by_name = true, header = true)")
    con.execute(f"CREATE TABLE edges AS SELECT * FROM read_csv('{edges}', union_by_name = true, header = true)")
    return con


def one(con, sql, params):
    return con.execute(sql, params).fetchone()[0]


def q1(con, p):
    return one(con, f"""
        WITH RECURSIVE {SUP},
        r(node, depth) AS (
            SELECT dst, 1 FROM sup WHERE src = $s
            UNION
            SELECT sup.dst, r.depth + 1 FROM r JOIN sup ON sup.src = r.node WHERE r.depth < 3)
        SELECT count(DISTINCT r.node) FROM r JOIN nodes n ON n.id = r.node WHERE n.kind = 'Firm'
        """, {"s": p["s"]})


def q2(con, p):
    return one(con, f"""
        WITH RECURSIVE {SUP},
        r(node) AS (
            SELECT dst FROM sup WHERE src = $s
            UNION
            SELECT sup.dst FROM r JOIN sup ON sup.src = r.node)
        SELECT count(DISTINCT r.node) FROM r JOIN nodes n ON n.id = r.node WHERE n.kind = 'Firm'
        """, {"s": p["s"]})


def q3(con, p):
    row = con.execute(f"""
        WITH RECURSIVE {SUP},
        r(node, depth) USING KEY (node) AS (
            SELECT $s, 0
            UNION
            (SELECT sup.dst, min(r.depth + 1)
             FROM r JOIN sup ON sup.src = r.node
             LEFT JOIN recurring.r AS old ON old.node = sup.dst
             WHERE old.node IS NULL
             GROUP BY sup.dst))
        SELECT depth FROM r WHERE node = $t
        """, {"s": p["s"], "t": p["t"]}).fetchone()
    return None if row is None else row[0]


def q4(con, p):
    return one(con, f"""
        WITH RECURSIVE {SUP},
        src AS (SELECT l."from" AS id FROM edges l JOIN nodes f ON f.id = l."from"
                WHERE l.type = 'LOCATED_IN' AND l."to" = $nation AND f.kind = 'Firm'),
        r(node, depth) AS (
            SELECT id, 0 FROM src
            UNION
            SELECT sup.dst, r.depth + 1 FROM r JOIN sup ON sup.src = r.node WHERE r.depth < 4)
        SELECT count(DISTINCT r.node)
        FROM r
        JOIN nodes g ON g.id = r.node AND g.kind = 'Firm'
        JOIN edges l ON l."from" = r.node AND l.type = 'LOCATED_IN'
        JOIN nodes y ON y.id = l."to" AND y.kind = 'Nation'
        WHERE r.depth >= 1 AND y.id <> $nation
        """, {"nation": p["nation"]})


def q5(con, p):
    rows = con.execute("""
        WITH deg AS (
            SELECT id, count(*) AS d FROM (
                SELECT "from" AS id FROM edges WHERE type = 'SUPPLIES'
                UNION ALL
                SELECT "to" FROM edges WHERE type = 'SUPPLIES')
            GROUP BY id)
        SELECT n.name, count(*)
        FROM edges l
        JOIN nodes f ON f.id = l."from" AND f.kind = 'Firm'
        JOIN nodes n ON n.id = l."to" AND n.kind = 'Nation'
        JOIN deg ON deg.id = f.id
        WHERE l.type = 'LOCATED_IN' AND deg.d > $k
        GROUP BY n.name ORDER BY n.name
        """, {"k": p["k"]}).fetchall()
    return [[name, count] for name, count in rows]


if __name__ == "__main__":
    main(load, {"Q1": q1, "Q2": q2, "Q3": q3, "Q4": q4, "Q5": q5})
