"""The Python package against the bundled graph, the repository's mini
fixture and generated data sets. Run by .ci/run (pytest python/tests)."""

from __future__ import annotations

import datetime
import math
import os
import shutil
import signal
import sys
import threading
import types
import _thread
from pathlib import Path

import pytest

import faultline
from faultline import _native

ROOT = Path(__file__).resolve().parents[2]
MINI = ROOT / "tests" / "fixtures" / "mini"
TIME = ROOT / "tests" / "fixtures" / "time"


@pytest.fixture(scope="module")
def g() -> faultline.Graph:
    return faultline.open()


@pytest.fixture()
def mini() -> faultline.Graph:
    return faultline.open(MINI)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# ---------------------------------------------------------------- loading


def test_open_the_bundled_graph(g):
    nodes, edges = g.node_count, g.edge_count
    assert nodes > 1000 and edges > 1000
    assert repr(g) == f"<faultline.Graph: {nodes} nodes, {edges} edges>"
    stats = g.stats()
    assert stats.columns == ["element", "name", "count"]
    counts = {(e, n): c for e, n, c in stats}
    assert counts[("nodes", "Firm")] > 100
    schema = g.schema()
    assert schema.columns[:2] == ["element", "name"]
    assert ("kind", "Nation") in {(r[0], r[1]) for r in schema}


def test_open_custom_dirs_and_files(tmp_path):
    extra = write(
        tmp_path / "extra.json",
        '{"nodes": [{"id": "acme", "kind": "Firm", "name": "Acme"}],'
        ' "edges": [{"from": "acme", "to": "tsmc", "type": "DEPENDS_ON", "props": {"share": 0.5}}]}',
    )
    mini = faultline.open(MINI)
    merged = faultline.open([MINI, str(extra)])
    assert merged.node_count == mini.node_count + 1
    assert merged.edge_count == mini.edge_count + 1
    assert merged.node("acme").name == "Acme" and mini.node("acme") is None
    assert merged.query("exposure of 'acme' to 'Taiwan'").column("loss")[0] > 0


def test_node_lookup_and_load_more(mini, tmp_path):
    tsmc = mini.node("tsmc")
    assert (tsmc.id, tsmc.name, tsmc.kind) == ("tsmc", "TSMC", "Firm")
    assert mini.node("no-such-node") is None
    extra = write(tmp_path / "more" / "nodes" / "x.csv", "id,kind,name\nacme,Firm,Acme\n")
    before = mini.node_count
    assert mini.load(extra.parent.parent) == (1, 0)
    assert mini.node_count == before + 1


def test_open_at_a_date(tmp_path):
    # TSMC stopped shipping to HiSilicon on 2020-09-15 (valid_to 2020-09-14).
    q = 'match (:Firm {name: "HiSilicon"})-[r:DEPENDS_ON]->(t) return t.name order by t.name'
    before = faultline.open(TIME, at="2020-09-14")
    after = faultline.open(TIME, at=datetime.date(2020, 9, 15))
    assert before.at == "2020-09-14" and after.at == "2020-09-15"
    assert "TSMC" in before.query(q).column(0)
    assert "TSMC" not in after.query(q).column(0)
    after.at = "2020"  # a partial date means its first day
    assert after.at == "2020-01-01" and "TSMC" in after.query(q).column(0)
    assert after.date_note and faultline.open(MINI).date_note is None
    with pytest.raises(ValueError, match="bad date"):
        faultline.open(TIME, at="2020-02-30")
    with pytest.raises(ValueError, match="bad date"):
        after.at = "soon"


def test_a_bad_data_set_raises_load_error_with_locations(tmp_path):
    write(tmp_path / "nodes" / "n.csv", "id,kind,name\na,Firm,A\nb,Firm,B\n")
    write(tmp_path / "edges" / "e.csv", "from,to,type,share\na,b,SUPPLIES,0.5\na,zz,SUPPLIES,0.5\n")
    with pytest.raises(faultline.LoadError) as info:
        faultline.open(tmp_path)
    e = info.value
    assert isinstance(e, faultline.Error)
    assert e.file.endswith("e.csv") and e.line == 3
    assert "zz" in e.message
    assert len(e.problems) == 1 and e.problems[0].line == 3
    assert "the graph was not loaded" in str(e)
    # The same data with skip_bad_rows loads, listing the row it skipped.
    skipping = faultline.open(tmp_path, skip_bad_rows=True)
    assert skipping.edge_count == 1
    assert skipping.skipped_count == 1 and skipping.skipped[0].line == 3


def test_a_missing_path_is_a_load_error(tmp_path):
    with pytest.raises(faultline.LoadError):
        faultline.open(tmp_path / "nowhere")


# ---------------------------------------------------------------- statements


def test_match_rows_are_python_values(mini):
    r = mini.query(
        "match (f:Firm {id: 'nvidia'}) return f, f.name, f.founded, f.revenue_usd_bn, f.public, f.ticker, null as nothing"
    )
    assert len(r) == 1
    (row,) = r
    node, name, founded, revenue, public, ticker, nothing = row
    assert isinstance(node, faultline.Node) and node.id == "nvidia" and node.kind == "Firm"
    assert (name, founded, public, ticker, nothing) == ("NVIDIA", 1993, True, "NVDA", None)
    assert isinstance(founded, int) and isinstance(revenue, float) and math.isclose(revenue, 60.9)
    assert r[0] == row and r.to_dicts()[0]["f.name"] == "NVIDIA"


def test_lists_and_collect(mini):
    r = mini.query(
        "match (f:Firm)-[:LOCATED_IN]->(n:Nation {id: 'us'}) "
        "return n.name, collect(f.name) as firms, count(*) as k"
    )
    (name, firms, k), = r.rows
    assert name == "United States" and isinstance(firms, list) and len(firms) == k


def test_maps_are_dicts(mini):
    r = mini.query("match (f:Firm {id: 'nvidia'}) return {name: f.name, node: f, xs: [1, 2]} as m")
    (m,), = r.rows
    assert m["name"] == "NVIDIA" and m["node"].id == "nvidia" and m["xs"] == [1, 2]
    assert r.to_pandas()["m"][0] == {"name": "NVIDIA", "node": "NVIDIA", "xs": [1, 2]}


def test_path_statement_gives_path_objects(mini):
    r = mini.query("path from 'nvidia' to 'tw'")
    assert r.columns == ["hops", "cost", "path"]
    hops, _cost, path = r[0]
    assert isinstance(path, faultline.Path)
    assert path.hops == hops == len(path) == len(path.edges)
    assert path.nodes[0].id == "nvidia" and path.nodes[-1].id == "tw"
    assert isinstance(path.edges[0], faultline.Edge) and path.edges[0].type
    assert str(path).startswith("NVIDIA -[")


@pytest.mark.parametrize(
    "statement, columns",
    [
        ("upstream of 'nvidia'", ["node", "kind", "depth"]),
        ("downstream of 'tsmc'", ["node", "kind", "depth"]),
        ("exposure of (f:Firm) to 'Taiwan' top 3", ["node", "direct", "loss", "unknown", "path"]),
        ("impact of 'Taiwan' on (f:Firm) top 3", ["node", "direct", "loss", "unknown", "path"]),
        ("chokepoints of 'nvidia' top 3", ["node", "kind", "loss"]),
    ],
)
def test_analyses(mini, statement, columns):
    r = mini.query(statement)
    assert r.columns == columns and len(r) > 0
    assert all(isinstance(row[0], faultline.Node) for row in r)


def test_show_returns_a_result(mini):
    r = mini.query("show 'tsmc'")
    assert len(r) > 0 or r.message


def test_scenarios_persist_across_calls(mini):
    defined = mini.query("scenario no_tsmc = remove 'tsmc'")
    assert not defined.columns and "scenario no_tsmc defined" in defined.message
    compared = mini.query("compare no_tsmc: exposure of 'nvidia' to 'Taiwan'")
    assert compared.columns == ["node", "before", "after", "delta"]
    _node, before, after, delta = compared[0]
    assert before > 0 and math.isclose(delta, after - before)
    within = mini.query("with no_tsmc: match (f:Firm {id: 'tsmc'}) return count(*)")
    assert within[0] == (0,)
    with pytest.raises(faultline.QueryError) as info:
        faultline.open(MINI).query("compare no_tsmc: exposure of 'nvidia' to 'Taiwan'")
    assert info.value.code.startswith("E02")


def test_several_statements_return_the_last(mini):
    r = mini.query("scenario a = remove 'tsmc'; with a: match (f:Firm {id: 'tsmc'}) return count(*)")
    assert r.rows == [(0,)]


def test_run_a_script(mini, tmp_path):
    script = write(
        tmp_path / "s.fql",
        "-- two statements\nmatch (f:Firm {id: $firm}) return f.name;\nupstream of $firm depth 1;\n",
    )
    results = mini.run(script, firm="nvidia")
    assert len(results) == 2 and results[0].rows == [("NVIDIA",)]
    assert results[1].columns == ["node", "kind", "depth"]


# ---------------------------------------------------------------- parameters


def test_parameters(mini):
    q = "match (f:Firm) where f.founded > $year and f.public = $pub return f.name order by f.name"
    older = mini.query(q, year=1990, pub=True)
    assert {"AMD", "TSMC"}.isdisjoint(older.column("f.name"))
    assert older.column(0) == ["NVIDIA", "SMIC"]
    assert set(mini.query(q, params={"year": 1900, "pub": True}).column(0)) > set(older.column(0))
    # A call's keywords do not outlive it.
    with pytest.raises(faultline.QueryError) as info:
        mini.query("match (f {id: 'nvidia'}) return $year")
    assert "year" in info.value.message
    # Graph.params hold for every call; a keyword wins over them.
    mini.params["firm"] = "amd"
    assert mini.query("match (f {id: $firm}) return f.name").rows == [("AMD",)]
    assert mini.query("match (f {id: $firm}) return f.name", firm="tsmc").rows == [("TSMC",)]
    # A Node passes its id; lists, None and dates pass as FQL values.
    tsmc = mini.node("tsmc")
    assert mini.query("match (f {id: $n}) return f.name", n=tsmc).rows == [("TSMC",)]
    r = mini.query("match (f {id: 'nvidia'}) return $xs as xs, $nothing as n, $d as d", xs=[1, "a", 2.5], nothing=None, d=datetime.date(2024, 3, 1))
    assert r.rows == [([1, "a", 2.5], None, datetime.date(2024, 3, 1))]


def test_parameter_precedence_and_mappings(mini):
    # g.params, then params=, then keywords: a later one wins; params= may be
    # any mapping.
    q = "match (f {id: $firm}) return f.name"
    mini.params["firm"] = "amd"
    try:
        assert mini.query(q, params=types.MappingProxyType({"firm": "tsmc"})).rows == [("TSMC",)]
        assert mini.query(q, params={"firm": "tsmc"}, firm="nvidia").rows == [("NVIDIA",)]
        assert mini.query(q).rows == [("AMD",)]
    finally:
        del mini.params["firm"]


def test_the_graphs_budget_is_the_default(mini):
    mini.budget = 10
    try:
        with pytest.raises(faultline.QueryError) as info:
            mini.query("match (a)-[*1..6]-(b) return count(*)")
        assert info.value.code == "E0401"
        # A call's budget wins over the graph's.
        assert mini.query("match (f {id: 'nvidia'}) return 1", budget=10**9).rows == [(1,)]
    finally:
        mini.budget = None


def test_a_failed_query_keeps_the_results_before_it(mini):
    with pytest.raises(faultline.QueryError) as info:
        mini.query("match (f {id: 'nvidia'}) return 1 as one; match (x) return nope")
    assert [r.rows for r in info.value.results] == [[(1,)]]
    assert info.value.results[0].columns == ["one"]


def test_results_are_made_by_queries_only():
    with pytest.raises(TypeError, match="made by Graph.query"):
        faultline.Result()


def test_bad_parameter_values(mini):
    with pytest.raises(TypeError, match="cannot pass a dict"):
        mini.query("match (f {id: 'nvidia'}) return $x", x={"a": 1})
    with pytest.raises(ValueError, match="64-bit"):
        mini.query("match (f {id: 'nvidia'}) return $x", x=2**80)
    with pytest.raises(ValueError, match="parameter name"):
        mini.query("match (f {id: 'nvidia'}) return 1", params={"1bad": 1})


# ---------------------------------------------------------------- DataFrames


def test_to_pandas_columns_and_dtypes(mini):
    pd = pytest.importorskip("pandas")
    r = mini.query(
        "match (f:Firm) return f, f.name as name, f.founded as founded, f.revenue_usd_bn as rev, f.public as pub order by name"
    )
    df = r.to_pandas()
    assert list(df.columns) == ["f", "name", "founded", "rev", "pub"]
    assert len(df) == len(r)
    assert df["name"].tolist() == r.column("name")
    assert df["f"].tolist() == r.column("name")  # nodes by name by default
    assert r.to_pandas(nodes="id")["f"].tolist() == [n.id for n in r.column("f")]
    assert isinstance(r.to_pandas(nodes="object")["f"][0], faultline.Node)
    with pytest.raises(ValueError, match="nodes="):
        r.to_pandas(nodes="nope")


def test_to_pandas_number_columns_are_numpy_arrays(mini):
    pytest.importorskip("pandas")
    r = mini.query("match (f:Firm)-[d:DEPENDS_ON]->(x) where d.share > 0 return f.founded as y, d.share as s, true as t")
    df = r.to_pandas()
    assert str(df["y"].dtype) == "int64" and str(df["s"].dtype) == "float64" and str(df["t"].dtype) == "bool"
    assert df["s"].tolist() == r.column("s")
    empty = mini.query("match (f:Firm {id: 'none'}) return f.name as name")
    assert len(empty) == 0 and list(empty.to_pandas().columns) == ["name"]


def test_to_polars(mini):
    pl = pytest.importorskip("polars")
    r = mini.query("path from 'nvidia' to 'tw'")
    df = r.to_polars()
    assert isinstance(df, pl.DataFrame) and df.columns == ["hops", "cost", "path"]
    assert df["path"][0] == str(r[0][2])


def test_missing_pandas_says_how_to_install(mini, monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)
    monkeypatch.setitem(sys.modules, "polars", None)
    r = mini.query("match (f {id: 'nvidia'}) return 1 as one")
    with pytest.raises(ImportError, match="pip install pandas"):
        r.to_pandas()
    with pytest.raises(ImportError, match="pip install polars"):
        r.to_polars()


def test_html_and_text_repr(mini):
    r = mini.query("match (f:Firm) return f.name, f.founded order by f.name limit 2")
    page = r._repr_html_()
    assert page.startswith("<table>") and "<th>f.name</th>" in page and "(2 rows)" in page
    assert "2 rows" in repr(r)
    message = mini.query("scenario s = remove 'tsmc'")
    assert "scenario s defined" in message._repr_html_()


# ---------------------------------------------------------------- errors


def test_query_error_carries_location_and_caret(mini):
    with pytest.raises(faultline.QueryError) as info:
        mini.query("match (f:Firm)\nretrun f")
    e = info.value
    assert (e.code, e.line, e.column) == ("E0101", 2, 1)
    assert "retrun" in e.message and e.expected
    assert str(e) == e.rendered
    assert "--> <query>:2:1" in e.rendered and "^^^^^^" in e.rendered


def test_script_errors_name_the_file_and_keep_earlier_results(mini, tmp_path):
    script = write(tmp_path / "bad.fql", "match (f {id: 'nvidia'}) return 1;\n\nmatch (x) return nope;\n")
    with pytest.raises(faultline.QueryError) as info:
        mini.run(script)
    e = info.value
    assert e.line == 3 and f"{script}:3:" in e.rendered
    assert [r.rows for r in e.results] == [[(1,)]]
    assert e.statement.startswith("match (x) return nope")


def test_the_work_budget_is_a_keyword(mini):
    with pytest.raises(faultline.QueryError) as info:
        mini.query("match (a)-[*1..6]-(b) return count(*)", budget=10)
    assert info.value.code == "E0401"
    with pytest.raises(ValueError):
        mini.query("match (f {id: 'nvidia'}) return 1", budget=0)
    assert mini.query("match (f {id: 'nvidia'}) return 1").rows == [(1,)]  # the budget was for that call


def test_empty_source(mini):
    with pytest.raises(ValueError, match="no statement"):
        mini.query("-- nothing")


# ---------------------------------------------------------------- interrupt


def clique(tmp_path: Path, n: int) -> Path:
    nodes = "id,kind,name\n" + "".join(f"n{i},Thing,N{i}\n" for i in range(n))
    edges = "from,to,type\n" + "".join(
        f"n{i},n{j},R\n" for i in range(n) for j in range(n) if i != j
    )
    write(tmp_path / "nodes" / "n.csv", nodes)
    write(tmp_path / "edges" / "e.csv", edges)
    return tmp_path


# Every walk of up to 12 edges in a 40-clique: far more than anyone waits for,
# so a test that does not interrupt it hangs (and fails) rather than passes.
NEVER_ENDING = "match (a {id: 'n0'})-[:R*1..12]->(b) return count(*)"
QUICK = "match (a {id: 'n0'})-[:R]->(b) return count(*)"
QUICK_MINI = "match (f {id: 'nvidia'}) return 1"


def ctrl_c() -> None:
    """Sends this process a real SIGINT, as Ctrl-C or a notebook's
    interrupt does."""
    os.kill(os.getpid(), signal.SIGINT)


def assert_interrupts(graph: faultline.Graph, send, raises=KeyboardInterrupt) -> None:
    """`send`, called from another thread 0.3 s into the never-ending
    statement, stops it: the call raises `raises`, and the graph answers the
    next statement in full (its cancel flag was reset)."""
    timer = threading.Timer(0.3, send)
    timer.start()
    try:
        with pytest.raises(raises):
            graph.query(NEVER_ENDING, budget=10**18)
    finally:
        timer.cancel()
    assert graph.query(QUICK).rows == [(39,)]


@pytest.fixture()
def python_sigint():
    """Python's own SIGINT handler in place, as at startup: polars (imported
    by an earlier test) puts its own handler in front of it on import, and
    behind a handler it does not know the extension polls instead."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


@pytest.mark.skipif(os.name != "posix", reason="POSIX signals")
def test_ctrl_c_cancels_a_statement_running_on_the_main_thread(tmp_path, python_sigint):
    # The default handler: the statement runs inline on this thread and the
    # signal reaches it through the extension's SIGINT handler.
    assert _native.interrupt_route() == "hooked"
    assert_interrupts(faultline.open(clique(tmp_path, 40)), ctrl_c)


@pytest.mark.skipif(os.name != "posix", reason="POSIX signals")
def test_ctrl_c_still_cancels_after_python_reinstalls_its_handler(tmp_path, python_sigint):
    graph = faultline.open(clique(tmp_path, 40))
    assert graph.query(QUICK).rows == [(39,)]  # the extension's handler is in place
    # What ipykernel does around every cell: Python's C handler replaces
    # ours, which goes back in front of it on the next call.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    assert _native.interrupt_route() == "hooked"
    assert_interrupts(graph, ctrl_c)


@pytest.mark.skipif(os.name != "posix", reason="POSIX signals")
def test_ctrl_c_still_breaks_a_blocking_call_after_a_query(mini, python_sigint):
    # The extension's handler must not make the kernel restart blocking
    # calls (SA_RESTART) where Python's would have them fail with EINTR.
    assert mini.query(QUICK_MINI).rows
    assert _native.interrupt_route() == "hooked"
    r, w = os.pipe()
    timer = threading.Timer(0.3, ctrl_c)
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            os.read(r, 1)  # nothing is ever written
    finally:
        timer.cancel()
        os.close(r)
        os.close(w)


class Stop(Exception):
    pass


def test_a_handler_of_the_users_is_polled_for(tmp_path):
    # A handler of the user's: the statement runs on a worker thread while
    # this one polls, so `_thread.interrupt_main` (which raises no signal)
    # reaches it too, and what the handler raises is what the call raises.
    def stop(signum, frame):
        raise Stop()

    graph = faultline.open(clique(tmp_path, 40))
    previous = signal.signal(signal.SIGINT, stop)
    try:
        assert _native.interrupt_route() == "polled"
        assert_interrupts(graph, _thread.interrupt_main, raises=Stop)
    finally:
        signal.signal(signal.SIGINT, previous)


def test_queries_from_other_threads(tmp_path):
    # Off the main thread the statement runs inline with no signal handler:
    # Python delivers signals to the main thread only.
    graph = faultline.open(clique(tmp_path, 5))
    out = []

    def run():
        out.append(_native.interrupt_route())
        out.append(graph.query(QUICK).rows)

    t = threading.Thread(target=run)
    t.start()
    t.join()
    assert out == ["unwatched", [(4,)]]


def test_other_threads_run_python_while_a_query_runs(tmp_path):
    graph = faultline.open(clique(tmp_path, 40))
    seen = []
    stop = threading.Event()

    def watch():
        # Runs Python code, so it gets going only while the GIL is free;
        # while the query runs, the graph says it is busy.
        while not stop.is_set() and not seen:
            try:
                graph.node_count
            except RuntimeError as e:
                seen.append(str(e))
            stop.wait(0.001)

    t = threading.Thread(target=watch)
    t.start()
    try:
        with pytest.raises(faultline.QueryError) as info:
            graph.query("match (a {id: 'n0'})-[:R*1..12]->(b) return count(*)", budget=50_000_000)
        assert info.value.code == "E0401"
    finally:
        stop.set()
        t.join()
    assert seen and "running a statement in another thread" in seen[0]


# ---------------------------------------------------------------- exports


def test_exports(mini, tmp_path):
    dot = mini.export("upstream of 'nvidia'", tmp_path / "up.dot")
    assert dot.format == "dot" and "exported" in dot.message
    assert (tmp_path / "up.dot").read_text().startswith("digraph")
    js = mini.export("path from 'nvidia' to 'tw';", tmp_path / "p.json")
    assert '"nodes"' in (tmp_path / "p.json").read_text()
    mini.export(None, tmp_path / "all.graphml")
    assert "<graphml" in (tmp_path / "all.graphml").read_text()
    assert js._repr_svg_() is None
    with pytest.raises(ValueError, match="export format"):
        mini.export("stats", tmp_path / "x.txt")
    with pytest.raises(faultline.QueryError):
        mini.export("match (x) return nope", tmp_path / "x.dot")


def test_a_scenario_export(mini, tmp_path):
    mini.query("scenario no_tsmc = remove 'tsmc'")
    mini.export("with no_tsmc: upstream of 'nvidia'", tmp_path / "s.json")
    assert '"tsmc"' not in (tmp_path / "s.json").read_text()


def test_html_and_chart_exports_show_inline(mini, tmp_path):
    page = mini.export("upstream of 'nvidia'", tmp_path / "up.html")
    text = (tmp_path / "up.html").read_text()
    assert "<html" in text.lower() and page._repr_html_() == text
    chart = mini.export("chokepoints of 'nvidia' top 3", tmp_path / "c.svg", format="chart")
    assert chart.format == "chart" and "<svg" in chart._repr_svg_()
    with pytest.raises(ValueError, match="format= one of"):
        mini.export("stats", tmp_path / "x.svg", format="pdf")


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz `dot` is not installed")
def test_svg_exports_show_inline(mini, tmp_path):
    svg = mini.export("upstream of 'nvidia'", tmp_path / "up.svg")
    assert "<svg" in svg._repr_svg_() and str(tmp_path / "up.svg") in svg.message
    assert not [p for p in os.listdir(tmp_path) if p.endswith(".tmp")]


# ---------------------------------------------------------------- the example


def test_the_notebook_example_runs(tmp_path):
    import subprocess

    chart = tmp_path / "chart.png"
    run = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "notebook.py"), "--plot", str(chart), "--quiet"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        assert "skipping the chart" in run.stderr
    else:
        assert chart.stat().st_size > 1000
