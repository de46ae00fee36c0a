"""Spreadsheet exports: the .xlsx (a zip of XML parts) is written row by row into a temporary
file as the rows come, so the row count does not grow the process. Strings are inline text
cells (never formulas), numbers are numbers, the header row is bold.

openpyxl's write-only mode spends most of an export in its pure-Python XML writer; writing
the sheet XML directly keeps an export of 100,000 rows well inside gunicorn's 30-second
worker timeout (measured in docs/decisions.md)."""
import re
import tempfile
from itertools import chain, islice
from datetime import date, datetime, time
# escape() writes XML text; nothing here parses XML (bandit B406 is about parsing).
from xml.sax.saxutils import escape  # nosec B406
from zipfile import ZIP_DEFLATED, ZipFile

from flask import send_file

MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: Characters XML 1.0 does not allow (a spreadsheet would not open); dropped from text.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
#: Characters a sheet name may not hold (Excel refuses the file).
_NOT_IN_TITLE = re.compile(r"[\\*?:/\[\]]")
_EPOCH = datetime(1899, 12, 30)

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
    'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.styles+xml"/></Types>')
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="{name}" sheetId="1" r:id="rId1"/></sheets>'
    # Printed, the header row repeats on every page.
    '<definedNames><definedName name="_xlnm.Print_Titles" localSheetId="0">'
    "'{name}'!$1:$1</definedName></definedNames></workbook>")
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/styles" Target="styles.xml"/></Relationships>')
# Cell styles: 0 plain, 1 bold (the header), 2 a date, 3 a date and time.
_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd h:mm:ss"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
    '</cellStyleXfs><cellXfs count="4">'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/>'
    '</cellStyles></styleSheet>')
#: The sheet opens with its header row frozen, and prints on A4 landscape, fitted to the
#: page's width (as many pages down as it takes).
_SHEET_START = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>'
    '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
    'activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>')
_SHEET_END = ('</sheetData><pageMargins left="0.4" right="0.4" top="0.5" bottom="0.5" '
              'header="0.3" footer="0.3"/><pageSetup paperSize="9" orientation="landscape" '
              'fitToWidth="1" fitToHeight="0"/></worksheet>')
#: Rows looked at to size the columns (the sheet is written as the rows come).
_SIZING_ROWS = 200
_MIN_WIDTH, _MAX_WIDTH = 6, 60


def _column(n: int) -> str:
    letters = ""
    n += 1
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _text(value: str) -> str:
    value = escape(_ILLEGAL.sub("", value))
    space = ' xml:space="preserve"' if value[:1].isspace() or value[-1:].isspace() else ""
    return f'<is><t{space}>{value}</t></is>'


def _cell(ref: str, value, style: int = 0) -> str:
    if value is None or value == "":
        return ""
    s = f' s="{style}"' if style else ""
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"{s}><v>{int(value)}</v></c>'
    if isinstance(value, int | float):
        return f'<c r="{ref}"{s}><v>{value!r}</v></c>'
    if isinstance(value, datetime):
        days = (value.replace(tzinfo=None) - _EPOCH).total_seconds() / 86400
        return f'<c r="{ref}" s="3"><v>{days!r}</v></c>'
    if isinstance(value, date):
        return f'<c r="{ref}" s="2"><v>{(value - _EPOCH.date()).days}</v></c>'
    if isinstance(value, time):
        value = value.isoformat()
    return f'<c r="{ref}" t="inlineStr"{s}>{_text(str(value))}</c>'


def _width(value) -> int:
    """Characters a value takes in a column, a CJK character counting as two."""
    if value is None:
        return 0
    if isinstance(value, datetime):
        return 19
    if isinstance(value, date):
        return 10
    text = str(value)
    longest = max(text.split("\n"), key=len) if "\n" in text else text
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in longest)


def _cols(header: list[str], sample: list[list]) -> str:
    """<cols> sized to the header and the first rows, within sensible bounds."""
    count = max([len(header), *(len(row) for row in sample)] or [1])
    widths = []
    for i in range(count):
        seen = [_width(header[i]) if i < len(header) else 0] + \
            [_width(row[i]) for row in sample if i < len(row)]
        widths.append(min(max(max(seen) + 2, _MIN_WIDTH), _MAX_WIDTH))
    return "<cols>" + "".join(f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>'
                              for i, w in enumerate(widths, start=1)) + "</cols>"


def write_xlsx(target, title: str, header: list[str], rows) -> None:
    """Write the .xlsx of `rows` (an iterable of lists) under a bold, frozen header to the
    binary file `target`, a few hundred rows at a time; the columns sized to the header and
    the first rows, A4 landscape fitted to the width, the header repeated on every page."""
    book = ZipFile(target, "w", compression=ZIP_DEFLATED)
    name = _NOT_IN_TITLE.sub("-", _ILLEGAL.sub("", str(title)))[:31].strip("'") or "Sheet"
    name = escape(name, {'"': "&quot;"})
    for part, text in (("[Content_Types].xml", _CONTENT_TYPES), ("_rels/.rels", _RELS),
                       ("xl/workbook.xml", _WORKBOOK.format(name=name)),
                       ("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS),
                       ("xl/styles.xml", _STYLES)):
        book.writestr(part, text)
    columns = [_column(i) for i in range(max(len(header), 1))]
    rows = iter(rows)
    sample = list(islice(rows, _SIZING_ROWS))
    with book.open("xl/worksheets/sheet1.xml", "w") as sheet:
        cells = "".join(_cell(f"{columns[i]}1", str(v), 1) for i, v in enumerate(header))
        lines = [_SHEET_START, _cols(header, sample), "<sheetData>",
                 f'<row r="1">{cells}</row>']
        for number, row in enumerate(chain(sample, rows), start=2):
            while len(columns) < len(row):
                columns.append(_column(len(columns)))
            cells = "".join(_cell(f"{columns[i]}{number}", v) for i, v in enumerate(row))
            lines.append(f'<row r="{number}">{cells}</row>')
            if len(lines) >= 500:
                sheet.write("".join(lines).encode())
                lines = []
        lines.append(_SHEET_END)
        sheet.write("".join(lines).encode())
    book.close()


def xlsx_response(title: str, header: list[str], rows, *, filename: str):
    """An .xlsx download of `rows` (an iterable of lists) under a bold header. The rows are
    written as they come into a temporary file, not memory, so the row count does not grow
    the process; the file is then sent."""
    spool = tempfile.TemporaryFile()
    write_xlsx(spool, title, header, rows)
    spool.seek(0)
    return send_file(spool, as_attachment=True, download_name=filename, mimetype=MIMETYPE)
