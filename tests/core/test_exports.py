"""The one Excel writer: text stays text, dates stay dates, the header is frozen and filtered."""

import datetime
import io
import zipfile
from decimal import Decimal

from django.utils import timezone
from openpyxl import load_workbook

from core.exports import xlsx_bytes


def sheet_of(**kwargs):
    return load_workbook(io.BytesIO(xlsx_bytes(**kwargs))).active


def test_text_that_looks_like_a_formula_is_stored_as_text():
    sheet = sheet_of(title="t", headers=["a"], rows=[['=HYPERLINK("http://x","y")'], ["+1"]])
    assert [(c.data_type, c.value) for c in (sheet["A2"], sheet["A3"])] == [
        ("s", '=HYPERLINK("http://x","y")'),
        ("s", "+1"),
    ]


def test_dates_are_dates_and_aware_times_are_local_to_the_minute(settings):
    settings.TIME_ZONE = "Asia/Shanghai"
    moment = datetime.datetime(2026, 7, 10, 1, 30, 45, tzinfo=datetime.UTC)
    with timezone.override("Asia/Shanghai"):
        sheet = sheet_of(title="t", headers=["d", "t"], rows=[[datetime.date(2026, 7, 1), moment]])
    assert (sheet["A2"].value.date(), sheet["A2"].number_format) == (
        datetime.date(2026, 7, 1),
        "yyyy-mm-dd",
    )
    assert sheet["B2"].value == datetime.datetime(2026, 7, 10, 9, 30)
    assert sheet["B2"].number_format == "yyyy-mm-dd hh:mm"


def test_decimals_are_numbers_and_empty_cells_stay_empty():
    sheet = sheet_of(title="t", headers=["h", "x"], rows=[[Decimal("1.5"), None]])
    assert (sheet["A2"].value, sheet["B2"].value) == (1.5, None)


def test_the_header_is_bold_frozen_and_filters_every_row():
    sheet = sheet_of(title="报告情况", headers=["a", "b"], rows=[[1, 2], [3, 4]], widths=[20, 8])
    assert sheet["A1"].font.b and sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:B3"
    assert sheet.column_dimensions["A"].width == 20


def test_a_sheet_title_excel_would_refuse_is_shortened_and_cleaned():
    sheet = sheet_of(title="a/b:c" + "x" * 40, headers=["a"], rows=[])
    assert sheet.title == ("abc" + "x" * 40)[:31]


def test_characters_excel_refuses_are_left_out_of_text_and_titles():
    sheet = sheet_of(
        title="心愿\x01", headers=["a\x0b"], rows=[["上门\x01理\x0b发\x1f", "行\n一\t二\ufffe"]]
    )
    assert sheet.title == "心愿" and sheet["A1"].value == "a"
    assert (sheet["A2"].value, sheet["B2"].value) == ("上门理发", "行\n一\t二")


def test_text_longer_than_an_excel_cell_is_cut_to_the_cell():
    # Excel holds at most 32,767 characters in a cell (openpyxl cuts only when reading): look
    # at what was written.
    written = zipfile.ZipFile(
        io.BytesIO(xlsx_bytes(title="t", headers=["a"], rows=[["很" * 40_000]]))
    )
    assert written.read("xl/worksheets/sheet1.xml").decode().count("很") == 32_767
