"""Results and exports as Python objects: columns, rows, DataFrames, and the
HTML and SVG a notebook shows."""

from __future__ import annotations

import array
import gc
import html
import os
from typing import Any, Iterator, List, Optional, Tuple

from ._native import NativeResult

# The native module hands a column over as (kind, data): "int64", "float64"
# and "bool" columns as bytes in native byte order, "str" and "object" ones
# as lists of Python values.
_ARRAY_CODES = {"int64": "q", "float64": "d"}
_NUMPY_DTYPES = {"int64": "int64", "float64": "float64", "bool": "bool"}
_NODE_MODES = ("name", "id", "object")
_HTML_ROWS = 50


def _require(module: str, extra: str) -> Any:
    try:
        return __import__(module)
    except ImportError as e:
        raise ImportError(
            f"{extra} needs {module}, which is not installed: "
            f"`pip install {module}` (or `pip install ./python[{module}]`)"
        ) from e


def _python_values(kind: str, data: Any) -> list:
    if kind in _ARRAY_CODES:
        return array.array(_ARRAY_CODES[kind], data).tolist()
    if kind == "bool":
        return [b != 0 for b in data]
    return data


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.4f}"
    if isinstance(value, list):
        return "[" + ", ".join(_text(v) for v in value) + "]"
    return str(value)


class Result(NativeResult):
    """The result of one statement: ``columns``, ``rows`` and ``message``.

    ``len(result)`` is the number of rows; iterating yields the rows as
    tuples; ``result[i]`` is row ``i``; ``result.column("name")`` one
    column as a list. Values are Python values: None, bool, int, float,
    str, ``datetime.date`` (a date of year or month precision stays a str),
    lists, and :class:`Node`, :class:`Edge` and :class:`Path` objects.
    ``to_pandas()`` and ``to_polars()`` make DataFrames; in a notebook a
    result shows as a table. ``columns`` (a new list on each access),
    ``message``, ``elapsed`` (seconds the statement took: parse and
    evaluation) and ``statement`` (its text) come from the native half.

    Results are made by :meth:`Graph.query` and :meth:`Graph.run` (the
    native ``__new__`` takes the rows, which stay in Rust until a column is
    asked for); a query's call runs no Python code of this class.
    """

    # Filled on first use (an unset slot reads as AttributeError).
    __slots__ = ("_objects", "_rows")

    def _column_data(self, index: int, mode: str) -> Tuple[str, Any]:
        if mode != "object":
            return self._native_column(index, mode)
        try:
            objects = self._objects
        except AttributeError:
            objects = self._objects = {}
        if index not in objects:
            objects[index] = self._native_column(index, "object")
        return objects[index]

    def _index(self, key: "int | str") -> int:
        if isinstance(key, str):
            try:
                return self.columns.index(key)
            except ValueError:
                raise KeyError(f"no column {key!r}; the columns are {self.columns}") from None
        return range(len(self.columns))[key]

    def column(self, key: "int | str") -> list:
        """One column as a list of Python values, by name or index."""
        return list(_python_values(*self._column_data(self._index(key), "object")))

    @property
    def rows(self) -> List[tuple]:
        """The rows, each a tuple as long as ``columns``."""
        try:
            return self._rows
        except AttributeError:
            pass
        cols = [self.column(j) for j in range(len(self.columns))]
        # A million tuples would set off the cyclic collector many times
        # over (each pass walking every row made so far); tuples of plain
        # values hold no cycles.
        enabled = gc.isenabled()
        gc.disable()
        try:
            self._rows = list(zip(*cols)) if cols else []
        finally:
            if enabled:
                gc.enable()
        return self._rows

    def __iter__(self) -> Iterator[tuple]:
        return iter(self.rows)

    def __getitem__(self, i: int) -> tuple:
        return self.rows[i]

    def to_dicts(self) -> List[dict]:
        """The rows as dicts from column name to value."""
        return [dict(zip(self.columns, r)) for r in self.rows]

    def _plain_columns(self, nodes: str, numpy: Any) -> List[Tuple[str, Any]]:
        if nodes not in _NODE_MODES:
            raise ValueError(f"nodes={nodes!r}: expected one of {', '.join(_NODE_MODES)}")
        out = []
        for j in range(len(self.columns)):
            kind, data = self._column_data(j, nodes)
            if kind in _NUMPY_DTYPES and numpy is not None:
                out.append((kind, numpy.frombuffer(data, dtype=_NUMPY_DTYPES[kind])))
            else:
                out.append((kind, _python_values(kind, data)))
        return out

    def to_pandas(self, nodes: str = "name") -> Any:
        """The result as a ``pandas.DataFrame``, one column per result column.

        Number and boolean columns become NumPy arrays without a per-value
        copy. ``nodes`` says how nodes appear: ``"name"`` (default, as the
        table output shows them), ``"id"`` (as CSV output), or ``"object"``
        (the :class:`Node` objects). Paths and edges become their text
        unless ``nodes="object"``. Raises ImportError when pandas is missing.
        """
        pd = _require("pandas", "to_pandas()")
        import numpy

        cols = [c for _, c in self._plain_columns(nodes, numpy)]
        frame = pd.DataFrame(dict(enumerate(cols)), columns=range(len(cols)))
        frame.columns = self.columns
        return frame

    def to_polars(self, nodes: str = "name") -> Any:
        """The result as a ``polars.DataFrame`` (``nodes`` as in
        :meth:`to_pandas`). Raises ImportError when polars is missing."""
        pl = _require("polars", "to_polars()")
        try:
            import numpy
        except ImportError:
            numpy = None
        series = []
        for name, (kind, col) in zip(self.columns, self._plain_columns(nodes, numpy)):
            if kind == "object" and nodes == "object":
                series.append(pl.Series(name, col, dtype=pl.Object))
            else:
                series.append(pl.Series(name, col, strict=False))
        return pl.DataFrame(series)

    def __repr__(self) -> str:
        if not self.columns:
            return f"<faultline.Result: {self.message or 'no rows'}>"
        n = len(self)
        head = "\n".join(
            "  " + " | ".join(_text(v) for v in row) for row in self.rows[:10]
        )
        more = f"\n  ... {n - 10} more" if n > 10 else ""
        note = f"\n{self.message}" if self.message else ""
        cols = " | ".join(self.columns)
        return f"<faultline.Result: {n} row{'s' if n != 1 else ''}>\n  {cols}\n{head}{more}{note}"

    def _repr_html_(self) -> str:
        parts = []
        if self.columns:
            parts.append("<table><thead><tr>")
            parts.extend(f"<th>{html.escape(c)}</th>" for c in self.columns)
            parts.append("</tr></thead><tbody>")
            for row in self.rows[:_HTML_ROWS]:
                parts.append("<tr>")
                parts.extend(f"<td>{html.escape(_text(v))}</td>" for v in row)
                parts.append("</tr>")
            parts.append("</tbody></table>")
            n = len(self)
            shown = f"first {_HTML_ROWS} of " if n > _HTML_ROWS else ""
            parts.append(f"<p>({shown}{n} row{'s' if n != 1 else ''})</p>")
        if self.message:
            parts.append(f"<pre>{html.escape(self.message)}</pre>")
        return "".join(parts)


class Export:
    """A written export: ``path``, ``format`` and the ``message`` the statement
    returned. In a notebook an SVG or HTML export shows inline."""

    def __init__(self, path: str, format: str, message: Optional[str]) -> None:
        self.path = path
        self.format = format
        self.message = message

    def __repr__(self) -> str:
        return f"<faultline.Export {self.format} {self.path!r}: {self.message}>"

    def __fspath__(self) -> str:
        return self.path

    def _read(self) -> str:
        with open(self.path, encoding="utf-8") as f:
            return f.read()

    def _repr_svg_(self) -> Optional[str]:
        return self._read() if self.format in ("svg", "chart") else None

    def _repr_html_(self) -> Optional[str]:
        if self.format == "html":
            return self._read()
        if self.format in ("svg", "chart"):
            return None
        return f"<pre>{html.escape(self.message or os.fspath(self))}</pre>"
