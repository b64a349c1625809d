"""Type stubs of the native extension (Rust, PyO3). Use the `faultline`
package's API; `NativeGraph` is internal."""

from os import PathLike
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

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

_Outcome = Tuple[Any, ...]

class NativeResult:
    """One statement's rows, kept in Rust until a column is asked for."""

    def __len__(self) -> int: ...
    def column(self, j: int, mode: str) -> Tuple[str, Any]:
        """Column `j` as `(kind, data)`; `mode` is "object", "name" or "id"."""

class NativeGraph:
    @staticmethod
    def load(
        paths: Optional[Sequence[Union[str, PathLike[str]]]] = None,
        skip_bad_rows: bool = False,
        at: Optional[str] = None,
    ) -> Tuple[NativeGraph, List[Tuple[str, Optional[int], Optional[int], str]], int]: ...
    def load_more(self, paths: Sequence[Union[str, PathLike[str]]]) -> Tuple[int, int]: ...
    def date(self) -> Tuple[str, Optional[str]]: ...
    def set_date(self, at: str) -> None: ...
    def counts(self) -> Tuple[int, int]: ...
    def node(self, id: str) -> Optional[Node]: ...
    def execute(
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
