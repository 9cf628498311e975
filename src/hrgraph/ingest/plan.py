"""Action plans from spreadsheets: columns, dates and timetables, amounts, statuses, cited standards.

One row is one action item. The header row is found by its names (English names that plans commonly use,
see :data:`FIELDS`), or given by a mapping file. Dates and timetables ("2025–2027", "Q3 2026", "by the
end of 2026", "30/06/2026") become intervals of ``xsd:date``; standards cited in a cell ("ICESCR 11;
SDG 11.1; CRC art. 27(3)") resolve to the IRIs of the standards corpus.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from hrgraph.errors import BadInputError

__all__ = [
    "FIELDS",
    "STATUSES",
    "Columns",
    "Item",
    "ColumnMapping",
    "ObservationRow",
    "Period",
    "Reference",
    "Standards",
    "indicator_table",
    "load_mapping",
    "map_columns",
    "parse_amount",
    "parse_period",
    "parse_references",
    "parse_value",
    "read_items",
    "read_yaml",
    "yaml_list",
    "yaml_text",
]

FIELDS: dict[str, tuple[str, ...]] = {
    "id": ("id", "no", "nr", "number", "item", "item id", "item no", "action id", "action no", "action number",
           "ref", "ref no", "reference number", "code", "#"),
    "action": ("action", "actions", "action item", "action text", "action description", "measure", "measures",
               "activity", "activities", "description", "commitment", "what"),
    "area": ("area", "policy area", "priority area", "theme", "field", "topic", "chapter", "pillar", "section",
             "domain"),
    "responsible": ("responsible", "responsible body", "responsible bodies", "responsible department",
                    "responsible unit", "responsibility", "lead", "lead department", "lead body", "lead agency",
                    "lead unit", "department", "owner", "who", "implementing body", "implementation"),
    "target": ("target", "targets", "expected result", "expected results", "expected outcome", "outcome",
               "result", "target value", "objective", "milestone"),
    "start": ("start", "start date", "begin", "begins", "from", "starting", "start year"),
    "deadline": ("deadline", "due", "due date", "end", "end date", "completion", "completion date", "by when",
                 "until", "end year"),
    "timetable": ("timetable", "timeline", "timeframe", "time frame", "period", "schedule", "when", "duration",
                  "implementation period", "time"),
    "indicator": ("indicator", "indicators", "kpi", "kpis", "performance indicator", "key performance indicator",
                  "monitoring indicator", "success indicator", "measure of success"),
    "unit": ("unit", "indicator unit", "unit of measure", "units"),
    "baseline": ("baseline", "baseline value", "base value", "starting value", "base line"),
    "baseline_year": ("baseline year", "base year", "year of baseline", "year of the baseline"),
    "latest": ("latest", "latest value", "current value", "current", "last value", "actual", "actual value",
               "value", "most recent value"),
    "latest_year": ("latest year", "year", "current year", "reporting year", "year of latest value",
                    "year of the latest value"),
    "status": ("status", "implementation status", "state", "progress", "progress status", "stage"),
    "budget": ("budget", "cost", "costs", "estimated cost", "estimated costs", "funding", "allocation",
               "budget allocation", "financing", "amount", "resources"),
    "currency": ("currency",),
    "standards": ("standards", "standard", "cited standards", "human rights standards", "international standards",
                  "references", "reference", "legal basis", "links", "sdg", "sdgs", "sdg target", "sdg targets",
                  "treaty", "treaties", "related standards", "human rights references", "rights",
                  "international obligations"),
    "notes": ("notes", "note", "comments", "comment", "remarks"),
}  # fmt: skip
"""Each field an action item has, with the column names (lower case, without punctuation) that mean it."""

STATUSES: dict[str, str] = {
    **dict.fromkeys(
        ("planned", "not started", "not yet started", "to do", "todo", "scheduled", "pending", "proposed"),
        "Planned",
    ),
    **dict.fromkeys(
        ("in progress", "ongoing", "started", "underway", "under way", "on track", "in implementation",
         "partially implemented", "partly implemented", "partially completed", "partly completed",
         "partially achieved", "partly achieved", "in preparation", "active"),
        "InProgress",
    ),
    **dict.fromkeys(
        ("completed", "complete", "done", "implemented", "achieved", "finished", "fully implemented", "closed"),
        "Completed",
    ),
    **dict.fromkeys(("delayed", "behind schedule", "off track", "postponed", "late", "overdue"), "Delayed"),
    **dict.fromkeys(
        ("discontinued", "cancelled", "canceled", "dropped", "stopped", "abandoned", "withdrawn"), "Discontinued"
    ),
}  # fmt: skip
"""Status wordings → the local name of an ``hrg:ItemStatus``."""

_PLACEHOLDERS = frozenset(
    ("", "-", "–", "—", "n/a", "na", "n.a.", "none", "tbd", "tbc", "to be determined", "to be confirmed",
     "unknown", "not available", "no data", "not applicable", "?", "...", "…")
)  # fmt: skip
_ONGOING = frozenset(
    ("ongoing", "continuous", "continuing", "permanent", "permanently", "annual", "annually", "yearly",
     "every year", "recurring", "open-ended", "open ended", "as needed", "continuously", "regularly")
)  # fmt: skip
_NO_AMOUNT = re.compile(
    r"existing (?:budget|resources|staff)|regular budget|staff time|in[- ]kind|no (?:additional )?cost|"
    r"no additional|within (?:the )?(?:existing|current|annual)|core budget|operating budget|own resources",
    re.IGNORECASE,
)
_TERM = re.compile(r"(?:short|medium|mid|long)[- ]?term\b[\s,:;–—-]*(?:\((.*)\))?")
"""A timetable relative to the plan ("short term", "medium-term (2026)"), with the date it means, if any."""
_MONTHS = {
    name.lower(): number
    for number in range(1, 13)
    for name in (calendar.month_name[number], calendar.month_abbr[number], calendar.month_abbr[number] + ".")
}
_MONTHS["sept"] = 9
_MONTH_NAMES = "|".join(sorted((re.escape(m) for m in _MONTHS), key=len, reverse=True))
_CURRENCIES = {"€": "EUR", "$": "USD", "£": "GBP", "¥": "JPY", "₩": "KRW", "fr.": "CHF", "kr": "SEK"}
_MULTIPLIERS = {
    "k": Decimal(1000), "thousand": Decimal(1000), "m": Decimal(10**6), "mn": Decimal(10**6),
    "mio": Decimal(10**6), "million": Decimal(10**6), "millions": Decimal(10**6), "bn": Decimal(10**9),
    "billion": Decimal(10**9),
}  # fmt: skip


# --- mapping -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ColumnMapping:
    """How a spreadsheet that the usual names do not describe maps onto the fields of an action item.

    Read from a YAML file: ``columns`` (field → column name, column letter or 1-based index; a list of
    them for ``standards``), ``header_row``, ``sheet``, ``status_values`` (wording → planned | in-progress |
    completed | delayed | discontinued), ``date_order`` (``dmy`` or ``mdy``) and ``currency``.
    """

    columns: dict[str, tuple[str | int, ...]] = field(default_factory=dict)
    header_row: int | None = None
    sheet: str | None = None
    status_values: dict[str, str] = field(default_factory=dict)
    day_first: bool = True
    currency: str | None = None
    path: Path | None = None
    """The mapping file, for naming it in errors."""
    date_order_given: bool = False
    """Whether the file says the date order: then dates such as 03/04/2026 are not flagged as ambiguous."""


def read_yaml(path: Path, what: str) -> Any:
    """Read a YAML file written by hand (``what``: "mapping file", "city profile"), or say in one line what is wrong.

    >>> read_yaml(Path("nowhere.yaml"), "mapping file")
    Traceback (most recent call last):
    hrgraph.errors.BadInputError: nowhere.yaml: cannot read the mapping file: No such file or directory
    """
    try:
        data = path.read_bytes()
    except OSError as err:
        raise BadInputError(f"{path}: cannot read the {what}: {err.strerror or err}") from err
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        raise BadInputError(
            f"{path}:{line}: not UTF-8 (byte 0x{data[err.start]:02x}): save the {what} as UTF-8"
        ) from err
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(err, "problem", None) or str(err).split("\n", 1)[0]
        raise BadInputError(f"{path}{where}: not valid YAML: {problem}") from err
    except RecursionError as err:
        raise BadInputError(f"{path}: not valid YAML: nested too deeply") from err


def yaml_text(value: Any, where: str) -> str | None:
    """Return a value of a hand-written YAML file that is one piece of text; a whole number or a date is text too.

    ``where`` names the file and the key for the error that anything else (a list, true, 1.5) gets.

    >>> yaml_text(2024, "city.yaml: documents[1]: period"), yaml_text(None, "city.yaml: title")
    ('2024', None)
    >>> yaml_text(["a"], "city.yaml: documents[1]: title")
    Traceback (most recent call last):
    hrgraph.errors.BadInputError: city.yaml: documents[1]: title: give one value, not a list
    """
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, int | dt.date) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, list | dict):
        raise BadInputError(f"{where}: give one value, not a {'list' if isinstance(value, list) else 'mapping'}")
    raise BadInputError(f"{where}: {value!r} is not text: write it in quotes")


def yaml_list(value: Any, where: str) -> tuple[str, ...]:
    """Return the texts of a list in a hand-written YAML file; a single value is a list of one.

    >>> yaml_list("ICESCR", "commits_to"), yaml_list(["ICESCR", "CRC"], "commits_to")
    (('ICESCR',), ('ICESCR', 'CRC'))
    """
    if isinstance(value, dict):
        raise BadInputError(f"{where}: give a list, not a mapping")
    if isinstance(value, list):
        texts = [yaml_text(item, f"{where}[{n}]") for n, item in enumerate(value, start=1)]
    else:
        texts = [yaml_text(value, where)]
    return tuple(text for text in texts if text)


def load_mapping(path: Path) -> ColumnMapping:
    """Read a mapping file (YAML); every key is checked, so a typo is an error naming the file."""
    data = read_yaml(path, "mapping file")
    if not isinstance(data, dict):
        raise BadInputError(f"{path}: a mapping file is a YAML mapping with a 'columns' key")
    unknown = set(data) - {"columns", "header_row", "sheet", "status_values", "date_order", "currency"}
    if unknown:
        raise BadInputError(f"{path}: unknown keys {sorted(map(str, unknown))}")
    columns = data.get("columns") or {}
    if not isinstance(columns, dict):
        raise BadInputError(f"{path}: columns: give a mapping of field to column (action: Measure)")
    if not all(k in FIELDS for k in columns):
        unknown = set(columns) - set(FIELDS)
        raise BadInputError(f"{path}: unknown fields {sorted(map(str, unknown))}: use {', '.join(FIELDS)}")
    specs: dict[str, tuple[str | int, ...]] = {}
    for name, spec in columns.items():
        if isinstance(spec, list) and name != "standards":
            raise BadInputError(f"{path}: columns: {name} takes one column, not a list (only standards takes several)")
        specs[name] = tuple(spec) if isinstance(spec, list) else (spec,)
        if not specs[name] or not all(isinstance(s, str | int) and not isinstance(s, bool) for s in specs[name]):
            raise BadInputError(f"{path}: columns: {name}: give a column name, letter or number, not {spec!r}")
    statuses: dict[str, str] = {}
    names = {"planned": "Planned", "in-progress": "InProgress", "completed": "Completed", "delayed": "Delayed",
             "discontinued": "Discontinued"}  # fmt: skip
    wordings = data.get("status_values") or {}
    if not isinstance(wordings, dict):
        raise BadInputError(f"{path}: status_values: give a mapping of wording to status (done: completed)")
    for wording, status in wordings.items():
        where = f"{path}: status_values: {wording}"
        text = (yaml_text(status, where) or "").lower()
        if text not in names:
            raise BadInputError(f"{where}: {status!r} is not one of {', '.join(names)}")
        statuses[_norm(yaml_text(wording, f"{path}: status_values") or "")] = names[text]
    order = (yaml_text(data.get("date_order"), f"{path}: date_order") or "dmy").lower()
    if order not in ("dmy", "mdy"):
        raise BadInputError(f"{path}: date_order must be dmy or mdy, not {order!r}")
    header_row = data.get("header_row")
    if header_row is not None and (not isinstance(header_row, int) or isinstance(header_row, bool) or header_row < 1):
        raise BadInputError(f"{path}: header_row must be a row number (1 or more)")
    currency = yaml_text(data.get("currency"), f"{path}: currency")
    return ColumnMapping(
        columns=specs,
        header_row=header_row,
        sheet=yaml_text(data.get("sheet"), f"{path}: sheet"),
        status_values=statuses,
        day_first=order == "dmy",
        currency=None if currency is None else currency.upper(),
        path=path,
        date_order_given=data.get("date_order") is not None,
    )


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9#%]+", " ", text.lower()).split())


@dataclass(frozen=True)
class Columns:
    """Which column holds which field, as found in the header row."""

    header_row: int
    fields: dict[str, int]
    headers: list[str]
    years: dict[str, int] = field(default_factory=dict)
    """Years given in a header: ``Baseline (2022)`` → {"baseline": 2022}."""
    year_columns: dict[int, int] = field(default_factory=dict)
    """Columns headed by a year alone (``2024``) → that year: values observed in that year."""
    currency: str | None = None
    standards: tuple[int, ...] = ()
    """Every column of cited standards ("SDG targets", "Treaties"), the one in ``fields`` first."""

    def described(self) -> dict[str, str]:
        """Column header → field, for telling the user what was mapped to what."""
        out = {self.headers[i]: name for name, i in self.fields.items()}
        out.update({self.headers[i]: "standards" for i in self.standards})
        out.update({self.headers[i]: f"value {year}" for i, year in self.year_columns.items()})
        return out

    @property
    def unused(self) -> list[str]:
        """Headers of columns that were mapped to nothing."""
        used = set(self.fields.values()) | set(self.year_columns) | set(self.standards)
        return [h for i, h in enumerate(self.headers) if h and i not in used]


def _header_field(header: str) -> tuple[str | None, int | None, str | None]:
    """Return (field, year, currency) that a column header names."""
    text = header.strip()
    year_match = re.search(r"\b(19\d\d|20\d\d)\b", text)
    year = int(year_match.group(1)) if year_match else None
    currency = None
    for symbol, code in _CURRENCIES.items():
        if symbol in text:
            currency = code
    found = re.search(r"\b([A-Z]{3})\b", text)
    if found and found.group(1) not in ("SDG", "KPI", "ID", "NGO"):
        currency = found.group(1)
    bare = _norm(re.sub(r"\(.*?\)|\[.*?\]|\b(?:19|20)\d\d\b", " ", text))
    bare = re.sub(r"\b(?:in )?(?:eur|usd|gbp|chf|sek|nok|dkk|krw|jpy)\b", "", bare).strip()
    if not bare:
        return (None, year, currency) if year else (None, None, None)
    best: tuple[int, str] | None = None
    for name, synonyms in FIELDS.items():
        for synonym in synonyms:
            if bare == synonym:
                return name, year, currency
            if bare.startswith(synonym + " ") and (best is None or len(synonym) > best[0]):
                best = (len(synonym), name)
    if best is None and _CITING_HEADER.search(bare):  # "Link to SDGs", "Relevant treaty articles"
        return "standards", year, currency
    return (best[1] if best else None), year, currency


def _column_index(spec: str | int, headers: list[str]) -> int | None:
    if isinstance(spec, int):
        return spec - 1 if spec >= 1 else None
    if re.fullmatch(r"[A-Z]{1,3}", spec):
        index = 0
        for char in spec:
            index = index * 26 + ord(char) - 64
        return index - 1
    wanted = _norm(spec)
    return next((i for i, h in enumerate(headers) if _norm(h) == wanted), None)


def _columns_of(
    number: int, headers: list[str], mapping: ColumnMapping, require: str
) -> tuple[Columns | None, tuple[str | int, str] | None]:
    """Map the columns of one candidate header row.

    Returns the columns (None if the row is no header) and the first column the mapping names that the
    row lacks, if any.
    """
    fields: dict[str, int] = {}
    years: dict[str, int] = {}
    year_columns: dict[int, int] = {}
    standards: list[int] = []
    currency = None
    for index, header in enumerate(headers):
        name, year, cur = _header_field(header)
        if name is None and year is not None:
            year_columns[index] = year
            continue
        if name == "standards":
            standards.append(index)
        if name is None or name in fields:
            continue
        fields[name] = index
        if year is not None and name in ("baseline", "latest"):
            years[name] = year
        if cur is not None and name == "budget":
            currency = cur
    found: dict[str, list[int]] = {}
    absent: tuple[str | int, str] | None = None
    for name, specs in mapping.columns.items():
        for spec in specs:
            column = _column_index(spec, headers)
            if column is None or column >= len(headers) + 1:
                absent = absent or (spec, name)
            else:
                found.setdefault(name, []).append(column)
    if absent is not None:
        return None, absent
    for name, columns in found.items():
        for other, i in list(fields.items()):
            if i in columns:
                del fields[other]
        fields[name] = columns[0]
        for column in columns:
            year_columns.pop(column, None)
    standards = found.get("standards", standards)
    taken = {i for name, i in fields.items() if name != "standards"}
    standards = [i for i in standards if i not in taken]
    if standards and "standards" not in fields:
        fields["standards"] = standards[0]
    in_standards = tuple(dict.fromkeys([fields["standards"], *standards])) if "standards" in fields else ()
    if require in fields and (len(fields) >= 2 or mapping.columns):
        return Columns(number, fields, headers, years, year_columns, currency, in_standards), None
    return None, None


def _two_row_header(
    columns: Columns, rows: Sequence[tuple[int, Sequence[Any]]], mapping: ColumnMapping, require: str
) -> Columns | None:
    """Return the columns of a header of two rows, or None if the row below the header is no part of it.

    "Baseline" over "Value" and "Year" gives "Baseline Value" and "Baseline Year": a row of at least two
    texts, none under the action column, that maps more columns together with the row above.
    """
    below = next(((n, c) for n, c in rows if n > columns.header_row), None)
    if below is None:
        return None
    number, cells = below
    subs = ["" if c is None else str(c).strip() for c in cells]
    action = columns.fields[require]
    if sum(1 for c in subs if c) < 2 or any(c is not None and not isinstance(c, str) for c in cells):
        return None
    if action < len(subs) and subs[action]:
        return None
    headers = columns.headers
    combined: list[str] = []
    for index in range(max(len(headers), len(subs))):
        top = headers[index] if index < len(headers) else ""
        sub = subs[index] if index < len(subs) else ""
        if not top and sub:  # under a header merged over several columns
            top = next((h for h in reversed(headers[:index]) if h), "")
        combined.append(f"{top} {sub}".strip())
    two, _ = _columns_of(number, combined, mapping, require)
    if two is None or len(two.fields) + len(two.year_columns) <= len(columns.fields) + len(columns.year_columns):
        return None
    return two


def map_columns(
    rows: Sequence[tuple[int, Sequence[Any]]],
    mapping: ColumnMapping | None = None,
    *,
    require: str = "action",
    source: Path | None = None,
) -> Columns | None:
    """Find the header row among the first rows and map its columns to fields.

    Returns None when no row names the ``require`` field. A column the mapping names that no row has is an
    error naming ``source`` (the spreadsheet) and the mapping file.

    >>> columns = map_columns([(1, ["No.", "Measure", "Lead department", "Budget (EUR)", "Baseline 2022"])])
    >>> columns.fields, columns.currency, columns.years
    ({'id': 0, 'action': 1, 'responsible': 2, 'budget': 3, 'baseline': 4}, 'EUR', {'baseline': 2022})
    """
    mapping = mapping or ColumnMapping()
    candidates = rows[:15]
    if mapping.header_row is not None:
        candidates = [r for r in rows if r[0] == mapping.header_row]
    missing: tuple[str | int, str] | None = None
    for number, cells in candidates:
        headers = ["" if c is None else str(c).strip() for c in cells]
        columns, absent = _columns_of(number, headers, mapping, require)
        missing = missing or absent
        if columns is None:
            continue
        two = _two_row_header(columns, rows, mapping, require) if mapping.header_row is None else None
        return two or columns
    if missing is not None:
        spec, name = missing
        first, last = candidates[0][0], candidates[-1][0]
        seen = ", ".join(repr(_text(c)) for c in candidates[0][1] if _text(c))[:200]
        where = f"row {first}: the header row has" if first == last else f"rows {first}–{last}: none of them has"
        named = f"the mapping {mapping.path}" if mapping.path else "the mapping"
        raise BadInputError(
            f"{source or 'spreadsheet'}: {where} the column {spec!r} that {named} names for {name} "
            f"(headers of row {first}: {seen or 'none'})"
        )
    return None


# --- values ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """A span of days: a date is a period of one day, "Q3 2026" is July to September 2026."""

    begin: dt.date | None
    end: dt.date | None


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _single(text: str, day_first: bool) -> Period | None:
    """Parse one date, month, quarter, half or year; None if the text is none of these."""
    if re.fullmatch(r"\d{4}", text):
        year = int(text)
        return Period(dt.date(year, 1, 1), dt.date(year, 12, 31))
    match = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text)
    if match:
        iso = dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        return Period(iso, iso)
    match = re.fullmatch(r"(\d{4})-(\d{1,2})", text)
    if match:
        year, month = int(match.group(1)), int(match.group(2))
        return Period(dt.date(year, month, 1), _month_end(year, month))
    match = re.fullmatch(r"(\d{1,2})[./](\d{1,2})[./](\d{4}|\d{2})", text)
    if match:
        a, b, year = int(match.group(1)), int(match.group(2)), int(match.group(3))
        year = year + 2000 if year < 100 else year
        day, month = (a, b) if (day_first and b <= 12) or a > 12 else (b, a)
        date = dt.date(year, month, day)
        return Period(date, date)
    match = re.fullmatch(r"(?:q([1-4])\s*[/-]?\s*(\d{4})|(\d{4})\s*[/-]?\s*q([1-4]))", text)
    if match:
        quarter = int(match.group(1) or match.group(4))
        year = int(match.group(2) or match.group(3))
        return Period(dt.date(year, 3 * quarter - 2, 1), _month_end(year, 3 * quarter))
    match = re.fullmatch(r"(?:h([12])\s*[/-]?\s*(\d{4})|(first|second) half of (\d{4}))", text)
    if match:
        half = 1 if (match.group(1) or "") == "1" or match.group(3) == "first" else 2
        year = int(match.group(2) or match.group(4))
        return Period(dt.date(year, 6 * half - 5, 1), _month_end(year, 6 * half))
    match = re.fullmatch(r"(early|mid|late)[- ](\d{4})", text)
    if match:
        year = int(match.group(2))
        return {
            "early": Period(dt.date(year, 1, 1), dt.date(year, 4, 30)),
            "mid": Period(dt.date(year, 5, 1), dt.date(year, 8, 31)),
            "late": Period(dt.date(year, 9, 1), dt.date(year, 12, 31)),
        }[match.group(1)]
    match = re.fullmatch(
        rf"(?:(\d{{1,2}})(?:st|nd|rd|th)?\s+)?({_MONTH_NAMES})\.?,?\s+(?:(\d{{1,2}}),?\s+)?(\d{{4}})", text
    )
    if match:
        month, year = _MONTHS[match.group(2)], int(match.group(4))
        day_text = match.group(1) or match.group(3)
        if day_text:
            date = dt.date(year, month, int(day_text))
            return Period(date, date)
        return Period(dt.date(year, month, 1), _month_end(year, month))
    return None


def parse_period(value: Any, *, day_first: bool = True) -> Period | None:
    """Read a date, a timetable or a deadline as written in a plan.

    Returns None for a placeholder, an open timetable ("ongoing", "TBD") or one relative to the plan
    ("short term"); raises ValueError for text that is no date at all.

    >>> parse_period("2025–2027")
    Period(begin=datetime.date(2025, 1, 1), end=datetime.date(2027, 12, 31))
    >>> parse_period("Q3 2026")
    Period(begin=datetime.date(2026, 7, 1), end=datetime.date(2026, 9, 30))
    >>> parse_period("by the end of 2026").end
    datetime.date(2026, 12, 31)
    >>> parse_period("Short term") is None, parse_period("Medium term (2026)").end
    (True, datetime.date(2026, 12, 31))
    """
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return Period(value.date(), value.date())
    if isinstance(value, dt.date):
        return Period(value, value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        if float(value).is_integer() and 1900 <= value <= 2100:
            return Period(dt.date(int(value), 1, 1), dt.date(int(value), 12, 31))
        raise ValueError(f"{value!r} is not a year")
    text = " ".join(str(value).lower().replace("\u00a0", " ").split()).rstrip(".")
    if text in _PLACEHOLDERS or text in _ONGOING or text.startswith(("ongoing", "continuous", "annual")):
        return None
    term = _TERM.fullmatch(text)
    if term is not None:  # "short term" counts from a date the plan does not give; "medium term (2026)" gives it
        try:
            return _period_text(term.group(1), day_first) if term.group(1) else None
        except ValueError:
            return None
    try:
        return _period_text(text, day_first)
    except ValueError as err:  # dt.date refused the day or month
        raise ValueError(f"{value!r} is not a date: {err}") from err


def _period_text(text: str, day_first: bool) -> Period:
    before = False
    for prefix in ("by the end of ", "by end of ", "at the end of ", "end of ", "no later than ", "not later than ",
                   "by ", "until ", "till ", "up to ", "through ", "from ", "starting ", "start ", "in ",
                   "during ", "before "):  # fmt: skip
        if text.startswith(prefix):
            before = prefix == "before "
            text = text[len(prefix) :].strip()
            break
    single = _single(text, day_first)
    if single is not None:
        if before and single.begin is not None:
            day = single.begin - dt.timedelta(days=1)
            return Period(None, day)
        if text.startswith(("end of", "end ")):
            return Period(single.end, single.end)
        return single
    match = re.fullmatch(r"(\d{4})\s*[-–—/]\s*(\d{4}|\d{2})", text)
    if match:
        first, last = int(match.group(1)), int(match.group(2))
        last = (first // 100) * 100 + last if last < 100 else last
        if last < first:
            raise ValueError("the range ends before it begins")
        return Period(dt.date(first, 1, 1), dt.date(last, 12, 31))
    parts = re.split(r"\s+(?:-|–|—|to|until|till|through)\s+|\s*[–—]\s*", text, maxsplit=1)
    if len(parts) == 2:
        left = _single(parts[0].strip(), day_first)
        right = _single(parts[1].strip(), day_first)
        if left is not None and right is not None:
            if left.begin and right.end and right.end < left.begin:
                raise ValueError("the range ends before it begins")
            return Period(left.begin, right.end)
    raise ValueError(_DATE_HINT)


_DATE_HINT = "write a date (2026-06-30), a month (June 2026), a quarter (Q3 2026), a year or a range (2025–2027)"
_SLASHED = re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})(?![\d/])")


def _date_orders(value: Any) -> list[tuple[re.Match[str], str]]:
    """Return each date such as 03/04/2026 in ``value`` with how it reads: ``dmy``, ``mdy`` or ``both``."""
    if not isinstance(value, str) or "/" not in value:
        return []
    out = []
    for match in _SLASHED.finditer(value):
        first, second = int(match.group(1)), int(match.group(2))
        if first != second and 1 <= first <= 12 and 1 <= second <= 12:
            out.append((match, "both"))
        elif first > 12 or second > 12:
            out.append((match, "dmy" if first > 12 else "mdy"))
    return out


def _rows(numbers: Sequence[int]) -> str:
    """``row 3``, ``rows 3, 7, 9`` or ``rows 3, 7, … (24 in all)``."""
    unique = list(dict.fromkeys(numbers))
    if len(unique) == 1:
        return f"row {unique[0]}"
    shown = ", ".join(map(str, unique[:10]))
    return f"rows {shown}" + (f", … ({len(unique)} in all)" if len(unique) > 10 else "")


_SPACES = re.compile(r"[\s\u00a0'’]")
_NUMERIC = re.compile(r"[+-]?[\d.,]*\d[\d.,]*")
_THOUSANDS_COMMA = re.compile(r"[+-]?\d{1,3}(,\d{3})+")
_THOUSANDS_POINT = re.compile(r"[+-]?[1-9]\d{0,2}(\.\d{3})+")
_CODE = re.compile(r"\b([A-Z]{3})\b")
_AMOUNT = re.compile(r"([+-]?[\d.,\s'’]*\d)\s*([a-zA-Z]+)?\.?")
_VALUE_YEAR = re.compile(r"\(\s*((?:19|20)\d\d)\s*\)|\bin ((?:19|20)\d\d)\b")
_VALUE = re.compile(r"([+-]?[\d.,\s'’]*\d)\s*(%|[^\d\s].*)?")
_NOT_IN_ID = re.compile(r"[^A-Za-z0-9._-]+")


def _decimal(text: str) -> Decimal | None:
    """Read a number written with thousands separators or a decimal comma."""
    s = _SPACES.sub("", text)
    if not _NUMERIC.fullmatch(s):
        return None
    if "," in s and "." in s:
        decimal_mark = "," if s.rfind(",") > s.rfind(".") else "."
        s = s.replace("." if decimal_mark == "," else ",", "").replace(",", ".")
    elif "," in s:
        s = s.replace(",", "") if _THOUSANDS_COMMA.fullmatch(s) else s.replace(",", ".")
    elif _THOUSANDS_POINT.fullmatch(s):
        s = s.replace(".", "")  # "120.000": a thousands point, as written in much of Europe
    try:
        return Decimal(s)
    except InvalidOperation:
        return None


_ONE_POINT_GROUP = re.compile(r"(?<![\d.,])([1-9]\d{0,2})\.(\d{3})(?![\d.,])")


def point_note(raw: Any) -> str | None:
    """Say how a text value such as "2.004" was read: a point before three digits is a thousands point.

    >>> point_note("2.004 per 1,000")
    "'2.004 per 1,000' read as 2004 (a thousands point); a decimal needs more or fewer than 3 decimals"
    """
    match = _ONE_POINT_GROUP.search(raw) if isinstance(raw, str) else None
    if match is None:
        return None
    return f"{raw!r} read as {match[1]}{match[2]} (a thousands point); a decimal needs more or fewer than 3 decimals"


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value)) if value == value else None
    if isinstance(value, Decimal):
        return value
    return None


def parse_amount(value: Any, currency: str | None = None) -> tuple[Decimal | None, str | None, bool]:
    """Read a budget: (amount, currency, understood).

    ``understood`` is False for text that is neither an amount nor a known wording without one
    ("within existing budget").

    >>> parse_amount("€ 1.2 million")
    (Decimal('1200000.0'), 'EUR', True)
    >>> parse_amount("EUR 250,000")
    (Decimal('250000'), 'EUR', True)
    >>> parse_amount("within existing resources")
    (None, None, True)
    """
    number = _number(value)
    if number is not None:
        return number, currency, True
    if value is None:
        return None, None, True
    if value.__class__ is str and value.isdigit() and value.isascii():
        return Decimal(value), currency, True
    text = " ".join(str(value).split())
    if text.lower().rstrip(".") in _PLACEHOLDERS or _NO_AMOUNT.search(text):
        return None, None, True
    found = currency
    for symbol, code in _CURRENCIES.items():
        if symbol in text.lower() if symbol.isalpha() or symbol.endswith(".") else symbol in text:
            found = code
            text = re.sub(re.escape(symbol), " ", text, flags=re.IGNORECASE)
    iso_code = _CODE.search(text)
    if iso_code:
        found = iso_code.group(1)
        text = text.replace(iso_code.group(1), " ")
    text = text.strip().rstrip(".")
    match = _AMOUNT.fullmatch(text.strip())
    if not match:
        return None, None, False
    amount = _decimal(match.group(1))
    unit = (match.group(2) or "").lower()
    if amount is None or (unit and unit not in _MULTIPLIERS):
        return None, None, False
    if unit:
        amount *= _MULTIPLIERS[unit]
    return amount, found, True


def parse_value(value: Any) -> tuple[Decimal | None, int | None, str | None, bool]:
    """Read an indicator value: (value, year, unit, understood). ``42% (2022)`` → 42, 2022, "percent".

    >>> parse_value("42 % (2022)")
    (Decimal('42'), 2022, 'percent', True)
    >>> parse_value("1,250 households")
    (Decimal('1250'), None, 'households', True)
    """
    number = _number(value)
    if number is not None:
        return number, None, None, True
    if value is None:
        return None, None, None, True
    if value.__class__ is str and value.isdigit() and value.isascii():
        return Decimal(value), None, None, True
    text = " ".join(str(value).split())
    if text.lower().rstrip(".") in _PLACEHOLDERS:
        return None, None, None, True
    year = None
    year_match = _VALUE_YEAR.search(text)
    if year_match:
        year = int(year_match.group(1) or year_match.group(2))
        text = (text[: year_match.start()] + text[year_match.end() :]).strip()
    match = _VALUE.fullmatch(text)
    if not match:
        return None, year, None, False
    number = _decimal(match.group(1))
    if number is None:
        return None, year, None, False
    unit = (match.group(2) or "").strip() or None
    if unit in ("%", "percent", "per cent"):
        unit = "percent"
    return number, year, unit, True


# --- references to standards ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Standards:
    """What the standards corpus says about names and numbers, for resolving cited references."""

    instruments: dict[str, str]
    """Name, short title or abbreviation (case-folded) → instrument IRI."""
    codes: dict[str, str]
    """Abbreviation as written (``ICESCR``) → instrument IRI."""
    provisions: dict[tuple[str, str, str | None], str]
    """(instrument IRI, article or principle number, paragraph number or None) → provision IRI."""
    sdg: dict[str, str]
    """Goal or target notation (``11``, ``11.1``) → IRI."""
    sdg_indicators: dict[str, tuple[str, str]]
    """Indicator notation (``11.1.1``) → (indicator IRI, target IRI)."""
    names: dict[str, tuple[str, ...]]
    """Instrument IRI → the names under which a text may mention it."""
    states: dict[str, str]
    """ISO code or case-folded name of a State → IRI."""
    _pattern: re.Pattern[str] | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        codes = sorted(self.codes, key=len, reverse=True)
        names = sorted((n for n in self.instruments if len(n) > 6), key=len, reverse=True)
        pattern = "|".join(
            [
                *(rf"(?<![\w-])(?:UN\s?)?{re.escape(c)}(?![\w-])" for c in codes),
                *(rf"(?i:(?<!\w){re.escape(n)}(?!\w))" for n in names),
            ]  # fmt: skip
        )
        object.__setattr__(self, "_pattern", re.compile(pattern) if pattern else None)

    def instrument_at(self, text: str) -> list[tuple[int, int, str]]:
        """Every mention of an instrument in ``text``: (start, end, IRI)."""
        pattern = self._pattern
        if pattern is None:
            return []
        found = []
        for match in pattern.finditer(text):
            name = re.sub(r"^UN\s?", "", match.group(0)) if match.group(0) not in self.codes else match.group(0)
            iri = self.codes.get(name) or self.instruments.get(name.casefold())
            if iri is not None:
                found.append((match.start(), match.end(), iri))
        return found


@dataclass(frozen=True)
class Reference:
    """A standard cited by a plan: the text as written and the IRI it resolves to."""

    text: str
    target: str
    predicate: str
    """``realises`` (articles, paragraphs, principles) or ``contributesTo`` (SDG goals and targets)."""
    level: str
    """``article``, ``paragraph``, ``sdg-goal`` or ``sdg-target``."""
    sdg_indicator: str | None = None


_NUM = r"\d{1,3}[a-z]?(?:\s*\(\s*\w{1,4}\s*\))*"
_NUMLIST = rf"{_NUM}(?:\s*(?:,|and|&|[-–])\s*{_NUM})*"
_AFTER = re.compile(rf"^\s*,?\s*(?:(?:arts?|articles?|principles?|para(?:graph)?s?)\.?\s*)?({_NUMLIST})", re.IGNORECASE)
_BEFORE = re.compile(rf"(?:arts?|articles?|principles?)\.?\s*({_NUMLIST})\s*(?:,|of)?\s*(?:the\s+)?$", re.IGNORECASE)
_SDG = re.compile(
    r"\b(?:SDGs?|Goals?|Targets?|Indicators?)\s*(?:target|indicator|goal)?s?\s*"
    r"(\d{1,2}(?:\.[0-9a-z]{1,2}){0,2}(?:\s*(?:,|and|&|/)\s*\d{1,2}(?:\.[0-9a-z]{1,2}){0,2})*)",
    re.IGNORECASE,
)


_BARE_SDG = re.compile(
    r"\d{1,2}(?:\.[0-9a-z]{1,2}){0,2}(?:\s*(?:,|and|&|/)\s*\d{1,2}(?:\.[0-9a-z]{1,2}){0,2})*", re.IGNORECASE
)


def _numbers(text: str) -> list[tuple[str, str | None]]:
    """``11(1), 12 and 13-14`` → [("11", "1"), ("12", None), ("13", None), ("14", None)]."""
    out: list[tuple[str, str | None]] = []
    pieces = re.split(r"\s*(?:,|and|&)\s*", text.strip())
    for piece in pieces:
        span = re.fullmatch(r"(\d{1,3})\s*[-–]\s*(\d{1,3})", piece)
        if span and 0 < int(span.group(2)) - int(span.group(1)) <= 10:
            out += [(str(n), None) for n in range(int(span.group(1)), int(span.group(2)) + 1)]
            continue
        match = re.match(r"(\d{1,3}[a-z]?)(?:\s*\(\s*(\w{1,4})\s*\))?", piece)
        if match:
            out.append((match.group(1), match.group(2)))
    return out


def parse_references(cell: str, standards: Standards, *, sdg_column: bool = False) -> tuple[list[Reference], list[str]]:
    """Resolve the standards a plan cites in one cell; return the references and the problems found.

    Segments are separated by ``;`` or line breaks. Unknown references are problems, not errors. In a
    column whose header names the SDGs (``sdg_column``), bare numbers are SDGs: "11.1" a target, "5" a goal.
    """
    references: list[Reference] = []
    problems: list[str] = []
    for segment in re.split(r"[;\n]+", cell):
        segment = segment.strip().strip(",.")
        if not segment:
            continue
        found = False
        sdg_spans: list[tuple[int, int]] = []
        # Bare numbers hold no instrument name, so the spans below need not count the added "SDG ".
        scan = f"SDG {segment}" if sdg_column and _BARE_SDG.fullmatch(segment) else segment
        for match in _SDG.finditer(scan):
            found = True
            sdg_spans.append(match.span())
            for notation in re.split(r"\s*(?:,|and|&|/)\s*", match.group(1)):
                notation = notation.strip().lower()
                if notation in standards.sdg_indicators:
                    indicator, target = standards.sdg_indicators[notation]
                    references.append(Reference(segment, target, "contributesTo", "sdg-target", indicator))
                elif notation in standards.sdg:
                    level = "sdg-target" if "." in notation else "sdg-goal"
                    references.append(Reference(segment, standards.sdg[notation], "contributesTo", level))
                else:
                    problems.append(f"SDG {notation} is not a goal, target or indicator of the SDG framework")
        for start, end, instrument in standards.instrument_at(segment):
            if any(a < end and start < b for a, b in sdg_spans):
                continue
            found = True
            after = _AFTER.match(segment[end:])
            before = _BEFORE.search(segment[:start])
            numbers = after.group(1) if after else (before.group(1) if before else None)
            code = segment[start:end]
            if numbers is None:
                problems.append(f"{code}: no article given, so no link")
                continue
            for number, paragraph in _numbers(numbers):
                article = standards.provisions.get((instrument, number, None))
                if article is None:
                    problems.append(f"{code} article {number} is not in the standards corpus")
                    continue
                if paragraph is not None:
                    para = standards.provisions.get((instrument, number, paragraph))
                    if para is not None:
                        references.append(Reference(segment, para, "realises", "paragraph"))
                        continue
                    problems.append(
                        f"{code} article {number}({paragraph}): no such paragraph in the corpus, linked to the article"
                    )
                references.append(Reference(segment, article, "realises", "article"))
        if not found:
            problems.append(f"unknown reference {segment!r}")
    return references, problems


# --- action items ------------------------------------------------------------------------------------


@dataclass
class Item:
    """One action item as read from its row, before it becomes triples."""

    row: int
    id: str
    action: str
    line: str
    area: str | None = None
    responsible: list[str] = field(default_factory=list)
    target: str | None = None
    start: dt.date | None = None
    deadline: dt.date | None = None
    timetable_text: str | None = None
    indicators: list[str] = field(default_factory=list)
    unit: str | None = None
    observations: list[tuple[int, Decimal, bool]] = field(default_factory=list)
    """(year, value, is the baseline)."""
    status: str | None = None
    budget: Decimal | None = None
    currency: str | None = None
    references: list[Reference] = field(default_factory=list)
    notes: str | None = None


_BODY_SEPARATOR = re.compile(r"[;\n/]+")
_TOTAL = re.compile(r"(?:grand |sub-?)?totals?|sum", re.IGNORECASE)
_SDG_HEADER = re.compile(r"\bsdgs?\b|sustainable development")
_CITING_HEADER = re.compile(r"\bsdgs?\b|sustainable development goals?\b|\btreaty\b|\btreaties\b")
"""Words that make a column otherwise unnamed one of standards: "Link to SDGs", "Relevant treaties"."""
_LIST_SEPARATOR = re.compile(r"[;\n]+")
_PERCENT_INDICATOR = re.compile(r"[(\[]\s*%\s*[)\]]|\bin\s*%|%\s*$|\bin per ?cent\b")
"""An indicator measured in percent by its wording: "Pay gap (%)", "Share of households in %"."""


def _text(value: Any) -> str:
    if value.__class__ is not str:
        if value is None:
            return ""
        if value.__class__ is int:
            return str(value)
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        if isinstance(value, dt.date):
            return value.isoformat()
        value = str(value)
    return " ".join(value.split()) if "\n" not in value else value.strip()


def _item_id(value: Any) -> str:
    return _NOT_IN_ID.sub("-", _text(value)).strip("-.")


def title_row(rows: Sequence[tuple[int, Sequence[Any]]], header_row: int) -> str | None:
    """Return the title a sheet gives above its header row: the first row of one cell of text, if any.

    >>> title_row([(1, ["Riverside — Human Rights Action Plan", None]), (3, ["Action", "Lead"])], 3)
    'Riverside — Human Rights Action Plan'
    """
    for number, cells in rows:
        if number >= header_row:
            break
        filled = [c for c in cells if c is not None and str(c).strip()]
        if len(filled) == 1 and isinstance(filled[0], str) and len(filled[0].strip()) >= 10:
            return " ".join(filled[0].split())
    return None


def plan_tables(
    tables: Sequence[Sequence[Sequence[str]]], mapping: ColumnMapping | None = None
) -> tuple[list[tuple[int, Sequence[Any]]], set[int]] | None:
    """Return the rows of a document's tables that list action items, and the indexes of those tables.

    The first table with an action column sets the columns; a later table with the same header continues
    it (a plan split by chapter) and its header is left out. Rows are counted across all the tables of
    the document. None when no table has an action column.

    >>> rows, used = plan_tables([[["Year", "Total"]], [["Action", "Lead"], ["Build homes", "Housing"]],
    ...                           [["Action", "Lead"], ["Cut rents", "Housing"]]])
    >>> rows, used
    ([(2, ['Action', 'Lead']), (3, ['Build homes', 'Housing']), (5, ['Cut rents', 'Housing'])], {1, 2})
    """
    rows: list[tuple[int, Sequence[Any]]] = []
    used: set[int] = set()
    header: list[str] | None = None
    counted = 0
    for index, table in enumerate(tables):
        numbered = [(counted + n, cells) for n, cells in enumerate(table, start=1)]
        counted += len(table)
        try:
            columns = map_columns(numbered, mapping)
        except BadInputError:  # a column the mapping names is not in this table
            continue
        if columns is None:
            continue
        names = [_norm(_text(c)) for n, cells in numbered if n == columns.header_row for c in cells]
        if header is None:
            header = names
            rows += numbered
        elif names == header:
            rows += [(n, cells) for n, cells in numbered if n > columns.header_row]
        else:
            continue
        used.add(index)
    return (rows, used) if rows else None


def fill_merged(
    rows: Sequence[tuple[int, Sequence[Any]]], merged: Sequence[tuple[int, int, int, int]], *, below: int
) -> Sequence[tuple[int, Sequence[Any]]]:
    """Give each row of a cell merged over several rows the cell's value, in the rows after ``below``.

    A spreadsheet keeps a merged cell's value in its first row only; a plan that merges an area or a
    responsible body over the rows of its actions means it for each of them.

    >>> fill_merged([(4, ["Housing", "Build homes"]), (5, [None, "Cut rents"])], [(1, 4, 1, 6)], below=3)
    [(4, ['Housing', 'Build homes']), (5, ['Housing', 'Cut rents'])]
    """
    spans = sorted((column - 1, first, last) for column, first, _, last in merged if first > below)
    if not spans:
        return rows
    numbers = sorted(number for number, _ in rows)
    filled = {number: list(cells) for number, cells in rows}
    reach = (-1, 0)
    for index, first, last in spans:
        if (index, first) <= reach:  # overlaps a merge above it in its column: a damaged file
            continue
        reach = (index, last)
        top = filled.get(first)
        value = top[index] if top is not None and index < len(top) else None
        if value is None:
            continue
        for number in numbers[bisect_right(numbers, first) : bisect_right(numbers, last)]:
            cells = filled[number]
            if index < len(cells) and cells[index] is None:
                cells[index] = value
    return [(number, filled[number]) for number, _ in rows]


def read_items(
    path: Path,
    rows: Sequence[tuple[int, Sequence[Any]]],
    standards: Standards,
    mapping: ColumnMapping | None = None,
    *,
    currency: str | None = None,
    merged: Sequence[tuple[int, int, int, int]] = (),
) -> tuple[list[Item], Columns, list[tuple[str | None, str]]]:
    """Read the action items of a sheet; return them, the column mapping and warnings (place, message).

    ``merged`` lists the sheet's cells merged over several rows (first column, first row, last column,
    last row): below the header row, each row of such a cell has its value.
    """
    mapping = mapping or ColumnMapping()
    columns = map_columns(rows, mapping, source=path)
    if columns is None:
        first = rows[0] if rows else (1, [])
        seen = ", ".join(repr(_text(c)) for c in first[1] if _text(c))[:200]
        raise BadInputError(
            f"{path}: row {first[0]}: no action column (headers: {seen or 'none'}); name it 'Action' or give "
            "a mapping file with --mapping"
        )
    rows = fill_merged(rows, merged, below=columns.header_row)
    f = columns.fields
    default_currency = columns.currency or mapping.currency or currency
    warnings: list[tuple[str | None, str]] = []
    items: list[Item] = []
    seen_ids: dict[str, int] = {}
    area: str | None = None
    periods: dict[tuple[str, Any], Period | None] = {}
    failed: dict[tuple[str, Any], str] = {}
    bad_dates: list[tuple[int, str, Any, str]] = []
    """(row, field, value, why) of each cell that is no date."""
    doubtful: list[tuple[int, re.Match[str]]] = []
    """(row, date) of each date that reads both day and month first."""
    orders: set[str] = set()
    """How the other dates read: ``dmy`` alone settles the order of the file."""
    reference_cache: dict[tuple[str, bool], tuple[list[Reference], list[str]]] = {}
    sdg_columns = {i for i in columns.standards if _SDG_HEADER.search(_norm(columns.headers[i]))}
    statuses = {**STATUSES, **mapping.status_values}

    def cell(cells: Sequence[Any], name: str) -> Any:
        index = f.get(name)
        return cells[index] if index is not None and index < len(cells) else None

    def text(texts: list[str], name: str) -> str:
        index = f.get(name)
        return texts[index] if index is not None and index < len(texts) else ""

    def status_of(status_text: str) -> str | None:
        if status_text not in status_cache:
            status_cache[status_text] = statuses.get(_norm(status_text))
        return status_cache[status_text]

    status_cache: dict[str, str | None] = {}

    def when(value: Any, name: str, number: int) -> Period | None:
        key = (name, value)
        if key not in periods:
            try:
                periods[key] = parse_period(value, day_first=mapping.day_first)
            except ValueError as err:
                periods[key], failed[key] = None, str(err)
        if key in failed:
            bad_dates.append((number, name, value, failed[key]))
        elif not mapping.date_order_given:
            for match, order in _date_orders(value):
                if order == "both":
                    doubtful.append((number, match))
                else:
                    orders.add(order)
        return periods[key]

    for number, cells in rows:
        if number <= columns.header_row:
            continue
        texts = [_text(c) for c in cells]
        action = text(texts, "action")
        filled = [t for t in texts if t]
        if not action:
            if len(filled) == 1:
                area = filled[0]
            elif filled:
                warnings.append((f"row {number}", "no action text: row skipped"))
            continue
        if _TOTAL.fullmatch(action.rstrip(": ")) and all(
            not t or i in (f["action"], f.get("budget"), f.get("currency")) or t.startswith("=")
            or parse_amount(c)[0] is not None
            for i, (c, t) in enumerate(zip(cells, texts, strict=True))
        ):  # fmt: skip
            warnings.append((f"row {number}", f"a {action.rstrip(': ').lower()} row, not an action item: skipped"))
            continue
        ident = _item_id(cell(cells, "id")) if "id" in f else ""
        ident = ident or str(len(items) + 1)
        if ident in seen_ids:
            raise BadInputError(f"{path}: row {number}: item id {ident!r} is also on row {seen_ids[ident]}")
        seen_ids[ident] = number
        item = Item(number, ident, action, "\t".join(texts))
        item.area = text(texts, "area") or area
        responsible = text(texts, "responsible")
        item.responsible = [part.strip() for part in _BODY_SEPARATOR.split(responsible) if part.strip()]
        item.target = text(texts, "target") or None
        item.notes = text(texts, "notes") or None
        start = when(cell(cells, "start"), "start", number)
        deadline = when(cell(cells, "deadline"), "deadline", number)
        timetable = when(cell(cells, "timetable"), "timetable", number)
        item.start = start.begin if start else (timetable.begin if timetable else None)
        item.deadline = deadline.end if deadline else (timetable.end if timetable else None)
        if item.start and item.deadline and item.deadline < item.start:
            warnings.append((f"row {number}", f"the deadline {item.deadline} is before the start {item.start}"))
        item.timetable_text = (
            text(texts, "timetable")
            or (text(texts, "deadline") if isinstance(cell(cells, "deadline"), str) else None)
            or None
        )
        indicator_text = text(texts, "indicator")
        item.indicators = [p.strip() for p in _LIST_SEPARATOR.split(indicator_text) if p.strip()]
        item.unit = text(texts, "unit") or None
        for name, year_field in (("baseline", "baseline_year"), ("latest", "latest_year")):
            raw = cell(cells, name)
            value, year, unit, understood = parse_value(raw)
            if not understood:
                warnings.append((f"row {number}", f"{name} {_text(raw)!r} is not a number"))
                continue
            if note := point_note(raw):
                warnings.append((f"row {number}", f"{name} {note}"))
            if value is None:
                continue
            year_cell = cell(cells, year_field)
            if year is None and text(texts, year_field):
                period = when(year_cell, year_field.replace("_", " "), number)
                year = period.begin.year if period and period.begin else None
            year = year or columns.years.get(name)
            item.unit = item.unit or unit
            if year is None:
                warnings.append((f"row {number}", f"{name} value {_text(raw)} has no year: not recorded"))
                continue
            item.observations.append((year, value, name == "baseline"))
        for index, year in columns.year_columns.items():
            raw = cells[index] if index < len(cells) else None
            value, _, unit, understood = parse_value(raw)
            if note := point_note(raw):
                warnings.append((f"row {number}", f"value for {year} {note}"))
            if not understood:
                warnings.append((f"row {number}", f"value for {year} {_text(raw)!r} is not a number"))
            elif value is not None:
                item.unit = item.unit or unit
                item.observations.append((year, value, False))
        if item.unit is None and _PERCENT_INDICATOR.search(indicator_text):
            item.unit = "percent"  # "Pay gap (%)"
        if item.observations and not item.indicators:
            warnings.append((f"row {number}", "values are given but no indicator: not recorded"))
            item.observations = []
        status_text = text(texts, "status")
        if status_text:
            status = status_of(status_text)
            if status is None:
                warnings.append(
                    (
                        f"row {number}",
                        f"unknown status {status_text!r} (use planned, in progress, completed, "
                        "delayed or discontinued, or map it in a mapping file)",
                    )  # fmt: skip
                )
            item.status = status
        budget = cell(cells, "budget")
        amount, cur, understood = parse_amount(budget, text(texts, "currency") or default_currency)
        if not understood:
            warnings.append((f"row {number}", f"budget {_text(budget)!r} is not an amount"))
        item.budget, item.currency = amount, (cur if amount is not None else None)
        for index in columns.standards:
            cited = texts[index] if index < len(texts) else ""
            if cited:
                key = (cited, index in sdg_columns)
                if key not in reference_cache:
                    reference_cache[key] = parse_references(cited, standards, sdg_column=key[1])
                references, problems = reference_cache[key]
                item.references = [*item.references, *references]
                warnings += [(f"row {number}", problem) for problem in problems]
        items.append(item)
    if len(bad_dates) == 1:
        number, name, _, why = bad_dates[0]
        raise BadInputError(f"{path}: row {number}: {name}: {why}")
    if bad_dates:
        found: dict[str, None] = {}
        for _, name, value, why in bad_dates:
            reason = why.removeprefix(f"{value!r} is not a date: ").removeprefix(f"{value!r} ")
            found[f"{name} {value!r}" + ("" if reason == _DATE_HINT else f" ({reason})")] = None
        listed = ", ".join(list(found)[:6]) + (f", … ({len(found)} in all)" if len(found) > 6 else "")
        raise BadInputError(f"{path}: {_rows([b[0] for b in bad_dates])}: not dates: {listed}: {_DATE_HINT}")
    if doubtful and orders != {"dmy"}:
        match = doubtful[0][1]
        day, month, year = (int(n) for n in match.groups())
        year += 2000 if year < 100 else 0
        fix = "write YYYY-MM-DD, or set date_order in a mapping file"
        if "mdy" in orders:
            fix = "other dates of the file are month first: set date_order: mdy in a mapping file"
        warnings.append((
            _rows([d[0] for d in doubtful]),
            f"dates such as {match.group(0)!r} are read day first ({dt.date(year, month, day)}, not "
            f"{dt.date(year, day, month)}): {fix}",
        ))  # fmt: skip
    if not items:
        raise BadInputError(f"{path}: row {columns.header_row}: no action items below the header row")
    return items, columns, warnings


# --- indicator tables in reports ------------------------------------------------------------------------


@dataclass(frozen=True)
class ObservationRow:
    """A row of an indicator table in a report: the item, its indicator and the values by year."""

    row: int
    item_id: str
    indicator: str | None
    unit: str | None
    values: tuple[tuple[int, Decimal, bool], ...]


def indicator_table(rows: list[list[str]]) -> tuple[list[ObservationRow], list[tuple[str, str]]] | None:
    """Read a table of indicator observations (item id, indicator, values by year), or None if it is not one.

    >>> table = [["Item", "Indicator", "Baseline (2022)", "2025"], ["H-01", "Units", "5", "9"]]
    >>> rows, problems = indicator_table(table)
    >>> [(r.item_id, r.values) for r in rows]
    [('H-01', ((2022, Decimal('5'), True), (2025, Decimal('9'), False)))]
    """
    numbered = [(i, cells) for i, cells in enumerate(rows, start=1)]
    columns = map_columns(numbered[:1], require="id")
    if columns is None:
        return None
    f = columns.fields
    value_fields = [n for n in ("baseline", "latest") if n in f]
    if not value_fields and not columns.year_columns:
        return None
    out: list[ObservationRow] = []
    problems: list[tuple[str, str]] = []
    for number, cells in numbered[1:]:

        def get(name: str, cells: list[str] = cells) -> str:
            index = f.get(name)
            return cells[index].strip() if index is not None and index < len(cells) else ""

        ident = _item_id(get("id"))
        if not ident:
            continue
        values: list[tuple[int, Decimal, bool]] = []
        unit = get("unit") or None
        for name in value_fields:
            value, year, found_unit, understood = parse_value(get(name) or None)
            year_text = get(f"{name}_year")
            year = year or (int(year_text) if re.fullmatch(r"\d{4}", year_text) else None) or columns.years.get(name)
            if note := point_note(get(name)):
                problems.append((f"row {number}", f"{name} {note}"))
            if not understood:
                problems.append((f"row {number}", f"{name} {get(name)!r} is not a number"))
            elif value is not None and year is None:
                problems.append((f"row {number}", f"{name} value has no year: not recorded"))
            elif value is not None and year is not None:
                values.append((year, value, name == "baseline"))
                unit = unit or found_unit
        for index, year in columns.year_columns.items():
            raw = cells[index] if index < len(cells) else ""
            value, _, found_unit, understood = parse_value(raw or None)
            if note := point_note(raw):
                problems.append((f"row {number}", f"value for {year} {note}"))
            if not understood:
                problems.append((f"row {number}", f"value for {year} {raw!r} is not a number"))
            elif value is not None:
                values.append((year, value, False))
                unit = unit or found_unit
        out.append(ObservationRow(number, ident, get("indicator") or None, unit, tuple(values)))
    return out, problems
