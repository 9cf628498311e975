"""Errors hrgraph raises for a user's mistake, each mapped to a command-line exit code.

Every error here is something a user can fix (a malformed file, an unknown name, a store that is
busy), so the command line prints its message on one line and exits with :attr:`HrgraphError.exit_code`
instead of showing a traceback. Programming errors are not wrapped: they surface as they are.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = [
    "BadInputError",
    "EndpointError",
    "HrgraphError",
    "MalformedRDFError",
    "StoreLockedError",
    "UnknownNameError",
    "malformed",
]


class HrgraphError(Exception):
    """Base class of the errors a user can fix; ``str(error)`` is a one-line message."""

    exit_code: int = 2


class BadInputError(HrgraphError):
    """Input that cannot be used: a missing file, a wrong parameter, an unsupported format."""


class MalformedRDFError(BadInputError):
    """An RDF file that does not parse, with the place of the first error.

    >>> str(MalformedRDFError("plan.ttl", 3, 7, "expected '.'"))
    "plan.ttl:3:7: malformed RDF: expected '.'"
    """

    def __init__(self, source: str | Path, line: int | None, column: int | None, reason: str) -> None:
        self.source = str(source)
        self.line = line
        self.column = column
        self.reason = reason
        place = self.source
        if line is not None:
            place += f":{line}"
            if column is not None:
                place += f":{column}"
        super().__init__(f"{place}: malformed RDF: {reason}")


class UnknownNameError(BadInputError):
    """A name (query, graph, city, format, parameter) that hrgraph does not know."""


class StoreLockedError(HrgraphError):
    """The on-disk store is open in another process."""


class EndpointError(HrgraphError):
    """A remote SPARQL endpoint that cannot be reached or that refuses a request."""


@contextmanager
def malformed(place: str) -> Iterator[None]:
    """Name ``place`` (a file, or ``file:line``) when the data read there lacks a field or has the wrong shape."""
    try:
        yield
    except KeyError as err:
        raise BadInputError(f"{place}: missing {err.args[0]!r}") from err
    except (TypeError, AttributeError, ValueError) as err:
        raise BadInputError(f"{place}: unexpected content: {err}") from err
