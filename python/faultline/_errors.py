"""Faultline's exceptions: every error the package raises on bad input is a
:class:`faultline.Error`."""

from __future__ import annotations

from typing import NamedTuple, Optional, Sequence


class Error(Exception):
    """Base class of Faultline's errors.

    Attributes: ``message`` (one line), ``code`` (a stable code such as
    ``E0101``, or None), ``line`` and ``column`` (1-based, or None) and
    ``rendered`` (the error as the command line prints it: location, the
    source line and a caret under the fault). ``str(error)`` is ``rendered``.
    """

    def __init__(
        self,
        message: str,
        *,
        code: Optional[str] = None,
        line: Optional[int] = None,
        column: Optional[int] = None,
        rendered: Optional[str] = None,
    ) -> None:
        self.message = message
        self.code = code
        self.line = line
        self.column = column
        self.rendered = (rendered if rendered is not None else message).rstrip("\n")
        super().__init__(self.rendered)


class QueryError(Error):
    """A statement failed: a syntax error, an unknown name, a type error, an
    exhausted work budget (``E0401``), ...

    Besides :class:`Error`'s attributes: ``expected`` (what was expected at
    the fault, or None), ``help`` (a hint, or None), ``statement`` (the text
    of the failing statement) and ``results`` (the results of the statements
    of the same call that ran before it).
    """

    def __init__(
        self,
        message: str,
        *,
        code: Optional[str] = None,
        line: Optional[int] = None,
        column: Optional[int] = None,
        rendered: Optional[str] = None,
        expected: Optional[str] = None,
        help: Optional[str] = None,
        statement: str = "",
        results: Sequence[object] = (),
    ) -> None:
        super().__init__(message, code=code, line=line, column=column, rendered=rendered)
        self.expected = expected
        self.help = help
        self.statement = statement
        self.results = list(results)


class Problem(NamedTuple):
    """One problem in a data set: the file, its 1-based line and column (None
    when the problem is about the whole file) and what is wrong."""

    file: str
    line: Optional[int]
    column: Optional[int]
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return f"{where}: {self.message}"


class LoadError(Error):
    """The data did not load. ``problems`` lists every problem found (up to
    100), each a :class:`Problem`; ``file``, ``line`` and ``column`` are the
    first one's. ``rendered`` is the report the command line prints. ``code``
    is None (data problems have no codes)."""

    def __init__(self, rendered: str, problems: Sequence[tuple]) -> None:
        self.problems = [Problem(*p) for p in problems]
        first = self.problems[0] if self.problems else None
        super().__init__(
            first.message if first else rendered,
            line=first.line if first else None,
            column=first.column if first else None,
            rendered=rendered,
        )
        self.file = first.file if first else None
