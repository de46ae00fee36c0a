"""Spreadsheet exports: openpyxl's write-only mode, rows written as they come."""
import tempfile

from flask import send_file
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font


def xlsx_response(title: str, header: list[str], rows, *, filename: str):
    """An .xlsx download of `rows` (an iterable of lists) under a bold header. The workbook
    goes to a temporary file, not memory, so the row count does not grow the process."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=str(title)[:31])
    bold = Font(bold=True)
    cells = []
    for name in header:
        cell = WriteOnlyCell(sheet, value=str(name))
        cell.font = bold
        cells.append(cell)
    sheet.append(cells)
    for row in rows:
        sheet.append(row)
    spool = tempfile.TemporaryFile()
    book.save(spool)
    spool.seek(0)
    return send_file(spool, as_attachment=True, download_name=filename,
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
