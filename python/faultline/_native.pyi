"""Type stubs of the native extension (Rust, PyO3). Use the `faultline`
package's API; `NativeGraph` is internal."""

from os import PathLike
import faultline
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, Union

class Node:
    """A node in a result: its id, name and kind. Equal when all three are."""

    @property
    def id(self) -> str:
        """The node's unique id."""
    @property
    def name(self) -> str:
        """Its display name."""
    @property
    def kind(self) -> str:
        """Its kind (`Firm`, `Nation`, ...)."""

class Edge:
    """An edge in a result: its type and the ids of its ends."""

    @property
    def type(self) -> str:
        """The edge type (`SUPPLIES`, ...)."""
    @property
    def from_id(self) -> str:
        """The id of the node it starts from."""
    @property
    def to_id(self) -> str:
        """The id of the node it points to."""

class Path:
    """A path in a result; `str(path)` is `A -[T]-> B <-[U]- C`."""

    @property
    def nodes(self) -> Tuple[Node, ...]:
        """The nodes in walk order."""
    @property
    def edges(self) -> Tuple[Edge, ...]:
        """The edges between consecutive nodes."""
    @property
    def hops(self) -> int:
        """The number of edges."""
    def __len__(self) -> int: ...

# A statement's result, or the failed statement's error tuple
# ("error", code, message, line, column, rendered, expected, help, text).
_Outcome = Union["NativeResult", Tuple[Any, ...]]

class NativeResult:
    """One statement's rows, kept in Rust until a column is asked for."""

    def __len__(self) -> int: ...
    @property
    def columns(self) -> List[str]:
        """The column names."""
    @property
    def message(self) -> Optional[str]:
        """The statement's message, if any."""
    @property
    def elapsed(self) -> float:
        """Seconds the statement took (parse and evaluation)."""
    @property
    def statement(self) -> str:
        """The statement's text."""
    def _native_column(self, j: int, mode: str) -> Tuple[str, Any]:
        """Column `j` as `(kind, data)`; `mode` is "object", "name" or "id"."""

class NativeGraph:
    """The native half of :class:`faultline.Graph` (its base class)."""

    def __init__(
        self,
        paths: Optional[Sequence[Union[str, PathLike[str]]]] = None,
        skip_bad_rows: bool = False,
        at: Optional[str] = None,
    ) -> None: ...
    def _skipped(self) -> Tuple[List[Tuple[str, Optional[int], Optional[int], str]], int]: ...
    def _load_more(self, paths: Sequence[Union[str, PathLike[str]]]) -> Tuple[int, int]: ...
    def _date(self) -> Tuple[str, Optional[str]]: ...
    def _set_date(self, at: str) -> None: ...
    def _counts(self) -> Tuple[int, int]: ...
    def node(self, id: str) -> Optional[Node]:
        """The node with exactly this id, or None."""
    def query(
        self,
        statements: str,
        *,
        params: Optional[Mapping[str, Any]] = None,
        budget: Optional[int] = None,
        **kwparams: Any,
    ) -> "faultline.Result":
        """Runs one or more statements (separated by ``;``) and returns the
        last one's :class:`Result`.

        Keywords are parameters for this call: ``g.query("... to $n", n="Taiwan")``
        (values: None, bool, int, float, str, ``datetime.date``, :class:`Node`
        or lists of these; ``params={...}`` for names that clash with the
        keywords here; both win over ``g.params``). ``budget`` caps the work
        in expanded edges and rows (default ``g.budget``).

        Raises :class:`QueryError` (with code, line, column and the caret
        rendering) when a statement fails; statements before it have run
        (a scenario they defined stays defined). KeyboardInterrupt cancels
        the running statement.
        """
    def _statements(
        self,
        source: str,
        origin: str = "<query>",
        params: Optional[Dict[str, Any]] = None,
        budget: Optional[int] = None,
    ) -> List[_Outcome]: ...

def bundled_data() -> str:
    """Where the bundled graph is read from (`$FAULTLINE_DATA` when set)."""

def interrupt_route() -> str:
    """How a statement started now on this thread would run so that Ctrl-C
    can stop it: "hooked" (inline; the extension's SIGINT handler cancels
    it), "unwatched" (inline, off the main thread) or "polled" (on a worker
    thread while this one polls). For tests and diagnostics."""
