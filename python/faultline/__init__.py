"""Faultline from Python: load a supply-chain graph, ask FQL questions, get
results as rows or DataFrames.

    >>> import faultline
    >>> g = faultline.open()                      # the bundled graph
    >>> r = g.query("exposure of (f:Firm) to $n top 10", n="Taiwan")
    >>> r.to_pandas()

A :class:`Graph` is one session, as in the REPL: scenarios defined by one
call are there for the next. Statements run with the GIL released and stop
on KeyboardInterrupt (Ctrl-C, or a notebook's interrupt button).
"""

from __future__ import annotations

import builtins
import datetime
import os
from typing import Any, Iterable, List, Mapping, NoReturn, Optional, Union

from ._errors import Error, LoadError, Problem, QueryError
from ._native import Edge, NativeGraph, Node, Path, bundled_data
from ._result import Export, Result

__all__ = [
    "open",
    "Graph",
    "Result",
    "Export",
    "Node",
    "Edge",
    "Path",
    "Error",
    "QueryError",
    "LoadError",
    "Problem",
    "bundled_data",
]

PathLike = Union[str, "os.PathLike[str]"]

# Export formats by file extension; `chart` (an SVG chart of the rows) only
# by name.
_EXPORT_FORMATS = {
    ".dot": "dot",
    ".gv": "dot",
    ".json": "json",
    ".graphml": "graphml",
    ".svg": "svg",
    ".png": "png",
    ".html": "html",
}
_FORMATS = set(_EXPORT_FORMATS.values()) | {"chart"}


def open(
    paths: Union[PathLike, Iterable[PathLike], None] = None,
    *,
    at: Union[str, datetime.date, None] = None,
    skip_bad_rows: bool = False,
) -> "Graph":
    """Loads a graph: the bundled one when ``paths`` is None, else the data
    sets named (directories, read recursively, or files of the data format;
    several are merged).

    ``skip_bad_rows=True`` skips rows that do not load (listed in
    ``Graph.skipped``) instead of refusing the data. ``at`` (a
    ``datetime.date`` or ``"YYYY[-MM[-DD]]"``) is the date statements see
    the graph at, as the command line's ``--at``: edges and nodes valid then
    (default today; change it later with ``Graph.at``).

    Raises :class:`LoadError` (with every problem's file, line and column)
    when the data does not load, ValueError for a bad date.
    """
    if paths is None:
        path_list: Optional[List[str]] = None
    elif isinstance(paths, (str, os.PathLike)):
        path_list = [os.fspath(paths)]
    else:
        path_list = [os.fspath(p) for p in paths]
    return Graph(path_list, skip_bad_rows, None if at is None else _date_text(at))


def _date_text(at: Union[str, datetime.date]) -> str:
    if isinstance(at, datetime.datetime):
        at = at.date()
    return at.isoformat() if isinstance(at, datetime.date) else str(at)


def _fql_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _raise(outcomes: list) -> NoReturn:
    """Raises the QueryError of the failed statement (the last outcome),
    carrying the results of the statements before it."""
    _, code, message, line, column, rendered, expected, help, text = outcomes[-1]
    raise QueryError(
        message,
        code=code,
        line=line,
        column=column,
        rendered=rendered,
        expected=expected,
        help=help,
        statement=text,
        results=outcomes[:-1],
    )


class Graph(NativeGraph):
    """A loaded graph with its parameters, scenarios and settings (made by
    :func:`open`). One statement runs at a time per graph."""

    def __init__(
        self,
        paths: Optional[List[str]] = None,
        skip_bad_rows: bool = False,
        at: Optional[str] = None,
    ) -> None:
        # NativeGraph.__new__ has loaded the data (with these arguments).
        skipped, skipped_count = self._skipped()
        #: Rows skipped under ``skip_bad_rows`` (at most 100 kept).
        self.skipped: List[Problem] = [Problem(*p) for p in skipped]
        #: How many rows were skipped in all.
        self.skipped_count: int = skipped_count
        #: Parameters every statement sees (a call's keywords win).
        self.params: dict = {}
        #: The work budget per statement in expanded edges and rows (None:
        #: the default, 500 per node and edge of the graph, at least 10
        #: million).
        self.budget: Optional[int] = None

    # `query` is NativeGraph's: a call runs no Python code of the package's
    # on its way in or out (issue 21, BENCHMARKS.md "Python over the CLI").

    def __repr__(self) -> str:
        nodes, edges = self._counts()
        return f"<faultline.Graph: {nodes} nodes, {edges} edges>"

    @property
    def at(self) -> str:
        """The date statements see the graph at (``YYYY-MM-DD``; today unless
        set). Set it with a ``datetime.date`` or ``"YYYY[-MM[-DD]]"``, as
        ``:at`` in the REPL; ``at DATE: STATEMENT`` dates one statement."""
        return self._date()[0]

    @at.setter
    def at(self, value: Union[str, datetime.date]) -> None:
        self._set_date(_date_text(value))

    @property
    def date_note(self) -> Optional[str]:
        """What the command line says first about dates (None when the data
        has no validity intervals)."""
        return self._date()[1]

    @property
    def node_count(self) -> int:
        """The number of nodes."""
        return self._counts()[0]

    @property
    def edge_count(self) -> int:
        """The number of edges."""
        return self._counts()[1]

    def load(self, paths: Union[PathLike, Iterable[PathLike]]) -> "tuple[int, int]":
        """Merges more data into the graph (the REPL's ``:load``); returns the
        nodes and edges added. On :class:`LoadError` the graph is unchanged;
        scenarios are kept."""
        if isinstance(paths, (str, os.PathLike)):
            paths = [paths]
        return self._load_more([os.fspath(p) for p in paths])

    def _execute(
        self,
        source: str,
        origin: str,
        params: Optional[Mapping[str, Any]],
        budget: Optional[int],
    ) -> List[Result]:
        # `params` is a dict of the caller's making: copied only under
        # `g.params` (a call's keywords win), as this runs on every call.
        merged = {**self.params, **params} if self.params else params
        outcomes = self._statements(
            source, origin, merged, budget if budget is not None else self.budget
        )
        if outcomes and type(outcomes[-1]) is tuple:
            _raise(outcomes)
        return outcomes

    def run(
        self,
        script: PathLike,
        *,
        params: Optional[Mapping[str, Any]] = None,
        budget: Optional[int] = None,
        **kwparams: Any,
    ) -> List[Result]:
        """Runs an FQL script file; returns one :class:`Result` per statement.
        Errors name the script's file, line and column. Parameters and
        ``budget`` as in :meth:`query`."""
        path = os.fspath(script)
        with builtins.open(path, encoding="utf-8") as f:
            source = f.read()
        merged = dict(params or {})
        merged.update(kwparams)
        return self._execute(source, path, merged, budget)

    def stats(self) -> Result:
        """Node counts by kind and edge counts by type (``stats``)."""
        return self.query("stats")

    def schema(self) -> Result:
        """Kinds and edge types with roles, directions, counts and
        properties (``schema``)."""
        return self.query("schema")

    def export(
        self,
        statement: Optional[str],
        path: PathLike,
        *,
        format: Optional[str] = None,
        clusters: bool = False,
        params: Optional[Mapping[str, Any]] = None,
        budget: Optional[int] = None,
        **kwparams: Any,
    ) -> Export:
        """Writes the subgraph of ``statement``'s result (the whole graph when
        None) to ``path``, in the format its extension names: ``.dot``,
        ``.json``, ``.graphml``, ``.svg`` and ``.png`` (these two need
        Graphviz's ``dot``), or ``.html`` (the interactive view).
        ``format`` overrides the extension; ``format="chart"`` draws the
        rows as an SVG chart. In a notebook the returned :class:`Export` of
        an SVG, chart or HTML file shows inline. ``with NAME: STATEMENT`` exports
        the scenario's view."""
        target = os.fspath(path)
        fmt = format or _EXPORT_FORMATS.get(os.path.splitext(target)[1].lower())
        if fmt not in _FORMATS:
            raise ValueError(
                f"cannot tell the export format of {target!r}: expected a file ending in "
                + ", ".join(sorted(_EXPORT_FORMATS))
                + " or format= one of "
                + ", ".join(sorted(_FORMATS))
            )
        inner = (statement or "").strip().rstrip(";").strip()
        text = f"export {fmt} {_fql_string(target)}"
        if clusters:
            text += " clusters"
        if inner:
            text += f" from {inner}"
        merged = dict(params or {})
        merged.update(kwparams)
        message = self._execute(text, "<export>", merged, budget)[-1].message
        return Export(target, fmt, message)

