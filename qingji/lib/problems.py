"""Problems found in user input, reported as row, column, value and message."""

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Problem:
    row: int | None
    column: str
    value: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "value": self.value, "message": str(self.message)}


@dataclass
class ProblemList:
    items: list[Problem] = field(default_factory=list)

    def add(self, row: int | None, column: str, value: Any, message: str) -> None:
        self.items.append(Problem(row, column, "" if value is None else str(value), str(message)))

    def __bool__(self) -> bool:
        return bool(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self) -> Iterator[Problem]:
        return iter(self.items)


class InputRejected(Exception):  # noqa: N818 - a user-facing outcome, not a programming error
    """Raised when input has problems; nothing has been written."""

    def __init__(self, problems: ProblemList):
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems
