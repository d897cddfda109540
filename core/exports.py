"""Excel exports: one writer for every list a user can download.

Every string is stored as text, so a title a resident typed as `=HYPERLINK("http://…")` reaches
the staff's spreadsheet as the text they typed, never as a live formula. Dates and times are
stored as dates with a date format (times in the site's zone). The workbook is written in
openpyxl's write-only mode, so a long list costs little memory. Text Excel cannot hold (control
characters, which XML 1.0 forbids, and more than 32,767 characters in a cell) is cleaned on the
way in: a row typed before its form refused such characters still exports.
"""

from __future__ import annotations

import datetime
import io
import re
import tempfile
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.http import FileResponse, HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
# What an XML 1.0 document (an .xlsx sheet) cannot contain: C0 controls other than tab, line feed
# and carriage return (openpyxl raises IllegalCharacterError), lone surrogates and U+FFFE/U+FFFF
# (openpyxl writes them, and Excel then refuses the file).
NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Excel's limit per cell.
CELL_MAX_CHARACTERS = 32_767


def excel_text(value: str) -> str:
    """`value` as Excel can store it: characters it refuses left out, at most a cell's length."""
    return NOT_XML.sub("", value)[:CELL_MAX_CHARACTERS]


_PLAIN = frozenset({int, float, type(None)})


def _cell(sheet, value, *, bold: bool = False) -> WriteOnlyCell:
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        cell = WriteOnlyCell(sheet, value=value.replace(tzinfo=None, second=0, microsecond=0))
        cell.number_format = DATETIME_FORMAT
    elif isinstance(value, datetime.date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = DATE_FORMAT
    elif isinstance(value, Decimal):
        cell = WriteOnlyCell(sheet, value=float(value))
    elif isinstance(value, bool) or value is None or isinstance(value, int | float):
        cell = WriteOnlyCell(sheet, value=value)
    else:
        cell = WriteOnlyCell(sheet, value=excel_text(str(value)))
        # Text, whatever it starts with: no formula, no number guessed from it.
        cell.data_type = "s"
    if bold:
        cell.font = Font(bold=True)
    return cell


def xlsx_bytes(
    *,
    title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence],
    widths: Sequence[int] | None = None,
) -> bytes:
    """One sheet: a bold, frozen header row with filter buttons, then `rows` (any iterable,
    read once)."""
    out = io.BytesIO()
    xlsx_write(out, title=title, headers=headers, rows=rows, widths=widths)
    return out.getvalue()


def xlsx_write(
    out,
    *,
    title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence],
    widths: Sequence[int] | None = None,
) -> int:
    """Write the sheet of `xlsx_bytes` to the file `out`; the number of rows written. In
    write-only mode each row goes to a temporary file as it comes, so a generator of 100,000
    rows is never held in memory."""
    workbook = Workbook(write_only=True)
    # Excel refuses sheet titles over 31 characters and some punctuation.
    sheet = workbook.create_sheet(
        excel_text(str(title)).translate(str.maketrans("", "", "[]:*?/\\"))[:31]
    )
    for index, width in enumerate(widths or (), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.append([_cell(sheet, str(h), bold=True) for h in headers])
    count = 1
    for row in rows:
        # Numbers go in as they are (no formula can hide in one); the rest through _cell.
        sheet.append(
            [
                value if type(value) in _PLAIN else _cell(sheet, value)  # noqa: E721
                for value in row
            ]
        )
        count += 1
    # Excel's filter buttons on the header, over every row written (the tail is written last).
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{count}"
    workbook.save(out)
    return count - 1


def xlsx_response(*, filename: str, **sheet) -> HttpResponse:
    """An attachment `filename` holding `xlsx_bytes(**sheet)`."""
    response = HttpResponse(xlsx_bytes(**sheet), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def xlsx_stream_response(*, filename: str, **sheet) -> FileResponse:
    """An attachment `filename` of `xlsx_bytes(**sheet)` for long lists: the rows (pass an
    iterator, e.g. `queryset.iterator(chunk_size=2000)`) are written to a temporary file, which
    is then sent in chunks, so neither the rows nor the workbook are held in memory."""
    spool = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    xlsx_write(spool, **sheet)
    spool.seek(0)
    return FileResponse(spool, as_attachment=True, filename=filename, content_type=XLSX_TYPE)
