"""Importing dissatisfied contacts from CSV or XLSX: rows are read one at a time and checked
one by one, the preview names every bad row and why, and only the good rows are imported.
The natural key (channel, phone, contact time, agent no.) is UNIQUE in the database and
inserted with ON CONFLICT DO NOTHING, so the same file imported twice adds nothing."""
import csv
import io
import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from sqlalchemy import func, select, tuple_
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from domain import survey as rules
from domain.errors import N_, FormProblems, InvalidTransition, NotFound
from domain.people import is_employee_no
from domain.phones import normalize_phone
from domain.survey import Task
from models import User
from models.survey import SurveyContact, SurveyImport

from .. import audit
from ..clock import zone
from ..db import db, write_transaction
from .contacts import dates_for

MAX_ROWS = 20_000
MAX_COLUMNS = 30
CHUNK = 500

#: Accepted headers (compared without spaces, underscores or case) for each field.
HEADERS = {
    "phone": ("客户电话", "用户电话", "客户号码", "用户号码", "电话", "手机", "联系电话", "phone",
              "customerphone"),
    "channel": ("渠道", "channel"),
    "contact_at": ("接触时间", "来访时间", "联系时间", "时间", "contacttime", "time"),
    "agent_no": ("工号", "客服工号", "坐席工号", "agentno", "agent"),
    "summary": ("问题摘要", "问题", "问题描述", "摘要", "issuesummary", "summary", "issue"),
    "score": ("满意度", "满意度评分", "评分", "分数", "satisfactionscore", "satisfaction", "score"),
    "area": ("区域", "地区", "片区", "area", "region"),
}
#: The required columns; the area (区域, to give callbacks by area) may be left out.
COLUMN_ORDER = ("phone", "channel", "contact_at", "agent_no", "summary", "score")
#: The header line shown on the import page and written by the demo.
TEMPLATE_HEADER = ("客户电话", "渠道", "接触时间", "工号", "问题摘要", "满意度")
AREA_HEADER, AREA_MAX = "区域", 20

TIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M",
                "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y.%m.%d %H:%M")


class FileProblem(Exception):
    """The file as a whole cannot be read (msgid, params)."""

    def __init__(self, message, **params):
        super().__init__(message)
        self.message, self.params = message, params


@dataclass
class Checked:
    rows: list = field(default_factory=list)       # good rows, as stored (JSON-ready)
    problems: list = field(default_factory=list)   # [line, [[msgid, params], …]]
    total: int = 0


def _norm(header) -> str:
    return str(header or "").strip().replace(" ", "").replace("_", "").lower()


def _columns(header_row) -> dict[str, int]:
    wanted = {alias.lower(): name for name, aliases in HEADERS.items() for alias in aliases}
    found: dict[str, int] = {}
    for index, cell in enumerate(header_row):
        name = wanted.get(_norm(cell))
        if name and name not in found:
            found[name] = index
    missing = [n for n in COLUMN_ORDER if n not in found]
    if missing:
        names = "、".join(TEMPLATE_HEADER[COLUMN_ORDER.index(n)] for n in missing)
        raise FileProblem(N_("The file lacks the columns %(columns)s. The first row must name "
                             "them: %(expected)s."), columns=names,
                          expected="，".join(TEMPLATE_HEADER))
    return found


def _time(value, now_local: datetime):
    """A local contact time from a cell: a datetime (XLSX) or text; (datetime, problem)."""
    if isinstance(value, datetime):  # an XLSX date cell (a date alone reads as 00:00)
        moment = value.replace(tzinfo=None, microsecond=0)
    elif isinstance(value, date):
        moment = datetime.combine(value, datetime.min.time())
    else:
        text = str(value or "").strip()
        moment = None
        for fmt in TIME_FORMATS:
            try:
                moment = datetime.strptime(text, fmt)
                break
            except ValueError:
                continue
        if moment is None:
            return None, N_("The contact time is not a date and time (YYYY-MM-DD HH:MM).")
    if moment > now_local:
        return None, N_("The contact time is in the future.")
    if moment.year < 2000:
        return None, N_("The contact time is not a date and time (YYYY-MM-DD HH:MM).")
    return moment, None


def _score(value):
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        number = value
    else:
        try:
            number = float(str(value or "").strip())
        except ValueError:
            return None
    if number != int(number):
        return None
    number = int(number)
    return number if rules.SCORE_MIN <= number <= rules.SCORE_MAX else None


def check_row(cells, columns: dict[str, int], now_local: datetime):
    """(row, problems) of one data row: the row is None when anything is wrong."""
    def cell(name):
        index = columns.get(name, len(cells))
        return cells[index] if index < len(cells) else None

    problems = []
    raw_phone = cell("phone")
    if isinstance(raw_phone, float) and raw_phone == int(raw_phone):
        raw_phone = int(raw_phone)  # a number column in Excel
    phone = normalize_phone(str(raw_phone) if raw_phone is not None else None)
    if phone is None:
        problems.append([N_("The customer phone is not a valid number."), {}])
    channel = rules.channel_of(cell("channel"))
    if channel is None:
        problems.append([N_("The channel must be %(hotline)s or QQ."),
                         {"hotline": rules.HOTLINE_WORD}])
    moment, problem = _time(cell("contact_at"), now_local)
    if problem:
        problems.append([problem, {}])
    raw_agent = cell("agent_no")
    if isinstance(raw_agent, float) and raw_agent == int(raw_agent):
        raw_agent = int(raw_agent)
    agent_no = str(raw_agent if raw_agent is not None else "").strip()
    if not is_employee_no(agent_no):
        problems.append([N_("An employee no. is 4 to 10 digits."), {}])
    summary = rules.note_text(str(cell("summary") or ""))
    if not summary:
        problems.append([N_("The issue summary is empty."), {}])
    elif len(summary) > rules.SUMMARY_MAX:
        problems.append([N_("The issue summary is longer than %(max)d characters."),
                         {"max": rules.SUMMARY_MAX}])
    score = _score(cell("score"))
    if score is None:
        problems.append([N_("The satisfaction score must be a whole number from 1 to 10."), {}])
    area = rules.note_text(str(cell("area") if cell("area") is not None else ""))
    if len(area) > AREA_MAX:
        problems.append([N_("The area is longer than %(max)d characters."), {"max": AREA_MAX}])
    if problems:
        return None, problems
    at = moment.replace(tzinfo=zone()).astimezone(UTC).replace(tzinfo=None)
    return {"channel": str(channel), "phone": phone, "contact_at": at.isoformat(),
            "agent_no": agent_no, "summary": summary, "score": score, "area": area}, []


def _csv_rows(stream):
    """Rows of a CSV file, read as they come: UTF-8 (with or without BOM), else GB18030 (what
    Excel writes on a Chinese Windows)."""
    for encoding in ("utf-8-sig", "gb18030"):
        stream.seek(0)
        text = io.TextIOWrapper(stream, encoding=encoding, newline="")
        try:
            reader = csv.reader(text)
            yield from ((encoding, row) for row in reader)
            return
        except UnicodeDecodeError:
            if encoding == "gb18030":
                raise FileProblem(N_("The file is not readable text. Save it as CSV UTF-8 "
                                     "or XLSX.")) from None
            yield (None, None)  # restart: tell the caller to forget what it read
        except csv.Error:
            raise FileProblem(N_("The file could not be read as CSV.")) from None
        finally:
            try:
                text.detach()  # leave the upload's stream open for the next attempt
            except ValueError:
                pass


def _xlsx_rows(stream):
    from openpyxl import load_workbook
    try:
        book = load_workbook(stream, read_only=True, data_only=True)
        sheet = book.worksheets[0]
    except Exception:  # a zip that is not a workbook, a broken one, no sheet…
        raise FileProblem(N_("The file could not be read as XLSX.")) from None
    try:
        for row in sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS):
            yield ("xlsx", list(row))
    except Exception:
        raise FileProblem(N_("The file could not be read as XLSX.")) from None
    finally:
        book.close()


def check_file(stream, filename: str, *, now: datetime) -> Checked:
    """Read and check every row of an uploaded file (a binary, seekable stream)."""
    name = (filename or "").lower()
    head = stream.read(4)
    stream.seek(0)
    if name.endswith(".xlsx") or head == b"PK\x03\x04":
        source = _xlsx_rows(stream)
    elif name.endswith((".csv", ".txt")):
        source = _csv_rows(stream)
    else:
        raise FileProblem(N_("Upload a .csv or .xlsx file."))
    try:
        return _check_rows(source, now)
    finally:
        source.close()


def _check_rows(source, now: datetime) -> Checked:
    now_local = now.replace(tzinfo=UTC).astimezone(zone()).replace(tzinfo=None)
    result, columns, seen = Checked(), None, {}
    line = 0
    for _encoding, cells in source:
        if cells is None:  # the CSV is being re-read in another encoding
            result, columns, seen, line = Checked(), None, {}, 0
            continue
        line += 1
        if columns is None:
            if not any(str(c or "").strip() for c in cells):
                continue
            columns = _columns(cells)
            continue
        if not any(str(c if c is not None else "").strip() for c in cells):
            continue  # blank lines are skipped
        result.total += 1
        if result.total > MAX_ROWS:
            raise FileProblem(N_("The file has more than %(max)d rows. Split it and import "
                                 "each part."), max=MAX_ROWS)
        row, problems = check_row(cells, columns, now_local)
        if row is not None:
            key = (row["channel"], row["phone"], row["contact_at"], row["agent_no"])
            if key in seen:
                problems = [[N_("The same contact as line %(line)d."), {"line": seen[key]}]]
                row = None
            else:
                seen[key] = line
        if row is None:
            result.problems.append([line, problems])
        else:
            result.rows.append(row)
    if columns is None:
        raise FileProblem(N_("The file is empty."))
    return result


def _known(rows: list[dict]) -> int:
    """How many of the rows are in the database already (by the natural key)."""
    C = SurveyContact
    known = 0
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start:start + CHUNK]
        keys = {(r["channel"], r["phone"], datetime.fromisoformat(r["contact_at"]),
                 r["agent_no"]) for r in chunk}
        found = db.session.execute(select(C.channel, C.phone, C.contact_at, C.agent_no).where(
            tuple_(C.channel, C.phone, C.contact_at, C.agent_no).in_(list(keys)))).all()
        known += len({tuple(f) for f in found} & keys)
    return known


def stage(stream, filename: str, *, actor: User, now: datetime) -> SurveyImport:
    """Check an uploaded file and keep its good rows for the preview. A file that cannot be
    read at all is refused with the reason (FormProblems on the file field)."""
    rules.require(actor.role, Task.WORK)
    try:
        checked = check_file(stream, filename, now=now)
    except FileProblem as exc:
        raise FormProblems({"file": (exc.message, exc.params)}) from None
    with write_transaction():
        batch = SurveyImport(filename=(filename or "")[:200], uploaded_by_id=actor.id,
                             uploaded_at=now, total_rows=checked.total,
                             good_rows=json.dumps(checked.rows, ensure_ascii=False),
                             problems=json.dumps(checked.problems, ensure_ascii=False),
                             known_rows=_known(checked.rows))
        db.session.add(batch)
        db.session.flush()
        audit.record("survey_import_check", actor=actor, now=now, note=batch.filename,
                     detail={"import": batch.id, "rows": checked.total,
                             "good": len(checked.rows), "bad": len(checked.problems)})
    return batch


def get_batch(batch_id: int, *, actor: User) -> SurveyImport:
    """A checked file, for its preview."""
    rules.require(actor.role, Task.WORK)
    return _load(batch_id)


def _load(batch_id: int) -> SurveyImport:
    batch = db.session.get(SurveyImport, batch_id)
    if batch is None:
        raise NotFound("No such import.")
    return batch


def problems_of(batch: SurveyImport) -> list:
    return json.loads(batch.problems or "[]")


def good_count(batch: SurveyImport) -> int:
    return len(json.loads(batch.good_rows or "[]"))


def confirm(batch_id: int, *, actor: User, now: datetime) -> int:
    """Import the good rows of a checked file; returns how many contacts were added (rows
    already in the database are skipped by the UNIQUE natural key)."""
    rules.require(actor.role, Task.WORK)
    with write_transaction():
        batch = _load(batch_id)
        if batch.imported_at is not None:
            raise InvalidTransition(N_("This file has been imported already."))
        rows = json.loads(batch.good_rows or "[]")
        insert = pg_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
        statement = insert(SurveyContact.__table__).on_conflict_do_nothing()
        for start in range(0, len(rows), CHUNK):
            values = []
            for r in rows[start:start + CHUNK]:
                at = datetime.fromisoformat(r["contact_at"])
                values.append({
                    "version": 1, "channel": r["channel"], "phone": r["phone"],
                    "contact_at": at, "agent_no": r["agent_no"], "summary": r["summary"],
                    "score": r["score"], "import_id": batch.id, "ticket_id": None,
                    "created_by_id": actor.id, "created_at": now, "needs_survey": True,
                    "needs_callback": None, "hold_note": "", "chase_count": 0,
                    "business_result": "", "tracking": False, "area": r.get("area", ""),
                    "customer_name": "", **dates_for(at)})
            if values:
                db.session.execute(statement, values)
        added = db.session.scalar(select(func.count(SurveyContact.id)).where(
            SurveyContact.import_id == batch.id)) or 0
        batch.imported_at, batch.imported_count = now, added
        audit.record("survey_import", actor=actor, now=now, note=batch.filename,
                     detail={"import": batch.id, "added": added, "rows": len(rows)})
    return added
