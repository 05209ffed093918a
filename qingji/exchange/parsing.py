"""Reading and checking the rows of a ledger workbook (spec/ledger-template.md): each row parsed into plain
values, every problem of every row collected, as `row, column, value, message` with the row number Excel
shows. Units are given by their keys, sources and categories by their codes (`Lookups`: plain data, the words
each unit's local rules accept), so that rows and lookups can cross a process boundary: a large workbook is
read and checked in a child process (`read_rows`) while the importer writes the rows before (see
docs/exchange.md)."""

import datetime as dt
import os
import pickle
import subprocess
import sys
import traceback
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, BinaryIO

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from qingji.exchange.columns import COLUMNS, FLAG_COLUMNS, GENDERS, METHODS, OPEN, STAGES, STATUSES, lookup
from qingji.ledger.models import CLOSED_STATUSES, CaseStatus
from qingji.lib.idnumbers import check_id_number, check_phone, normalise_id_number, normalise_phone
from qingji.lib.problems import ProblemList
from qingji.lib.tabular import TableError, read_table
from qingji.lib.values import (
    ValueProblem,
    cell_code,
    cell_text,
    parse_date,
    parse_flag,
    parse_money,
    parse_official,
    split_names,
)

LABELS = {c.field: c.label for c in COLUMNS}
STATUS_WORDS, METHOD_WORDS = lookup(STATUSES), lookup(METHODS)
STAGE_WORDS, GENDER_WORDS = lookup(STAGES), lookup(GENDERS)
PAST_DATES = ("first_petitioned_on", "assigned_on", "registered_on", "closed_on")


@dataclass
class Row:
    """One valid row, parsed; `handling_org` and `category` as keys until the importer takes them over."""

    number: int
    values: dict[str, Any] = field(default_factory=dict)
    # a new case's petitioners and officials, looked up before it is planned (importer._Writer.write)
    people: list[Any] = field(default_factory=list)
    officials: dict[str, Any] = field(default_factory=dict)


def word(text: str) -> str:
    """A cell's word as the words of `Words` are kept: trimmed and NFKC-folded (full-width letters as ASCII)."""
    return unicodedata.normalize("NFKC", text.strip())


@dataclass
class Words:
    """What the rules of some units call their sources (or categories): each accepted word → its code (the
    active entries' labels and codes, and the synonyms of the default codes), the retired entries' words →
    code, and the labels to name in a refusal."""

    accepted: dict[str, str]
    retired: dict[str, str]
    offered: list[str]


@dataclass
class UnitWords:
    """The `Words` of each unit: `groups[of_unit[unit key]]`, `groups[fallback]` for a unit not listed (every
    unit where no unit has rules of its own; the unknown unit of a bad row)."""

    groups: list[Words]
    of_unit: dict[int, int]
    fallback: int = 0

    def of(self, unit: int | None) -> Words:
        return self.groups[self.of_unit.get(unit, self.fallback) if unit is not None else self.fallback]


@dataclass
class Lookups:
    """What the parser looks things up in: units by code and by name (their keys), the words of the sources
    and categories of each unit's rules, the units in the importing user's scope (None: all), and today."""

    orgs: dict[str, int]
    scope: set[int] | None
    sources: UnitWords
    categories: UnitWords
    today: dt.date


def _problem(problems: ProblemList, number: int, column: str, value: Any, message: str) -> None:
    problems.add(number, LABELS.get(column, column), cell_text(value), message)


def parse_row(number: int, raw: dict[str, Any], ctx: Lookups, problems: ProblemList) -> Row | None:
    before = len(problems)
    row = Row(number)
    v = row.values
    v["ledger_no"] = cell_code(raw.get("ledger_no"))
    v["petitioners"] = split_names(raw.get("petitioner"))
    if not v["petitioners"]:
        _problem(problems, number, "petitioner", "", _("The petitioner's name is required."))
    v["summary"] = cell_text(raw.get("summary"))
    if not v["summary"]:
        _problem(problems, number, "summary", "", _("The petition matter is required."))
    _parse_id_number(row, raw.get("id_number"), problems)
    v["phone"] = cell_text(raw.get("phone"))
    if v["phone"] and "*" not in v["phone"]:
        for message in check_phone(normalise_phone(v["phone"])):
            _problem(problems, number, "phone", v["phone"], message)
    v["address"] = cell_text(raw.get("address"))
    v["gender"] = GENDER_WORDS.get(cell_code(raw.get("gender")), "")
    v["group_size"] = _group_size(row, raw.get("group_size"), problems)
    _parse_org(row, raw.get("handling_org"), ctx, problems)  # first: the unit's rules say the sources
    _parse_vocabularies(row, raw, ctx, problems)
    _parse_dates(row, raw, ctx, problems)
    for column in ("lead_official", "supervising_official", "watch_officer"):
        text = cell_text(raw.get(column))
        v[column] = parse_official(text) if text else None
    v["handlers"] = [parse_official(n) for n in split_names(raw.get("handlers"))]
    v["plan"] = cell_text(raw.get("plan"))
    v["note"] = cell_text(raw.get("note"))
    v["dockets"] = split_names(raw.get("dockets"))
    v["key_supervision"] = "" if cell_text(raw.get("key_supervision")) in ("", "否", "无") else \
        cell_text(raw.get("key_supervision"))
    for flag in FLAG_COLUMNS:
        try:
            v[flag] = parse_flag(raw.get(flag))
        except ValueProblem as exc:
            _problem(problems, number, flag, raw.get(flag), str(exc))
    try:
        v["aid"] = parse_money(raw.get("aid"))
    except ValueProblem as exc:
        _problem(problems, number, "aid", raw.get("aid"), str(exc))
    _check_status(row, problems)
    return row if len(problems) == before else None


def _parse_id_number(row: Row, value: Any, problems: ProblemList) -> None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        _problem(problems, row.number, "id_number", value, _(
            "The ID number is stored as a number, so Excel has already rounded its last digits. Format the "
            "column as text (设置单元格格式 → 文本) and enter the numbers again."))
        return
    text = normalise_id_number(cell_text(value))
    row.values["id_number"] = text
    if "*" in text:
        row.values["id_masked"] = True
        return
    errors, _warnings = check_id_number(text)
    for message in errors:
        _problem(problems, row.number, "id_number", text, message)


def _group_size(row: Row, value: Any, problems: ProblemList) -> int:
    text = cell_code(value)
    if not text:
        return 1
    if not text.isdigit() or int(text) < 1:
        _problem(problems, row.number, "group_size", text,
                 _("The number of petitioners is a whole number, at least 1."))
        return 1
    return int(text)


def _parse_vocabularies(row: Row, raw: dict[str, Any], ctx: Lookups, problems: ProblemList) -> None:
    v = row.values
    unit = v.get("handling_org")
    source = cell_code(raw.get("source"))
    v["source"] = _listed(row, "source", source, ctx.sources.of(unit), problems, required=True)
    category = cell_code(raw.get("category"))
    v["category"] = _listed(row, "category", category, ctx.categories.of(unit), problems)  # a code
    stage = cell_code(raw.get("stage"))
    v["stage"] = STAGE_WORDS.get(stage, "")
    if stage and not v["stage"]:
        _problem(problems, row.number, "stage", stage,
                 _("Unknown stage; use 立案, 审判, 执行, 侦查, 检察, 司法行政 or 其他."))
    status = cell_code(raw.get("status"))
    v["status"] = STATUS_WORDS.get(status, OPEN if not status else None)
    if v["status"] is None:
        _problem(problems, row.number, "status", status, _("Unknown status; use 未结未息, 已结未息 or 已结已息."))
    method = cell_code(raw.get("method"))
    v["method"] = METHOD_WORDS.get(method, "")
    if method and not v["method"]:
        _problem(problems, row.number, "method", method,
                 _("Unknown method; use 书面保证息诉罢访, 批准终结 or 其他方式办结."))


def _listed(row: Row, column: str, text: str, words: Words, problems: ProblemList,
            required: bool = False) -> str | None:
    """The code of a source or category word of the handling unit's rules; a problem for an unknown or retired
    one (None: blank, or a problem)."""
    if not text and not required:
        return None
    code = words.accepted.get(word(text))
    if code is not None:
        return code
    values = "、".join(words.offered)
    if word(text) in words.retired:
        message = (_("This source is retired in the handling unit's rules; use one of: %(values)s.")
                   if column == "source" else
                   _("This category is retired in the handling unit's rules; use one of: %(values)s."))
    else:
        message = (_("Unknown source; use one of: %(values)s.") if column == "source" else
                   _("Unknown category; use one of: %(values)s."))
    _problem(problems, row.number, column, text, message % {"values": values})
    return None


def _parse_dates(row: Row, raw: dict[str, Any], ctx: Lookups, problems: ProblemList) -> None:
    for column in (*PAST_DATES, "deadline"):
        try:
            row.values[column] = parse_date(raw.get(column))
        except ValueProblem as exc:
            _problem(problems, row.number, column, raw.get(column), str(exc))
            row.values[column] = None
            continue
        if column in PAST_DATES and row.values[column] and row.values[column] > ctx.today:
            _problem(problems, row.number, column, raw.get(column), _("This date is in the future."))


def _parse_org(row: Row, value: Any, ctx: Lookups, problems: ProblemList) -> None:
    text = cell_code(value)
    org = ctx.orgs.get(text)
    row.values["handling_org"] = org  # a key
    if not text:
        _problem(problems, row.number, "handling_org", "", _("The handling unit is required."))
    elif org is None:
        _problem(problems, row.number, "handling_org", text,
                 _("Unknown unit: it is not in the organisation directory (by name or code)."))
    elif ctx.scope is not None and org not in ctx.scope:
        _problem(problems, row.number, "handling_org", text, _("This unit is outside your scope."))


def _check_status(row: Row, problems: ProblemList) -> None:
    v = row.values
    if v.get("status") in CLOSED_STATUSES and not v.get("closed_on"):
        _problem(problems, row.number, "closed_on", "", _("A concluded case needs the date it was concluded."))
    if v.get("status") == CaseStatus.CLOSED_SETTLED and not v.get("method"):
        _problem(problems, row.number, "method", "", _("A settled case needs its settlement method."))


def check_duplicate(row: Row, seen: dict[str, int], problems: ProblemList) -> None:
    number = row.values["ledger_no"]
    if number and number in seen:
        _problem(problems, row.number, "ledger_no", number,
                 _("The same ledger number is on row %(row)d.") % {"row": seen[number]})
    seen.setdefault(number, row.number)


# ---------------------------------------------------------------- reading, here or in a child process
#
# Reading and checking is a third of an import's work and needs nothing from the database but `Lookups`.
# A workbook of `settings.QINGJI_IMPORT_CHILD_BYTES` or more is therefore read by a child process (a
# fresh interpreter running `child_main`), which sends batches of parsed rows and their problems back
# through a pipe while this process writes the batches before: the two run on two cores. Smaller files,
# and file objects, are read here. Either way the rows, the problems and their order are the same.

class RowReader:
    """The rows of a ledger sheet: the header's findings at once, then `batches()` of valid rows, while the
    problems of every row are added to `problems`; `seen` is every valid row's ledger number (first row)."""

    header_row: int
    missing: list[str]
    ignored: list[str]

    def __init__(self) -> None:
        self.seen: dict[str, int] = {}

    def batches(self) -> Iterator[list[Row]]:
        raise NotImplementedError

    def close(self) -> None:
        """Stop reading (the rows not yet read are left unread)."""


def read_rows(source: Path | IO[bytes], name: str, sheet: str | None, lookups: Lookups, problems: ProblemList,
              batch_size: int) -> RowReader:
    """A reader of the sheet, in a child process for a large file; raises TableError for a file that is not
    a table (wrong format, no such sheet, no header row)."""
    if isinstance(source, Path) and source.stat().st_size >= settings.QINGJI_IMPORT_CHILD_BYTES:
        return _ChildReader(source, name, sheet, lookups, problems, batch_size)
    return _LocalReader(source, name, sheet, lookups, problems, batch_size)


class _LocalReader(RowReader):
    def __init__(self, source: Path | IO[bytes], name: str, sheet: str | None, lookups: Lookups,
                 problems: ProblemList, batch_size: int) -> None:
        super().__init__()
        self.table = read_table(source, name, COLUMNS, sheet=sheet, skip_fields=("seq",))
        self.header_row, self.missing, self.ignored = self.table.header_row, self.table.missing, self.table.ignored
        self.lookups, self.problems, self.batch_size = lookups, problems, batch_size

    def batches(self) -> Iterator[list[Row]]:
        batch: list[Row] = []
        for number, values in self.table.rows:
            row = parse_row(number, values, self.lookups, self.problems)
            if row is None:
                continue
            check_duplicate(row, self.seen, self.problems)
            batch.append(row)
            if len(batch) >= self.batch_size:
                yield batch
                batch = []
        if batch:
            yield batch


# The child: the same checkout of qingji as this process (ahead of an editable install's finder, which
# would otherwise win over sys.path), Django set up, then `child_main`.
_CHILD = """import sys
sys.path.insert(0, sys.argv[1])
sys.meta_path[:] = [f for f in sys.meta_path if "__editable__" not in getattr(f, "__module__", "")]
import django
django.setup()
from qingji.exchange.parsing import child_main
child_main()
"""


def _pipe(stream: IO[bytes] | None) -> IO[bytes]:
    """One of the child's pipes (Popen leaves a stream None only where no pipe was asked for)."""
    if stream is None:
        raise RuntimeError("The workbook reader was started without a pipe.")
    return stream


class _ChildReader(RowReader):
    def __init__(self, source: Path, name: str, sheet: str | None, lookups: Lookups, problems: ProblemList,
                 batch_size: int) -> None:
        super().__init__()
        self.problems = problems
        root = str(Path(__file__).resolve().parent.parent.parent)
        # The child's settings are this process's: module, secret (no key file to find or make), test mode.
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "qingji.settings"),
               "QINGJI_SECRET_KEY": settings.SECRET_KEY, "QINGJI_TESTING": "1" if settings.TESTING else "",
               "QINGJI_DATA_DIR": str(settings.DATA_DIR)}
        self.process = subprocess.Popen([sys.executable, "-c", _CHILD, root], stdin=subprocess.PIPE,  # noqa: S603
                                        stdout=subprocess.PIPE, env=env)
        try:
            request = {"path": str(source), "name": name, "sheet": sheet, "lookups": lookups,
                       "batch_size": batch_size, "language": translation.get_language()}
            pickle.dump(request, _pipe(self.process.stdin), protocol=pickle.HIGHEST_PROTOCOL)
            _pipe(self.process.stdin).close()
            kind, *header = self._receive()
            if kind == "table_error":
                raise TableError(header[0])
            self.header_row, self.missing, self.ignored = header
        except BaseException:
            self.close()
            raise

    def _receive(self) -> tuple[Any, ...]:
        try:
            message = pickle.load(_pipe(self.process.stdout))  # noqa: S301 - our own child
        except EOFError:
            code = self.process.wait()
            raise RuntimeError(f"The workbook reader stopped unexpectedly (exit status {code}).") from None
        if message[0] == "error":
            raise RuntimeError(f"The workbook reader failed:\n{message[1]}")
        return message

    def batches(self) -> Iterator[list[Row]]:
        while True:
            kind, payload, problems = self._receive()
            self.problems.items.extend(problems)
            if kind == "end":
                self.seen = payload
                self.close()
                return
            yield payload

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()


def child_main() -> None:
    """The child process: read the request from stdin, send the header's findings, then batches of rows
    with the problems found since the last batch, then the ledger numbers seen. A parent that is gone ends
    it at its next batch (the pipe is broken)."""
    out: BinaryIO = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # anything printed by accident goes to stderr, not into the pipe
    request = pickle.load(sys.stdin.buffer)  # noqa: S301 - from our own parent
    translation.activate(request["language"])

    def send(*message: Any) -> None:
        pickle.dump(message, out, protocol=pickle.HIGHEST_PROTOCOL)
        out.flush()

    try:
        try:
            reader = _LocalReader(Path(request["path"]), request["name"], request["sheet"], request["lookups"],
                                  problems := ProblemList(), request["batch_size"])
        except TableError as exc:
            send("table_error", str(exc))
            return
        send("header", reader.header_row, reader.missing, reader.ignored)
        if reader.missing:
            return
        sent = 0
        for batch in reader.batches():
            send("rows", batch, problems.items[sent:])
            sent = len(problems.items)
        send("end", reader.seen, problems.items[sent:])
    except BrokenPipeError:
        os._exit(0)  # the parent is gone (killed, or done with an error): nothing to say to anyone
    except BaseException:  # noqa: BLE001 - reported to the parent, which raises it
        send("error", traceback.format_exc())
