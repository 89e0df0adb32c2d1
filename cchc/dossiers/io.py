"""Reading dossier exports of the one-stop systems: CSV or JSON Lines, streamed.

Nothing here touches the database and nothing holds the file in memory: the readers
yield one :class:`RawRecord` per data row, located by its physical line (a CSV cell
quoted over several lines points at the row's first line), and :func:`parse_record`
turns it into the values of one dossier — with the clock computed by ``dossiers.sla``
— or a :class:`Rejection` whose Vietnamese reason names the file, line and column.

A broken header is the one fatal error (``ApplicationError``, code
``dossiers.invalid_file``): without it no row can be read. Every other problem rejects
only its own row, so the rows around it are still imported. The columns and their
Vietnamese labels are documented in ``docs/dossiers.md`` ("Import format").
"""

import csv
import datetime as dt
import json
import operator
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import IO, Any

from django.utils.translation import gettext as _

from cchc.core.errors import ApplicationError
from cchc.core.text import fold
from cchc.core.workdays import VN_TZ, CalendarRangeError, WorkCalendar
from cchc.dossiers import sla
from cchc.dossiers.choices import CHANNEL_ALIASES, OUTCOME_ALIASES, Channel, Outcome
from cchc.organizations.io import SourceRef, parse_date

REQUIRED_COLUMNS = ("code", "procedure_code", "unit_code", "channel", "received_at")
OPTIONAL_COLUMNS = (
    "resolved_at", "returned_at", "outcome", "paused_working_days",
    "apology_new_due_date", "paid_online", "digitized", "due_date",
    "handling_unit_codes", "supplement_requested_at", "apology_sent_on", "electronic_result",
)  # fmt: skip
COLUMNS = (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS)

#: Vietnamese labels accepted in a header (compared folded: case and diacritics ignored).
VIETNAMESE_LABELS: dict[str, tuple[str, ...]] = {
    "code": ("mã hồ sơ", "số hồ sơ"),
    "procedure_code": ("mã thủ tục", "mã TTHC"),
    "unit_code": ("mã đơn vị", "mã cơ quan"),
    "channel": ("kênh", "kênh tiếp nhận", "hình thức nộp"),
    "received_at": ("thời điểm tiếp nhận", "ngày tiếp nhận"),
    "resolved_at": ("thời điểm giải quyết", "ngày giải quyết", "ngày có kết quả"),
    "returned_at": ("thời điểm trả kết quả", "ngày trả kết quả"),
    "outcome": ("kết quả", "kết quả giải quyết"),
    "paused_working_days": ("số ngày tạm dừng", "ngày tạm dừng"),
    "apology_new_due_date": ("ngày hẹn lại", "hẹn lại"),
    "paid_online": ("thanh toán trực tuyến",),
    "digitized": ("số hóa", "đã số hóa"),
    "due_date": ("hạn giải quyết", "ngày hẹn trả"),
    "handling_unit_codes": ("mã đơn vị xử lý", "đơn vị phối hợp", "mã đơn vị phối hợp"),
    "supplement_requested_at": ("thời điểm yêu cầu bổ sung", "ngày yêu cầu bổ sung"),
    "apology_sent_on": ("ngày gửi văn bản xin lỗi", "ngày xin lỗi"),
    "electronic_result": ("kết quả điện tử", "trả kết quả điện tử"),
}
MAX_CODE_LENGTH = 64
#: A pause longer than ten years of working days is a data error, not a dossier.
MAX_PAUSED_DAYS = 2_500
#: Room for the "|"-joined handling unit codes (``Dossier.handling_unit_codes``).
MAX_HANDLING_CODES_LENGTH = 255
CODE_SEPARATORS = re.compile(r"[|;,\s]+")

_TRUE = frozenset({"1", "true", "yes", "y", "x", "co", "dung"})
_FALSE = frozenset({"", "0", "false", "no", "n", "khong", "sai"})
_VN_DATETIME = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
_DELIMITERS = (",", ";", "\t")


def _header_key(name: str) -> str:
    return " ".join(fold(name).replace("_", " ").split())


_ALIASES: dict[str, str] = {_header_key(key): key for key in COLUMNS} | {
    _header_key(label): key for key, labels in VIETNAMESE_LABELS.items() for label in labels
}


def column_for(name: str) -> str | None:
    """The column key (``received_at``) that a header cell names, in English or Vietnamese."""
    return _ALIASES.get(_header_key(name))


def invalid_file_error(ref: SourceRef, column: str | None, text: str) -> ApplicationError:
    """The fatal error of a file that cannot be read at all (its header is broken)."""
    message = ref.message(column, text)
    return ApplicationError(message, code="dossiers.invalid_file", extra={"errors": [message]})


# --- records ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Rejection:
    """A row that was not imported: where it is and why (a complete Vietnamese sentence)."""

    line: int
    reason: str


@dataclass(frozen=True, slots=True)
class RawRecord:
    """One data row as text: ``values`` by column key, ``labels`` the file's names for them."""

    ref: SourceRef
    values: Mapping[str, str]
    labels: Mapping[str, str]

    def column(self, key: str) -> str:
        """How the error message names a column: as the file does, plus the key if different."""
        label = self.labels.get(key, key)
        return label if label == key else f"{label} ({key})"

    def reject(self, key: str | None, text: str) -> Rejection:
        return Rejection(self.ref.number, self.ref.message(self.column(key) if key else None, text))


class _Lines:
    """The lines of a text or binary stream; undecodable lines are remembered, not fatal (JSON Lines)."""

    def __init__(self, lines: Iterator[Any], number: int = 0) -> None:
        self.lines = lines
        self.number = number
        self.bad: set[int] = set()

    def __iter__(self) -> Iterator[str]:
        for raw in self.lines:
            self.number += 1
            line, bad = _decode(raw)
            if bad:
                self.bad.add(self.number)
            yield line


def _decode(raw: str | bytes) -> tuple[str, bool]:
    """A line as text, and whether it was not valid UTF-8 (then decoded with replacement characters)."""
    if isinstance(raw, str):
        return raw, False
    try:
        return raw.decode("utf-8"), False
    except UnicodeDecodeError:
        return raw.decode("utf-8", errors="replace"), True


#: A CSV body is decoded line by line in C; an undecodable byte becomes a lone surrogate
#: (U+DC80–U+DCFF), which no valid UTF-8 text contains, so a row is "not UTF-8" exactly
#: when one of its cells holds one.
decode_line = operator.methodcaller("decode", "utf-8", "surrogateescape")
_ESCAPED_BYTE = re.compile("[\udc80-\udcff]")


def _not_utf8(record: RawRecord) -> Rejection:
    return record.reject(None, _("dòng không phải văn bản UTF-8; hãy lưu lại tệp dưới dạng 'CSV UTF-8'"))


def read_dossier_file(stream: IO[Any], filename: str, *, fmt: str | None = None) -> "CsvRows | JsonLines":
    """Open a CSV or JSON Lines export: its header is read and checked, its rows are not read yet.

    ``fmt`` is ``"csv"`` or ``"jsonl"``; by default the file name decides (``.jsonl``,
    ``.ndjson``), else the first non-blank character (``{`` means JSON Lines). Raises
    ``ApplicationError`` (``dossiers.invalid_file``) for an empty file or a broken header.
    Both results yield the rows with ``records()``; :class:`CsvRows` also lets the import
    read the cells directly (``reader``).
    """
    raw_lines = iter(stream)
    number = 0
    first = ""
    bad = False
    for raw in raw_lines:
        number += 1
        line, bad = _decode(raw)
        if number == 1:
            line = line.removeprefix("\ufeff")
        if line.strip():
            first = line
            break
    if not first:
        raise invalid_file_error(SourceRef(filename, 1), None, _("tệp rỗng, không có dòng nào"))
    if fmt is None:
        lower = filename.lower()
        if lower.endswith((".jsonl", ".ndjson")):
            fmt = "jsonl"
        elif lower.endswith((".csv", ".tsv", ".txt")):
            fmt = "csv"
        else:
            fmt = "jsonl" if first.lstrip().startswith("{") else "csv"
    if fmt == "jsonl":
        return JsonLines(first, number, bad, _Lines(raw_lines, number), filename)
    if bad:
        raise invalid_file_error(SourceRef(filename, number), None, _("dòng tiêu đề không phải văn bản UTF-8"))
    if isinstance(raw, str):
        return CsvRows(first, number, raw_lines, filename)
    # A binary file that is its own line iterator (a file, ``BytesIO``) can also be read in blocks of bytes.
    binary = stream if raw_lines is stream and hasattr(stream, "read") else None
    return CsvRows(first, number, map(decode_line, raw_lines), filename, binary=binary)


def read_records(stream: IO[Any], filename: str, *, fmt: str | None = None) -> Iterator[RawRecord | Rejection]:
    """Yield each data row of a CSV or JSON Lines stream, or a :class:`Rejection` for a malformed one.

    The file is opened with :func:`read_dossier_file` at the first ``next()``, so a broken
    header raises ``ApplicationError`` then.
    """
    yield from read_dossier_file(stream, filename, fmt=fmt).records()


def _read_header(line: str, number: int, filename: str) -> tuple[str, list[str], dict[str, str]]:
    def known(delimiter: str) -> int:
        return sum(1 for cell in line.split(delimiter) if column_for(cell.strip().strip('"')))

    delimiter = max(_DELIMITERS, key=known)
    cells = next(csv.reader([line], delimiter=delimiter))
    ref = SourceRef(filename, number)
    keys: list[str] = []
    labels: dict[str, str] = {}
    for position, cell in enumerate(cells, start=1):
        name = cell.strip()
        key = column_for(name)
        column = f"{position} ({name or _('trống')})"
        if key is None:
            raise invalid_file_error(
                ref,
                column,
                _("cột không được hỗ trợ; các cột hợp lệ: %(columns)s") % {"columns": ", ".join(COLUMNS)},
            )
        if key in labels:
            raise invalid_file_error(ref, column, _("cột '%(name)s' bị lặp") % {"name": key})
        keys.append(key)
        labels[key] = name
    missing = [key for key in REQUIRED_COLUMNS if key not in labels]
    if missing:
        raise invalid_file_error(
            ref, None, _("thiếu cột bắt buộc trong dòng tiêu đề: %(columns)s") % {"columns": ", ".join(missing)}
        )
    return delimiter, keys, labels


class CsvRows:
    """The data rows of a CSV export whose header has been read.

    ``records()`` yields a :class:`RawRecord` (or :class:`Rejection`) per row. The import
    reads ``reader`` itself instead (a ``csv.reader``; the physical line of the last
    row read is :attr:`line`) and asks :meth:`record` only for the rows its fast path
    does not take, so the checks and messages are the same either way.
    """

    def __init__(
        self, header: str, header_number: int, lines: Iterator[str], filename: str, *, binary: IO[bytes] | None = None
    ) -> None:
        self.filename = filename
        self.header_number = header_number
        self.delimiter, self.keys, self.labels = _read_header(header, header_number, filename)
        #: The body's lines, unread: ``reader`` splits them; a block reader may take them directly instead.
        self.lines = lines
        #: The binary file under ``lines`` (``None`` for text): a block reader may read its bytes directly,
        #: where ``lines`` would have read them next (decoded by ``decode_line``).
        self.binary = binary
        self.reader = csv.reader(lines, delimiter=self.delimiter, strict=True)

    @property
    def line(self) -> int:
        """The physical line number of the last line read."""
        return self.header_number + self.reader.line_num

    def malformed(self, start: int, error: csv.Error) -> Rejection:
        """The rejection of a row the CSV reader could not split (``start``: its first line)."""
        ref = SourceRef(self.filename, start)
        text = _("dòng CSV không hợp lệ (%(reason)s); kiểm tra dấu ngoặc kép") % {"reason": error}
        return Rejection(start, ref.message(None, text))

    def record(self, start: int, cells: list[str]) -> RawRecord | Rejection | None:
        """The record of one row starting on line ``start``; ``None`` for a blank row (skipped)."""
        if not any(cell.strip() for cell in cells):
            return None
        record = RawRecord(SourceRef(self.filename, start), {}, self.labels)
        if any(_ESCAPED_BYTE.search(cell) for cell in cells):
            return _not_utf8(record)
        keys = self.keys
        if len(cells) != len(keys) and not (
            len(cells) > len(keys) and not any(cell.strip() for cell in cells[len(keys) :])
        ):
            return record.reject(
                None,
                _("dòng có %(cells)d ô nhưng dòng tiêu đề có %(columns)d cột")
                % {"cells": len(cells), "columns": len(keys)},
            )
        values = {key: cell.strip() for key, cell in zip(keys, cells, strict=False)}
        return RawRecord(record.ref, values, self.labels)

    def records(self) -> Iterator[RawRecord | Rejection]:
        """Every data row as a record, a malformed one as a :class:`Rejection`; blank rows skipped."""
        end = self.header_number
        while True:
            start = end + 1
            try:
                cells = next(self.reader)
            except StopIteration:
                return
            except csv.Error as exc:
                end = self.line
                yield self.malformed(start, exc)
                continue
            end = self.line
            result = self.record(start, cells)
            if result is not None:
                yield result


class JsonLines:
    """The rows of a JSON Lines export (one object per line), read one by one."""

    def __init__(self, first: str, number: int, bad: bool, lines: _Lines, filename: str) -> None:
        if first.lstrip().startswith("["):
            raise invalid_file_error(
                SourceRef(filename, number),
                None,
                _("tệp là một mảng JSON; hãy dùng JSON Lines (mỗi dòng một đối tượng {…})"),
            )
        self.first = (number, first, bad)
        self.lines = lines
        self.filename = filename

    def records(self) -> Iterator[RawRecord | Rejection]:
        """Every non-blank line as a record, or a :class:`Rejection` (bad JSON, not UTF-8, bad keys)."""

        def numbered() -> Iterable[tuple[int, str, bool]]:
            yield self.first
            for line in self.lines:
                yield self.lines.number, line, self.lines.number in self.lines.bad

        for number, line, bad in numbered():
            if not line.strip():
                continue
            ref = SourceRef(self.filename, number)
            empty = RawRecord(ref, {}, {})
            if bad:
                yield _not_utf8(empty)
                continue
            try:
                item = json.loads(line)
            except json.JSONDecodeError as exc:
                yield empty.reject(
                    None, _("JSON không hợp lệ (%(reason)s, ký tự %(col)d)") % {"reason": exc.msg, "col": exc.colno}
                )
                continue
            yield record_from_json(item, ref)


def _json_text(value: Any) -> str | None:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | str):
        return str(value).strip()
    return None


def record_from_json(item: Any, ref: SourceRef) -> RawRecord | Rejection:
    """The record of one decoded JSON object (a JSON Lines row or an item of an API batch).

    Keys are column keys or their Vietnamese labels; values strings, numbers, booleans
    or null. Anything else rejects the item, located by ``ref``.
    """
    empty = RawRecord(ref, {}, {})
    if not isinstance(item, dict):
        return empty.reject(None, _("mỗi dòng phải là một đối tượng JSON {…}"))
    values: dict[str, str] = {}
    labels: dict[str, str] = {}
    for name, value in item.items():
        key = column_for(str(name))
        if key is None or key in values:
            what = _("trường không được hỗ trợ") if key is None else _("trường bị lặp")
            return empty.reject(None, f"{what}: '{name}'")
        text = _json_text(value)
        labels[key] = str(name)
        if text is None:
            return RawRecord(ref, {}, labels).reject(key, _("giá trị phải là chuỗi, số hoặc true/false"))
        values[key] = text
    return RawRecord(ref, values, labels)


# --- values -------------------------------------------------------------------------------


def parse_moment(value: str) -> dt.datetime | None:
    """ISO 8601 (``2024-02-06T09:00:00+07:00``, ``2024-02-06 09:00``) or ``06/02/2024 09:00[:00]``.

    Without a zone the time is local (Asia/Ho_Chi_Minh). ``None`` if it cannot be read.
    """
    value = value.strip()
    if match := _VN_DATETIME.match(value):
        day, month, year, hour, minute, second = (int(part) if part else 0 for part in match.groups())
        try:
            moment = dt.datetime(year, month, day, hour, minute, second)  # noqa: DTZ001 - made aware below
        except ValueError:
            return None
    else:
        try:
            moment = dt.datetime.fromisoformat(value)
        except ValueError:
            return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=VN_TZ)
    return moment


def parse_day(value: str) -> dt.date | None:
    """A date cell: ``YYYY-MM-DD``, ``DD/MM/YYYY`` or a time (its local date); ``None`` if it cannot be read."""
    day = parse_date(value)
    if day is None and (moment := parse_moment(value)) is not None:
        day = sla.local_date(moment)
    return day


@dataclass(frozen=True, slots=True)
class ProcedureInfo:
    """What the import needs of a procedure (looked up by code once per run)."""

    id: int
    time_limit_days: int
    field: str
    level: str


@dataclass(frozen=True, slots=True)
class DossierValues:
    """The stored values of one dossier, as ``Dossier`` attribute names."""

    code: str
    procedure_id: int
    unit_id: int
    channel: str
    received_at: dt.datetime
    start_day: dt.date
    due_date: dt.date
    source_due_date: dt.date | None
    due_disagrees: bool
    resolved_at: dt.datetime | None
    returned_at: dt.datetime | None
    outcome: str
    paused_working_days: int
    apology_new_due_date: dt.date | None
    paid_online: bool
    digitized: bool
    electronic_result: bool
    supplement_requested_at: dt.datetime | None
    apology_sent_on: dt.date | None
    handling_unit_codes: str
    field: str
    level: str


class _InvalidValueError(Exception):
    def __init__(self, key: str | None, text: str) -> None:
        super().__init__(text)
        self.key = key
        self.text = text


# Built once: ``TextChoices.values`` makes a new list at every access.
_CHANNELS = tuple(Channel.values)
_OUTCOMES = tuple(Outcome.values)
#: The spellings a yes/no cell nearly always has, answered without folding.
_FAST_FLAGS = {"1": True, "0": False, "": False, "true": True, "false": False}


def _choice(value: str, key: str, values: Iterable[str], aliases: Mapping[str, str]) -> str:
    if value in values:
        return value
    folded = _header_key(value)
    if folded in aliases:
        return aliases[folded]
    raise _InvalidValueError(
        key, _("giá trị '%(value)s' không hợp lệ; dùng %(values)s") % {"value": value, "values": ", ".join(values)}
    )


def _flag(value: str, key: str) -> bool:
    fast = _FAST_FLAGS.get(value)
    if fast is not None:
        return fast
    folded = _header_key(value)
    if folded in _TRUE:
        return True
    if folded in _FALSE:
        return False
    raise _InvalidValueError(
        key, _("giá trị '%(value)s' không hợp lệ; dùng 1/0, true/false hoặc có/không") % {"value": value}
    )


def _moment(values: Mapping[str, str], key: str) -> dt.datetime | None:
    text = values.get(key, "")
    if not text:
        return None
    moment = parse_moment(text)
    if moment is None:
        raise _InvalidValueError(
            key,
            _("thời điểm '%(value)s' không hợp lệ; dùng ISO 8601, ví dụ 2024-02-06T09:00:00+07:00") % {"value": text},
        )
    return moment


def _day(values: Mapping[str, str], key: str) -> dt.date | None:
    text = values.get(key, "")
    if not text:
        return None
    day = parse_day(text)
    if day is None:
        raise _InvalidValueError(
            key, _("ngày '%(value)s' không hợp lệ; dùng YYYY-MM-DD hoặc DD/MM/YYYY") % {"value": text}
        )
    return day


def _handling_units(text: str, units: Mapping[str, int]) -> str:
    """The handling unit codes of a cell (separated by ``|``, ``;``, ``,`` or spaces), checked and ``|``-joined."""
    if not text:
        return ""
    codes = list(dict.fromkeys(code for code in CODE_SEPARATORS.split(text) if code))
    unknown = [code for code in codes if code not in units]
    if unknown:
        raise _InvalidValueError(
            "handling_unit_codes", _("không có đơn vị mã %(codes)s") % {"codes": ", ".join(f"'{c}'" for c in unknown)}
        )
    joined = "|".join(codes)
    if len(joined) > MAX_HANDLING_CODES_LENGTH:
        raise _InvalidValueError(
            "handling_unit_codes",
            _("danh sách đơn vị xử lý dài %(n)d ký tự, tối đa %(max)d")
            % {"n": len(joined), "max": MAX_HANDLING_CODES_LENGTH},
        )
    return joined


def _values(
    values: Mapping[str, str],
    procedures: Mapping[str, ProcedureInfo],
    units: Mapping[str, int],
    calendar: WorkCalendar,
    clock: sla.ClockMemo | None = None,
) -> DossierValues:
    for key in REQUIRED_COLUMNS:
        if not values.get(key):
            raise _InvalidValueError(key, _("thiếu giá trị bắt buộc"))
    code = values["code"]
    if len(code) > MAX_CODE_LENGTH:
        raise _InvalidValueError(
            "code", _("mã dài %(n)d ký tự, tối đa %(max)d") % {"n": len(code), "max": MAX_CODE_LENGTH}
        )
    procedure = procedures.get(values["procedure_code"])
    if procedure is None:
        raise _InvalidValueError(
            "procedure_code", _("không có thủ tục mã '%(code)s' trong danh mục") % {"code": values["procedure_code"]}
        )
    unit_id = units.get(values["unit_code"])
    if unit_id is None:
        raise _InvalidValueError("unit_code", _("không có đơn vị mã '%(code)s'") % {"code": values["unit_code"]})
    channel = _choice(values["channel"], "channel", _CHANNELS, CHANNEL_ALIASES)
    received_at = _moment(values, "received_at")
    assert received_at is not None  # noqa: S101 - required above
    resolved_at = _moment(values, "resolved_at")
    returned_at = _moment(values, "returned_at")
    if resolved_at is not None and resolved_at < received_at:
        raise _InvalidValueError("resolved_at", _("thời điểm giải quyết trước thời điểm tiếp nhận"))
    if returned_at is not None and returned_at < received_at:
        raise _InvalidValueError("returned_at", _("thời điểm trả kết quả trước thời điểm tiếp nhận"))
    if returned_at is not None and resolved_at is not None and returned_at < resolved_at:
        raise _InvalidValueError("returned_at", _("thời điểm trả kết quả trước thời điểm giải quyết"))
    outcome = values.get("outcome", "")
    if outcome:
        outcome = _choice(outcome, "outcome", _OUTCOMES, OUTCOME_ALIASES)
    paused_text = values.get("paused_working_days", "") or "0"
    if not paused_text.isdigit() or int(paused_text) > MAX_PAUSED_DAYS:
        raise _InvalidValueError(
            "paused_working_days",
            _("số ngày tạm dừng '%(value)s' không hợp lệ; dùng số nguyên từ 0 đến %(max)d")
            % {"value": paused_text, "max": MAX_PAUSED_DAYS},
        )
    paused = int(paused_text)
    source_due = _day(values, "due_date")
    try:
        start, due = (clock or sla.ClockMemo(calendar)).clock(received_at, procedure.time_limit_days, paused, channel)
    except (CalendarRangeError, LookupError) as exc:
        raise _InvalidValueError(
            "received_at", _("không tính được hạn giải quyết: %(reason)s") % {"reason": exc}
        ) from exc
    supplement_at = _moment(values, "supplement_requested_at")
    if supplement_at is not None and resolved_at is not None and supplement_at > resolved_at:
        raise _InvalidValueError("supplement_requested_at", _("thời điểm yêu cầu bổ sung sau thời điểm giải quyết"))
    apology_due = _day(values, "apology_new_due_date")
    apology_sent = _day(values, "apology_sent_on")
    if apology_sent is not None and apology_due is None:
        raise _InvalidValueError("apology_new_due_date", _("có ngày gửi văn bản xin lỗi nhưng thiếu ngày hẹn lại"))
    if apology_due is not None and apology_due <= due:
        raise _InvalidValueError(
            "apology_new_due_date",
            _("ngày hẹn lại %(new)s phải sau hạn giải quyết %(due)s")
            % {"new": f"{apology_due:%d/%m/%Y}", "due": f"{due:%d/%m/%Y}"},
        )
    if apology_sent is not None and apology_sent < sla.local_date(received_at):
        raise _InvalidValueError("apology_sent_on", _("ngày gửi văn bản xin lỗi trước ngày tiếp nhận"))
    handlers = _handling_units(values.get("handling_unit_codes", ""), units)
    return DossierValues(
        code=code,
        procedure_id=procedure.id,
        unit_id=unit_id,
        channel=channel,
        received_at=received_at,
        start_day=start,
        due_date=due,
        source_due_date=source_due,
        due_disagrees=source_due is not None and source_due != due,
        resolved_at=resolved_at,
        returned_at=returned_at,
        outcome=outcome,
        paused_working_days=paused,
        apology_new_due_date=apology_due,
        paid_online=_flag(values.get("paid_online", ""), "paid_online"),
        digitized=_flag(values.get("digitized", ""), "digitized"),
        electronic_result=_flag(values.get("electronic_result", ""), "electronic_result"),
        supplement_requested_at=supplement_at,
        apology_sent_on=apology_sent,
        handling_unit_codes=handlers,
        field=procedure.field,
        level=procedure.level,
    )


def parse_record(
    record: RawRecord,
    *,
    procedures: Mapping[str, ProcedureInfo],
    units: Mapping[str, int],
    calendar: WorkCalendar,
    clock: sla.ClockMemo | None = None,
) -> DossierValues | Rejection:
    """The dossier a row describes, with its start day and due date, or why it is rejected.

    Checks (each rejection names the column): required values; code length; procedure
    and unit codes known; channel, outcome and yes/no values; times (ISO 8601, local
    when no zone is given) and their order (resolved and returned not before received,
    returned not before resolved); the pause; a receipt date the calendar covers. The
    source's ``due_date`` is kept and compared with ours (``due_disagrees``). ``clock``, a
    :class:`sla.ClockMemo` on the same calendar, saves recomputing the same clocks.
    """
    try:
        return _values(record.values, procedures, units, calendar, clock)
    except _InvalidValueError as exc:
        return record.reject(exc.key, exc.text)
