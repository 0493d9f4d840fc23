"""Curated files as Excel workbooks: `warehouse ingest --file x.xlsx` and the inbox take them directly.

A workbook lands exactly what the same table saved as CSV lands; its cells read as Excel shows
them where that matters for text (dates, months, zero-padded codes, percentages); a bad value is
reported by file, line (= worksheet row) and column like a CSV's; a workbook that is not one
table is refused naming the file, sheet and row or column; the inbox sensor lands workbooks and
leaves Excel's lock files (``~$name.xlsx``) alone.
"""

from __future__ import annotations

import shutil
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb
import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from cli.commands import main
from expectations.adapter import check_source
from ground.settings import Paths
from ground.time_zone import SHANGHAI
from ingestion.files import ingest_file, is_landable
from ingestion.landing import list_loads, read_load
from ingestion.registry import get_source
from ingestion.spreadsheets import cell_text
from ingestion.templates import NOTES_SHEET, TEMPLATES_DIR

pytestmark = [
    pytest.mark.integration,
    pytest.mark.usefixtures("prepared_dbt_manifest"),
]  # these tests load orchestration.definitions

CAAM_ROWS = [
    ["2023-03", "汽车", 258.38, 245.1, 15.3, 9.7, 619.7, 607.67, -2.4, -3.9],
    ["2023-03", "中国品牌乘用车", None, 105.16, None, 16.4, None, None, None, None],
]


def filled_template(name: str, rows: list[list[object]], path: Path, formats: dict[str, str] | None = None) -> Path:
    """The committed template of ``name``, filled row by row as an analyst types them."""
    workbook = openpyxl.load_workbook(TEMPLATES_DIR / f"{name}.xlsx")
    sheet = workbook[name]
    for row in rows:
        sheet.append(row)
    for cell, number_format in (formats or {}).items():
        sheet[cell].number_format = number_format
    workbook.save(path)
    return path


def as_csv(rows: list[list[object]], name: str, path: Path) -> Path:
    header = get_source(name).column_names
    pd.DataFrame(rows, columns=header).to_csv(path, index=False, encoding="utf-8")
    return path


def test_the_xlsx_templates_name_the_source_sheet_and_keep_text_as_text() -> None:
    for name in ("caam_autos", "planned_reductions", "taiwan_monthly_revenue"):
        workbook = openpyxl.load_workbook(TEMPLATES_DIR / f"{name}.xlsx")
        assert workbook.sheetnames == [name, NOTES_SHEET]
        sheet = workbook[name]
        source = get_source(name)
        assert [c.value for c in sheet[1]] == source.column_names and sheet.max_row == 1
        formats = {
            c.name: sheet.column_dimensions[chr(ord("A") + i)].number_format for i, c in enumerate(source.columns)
        }
        for column in source.columns:
            expected = {"string": "@", "date": "yyyy-mm-dd", "float": "General", "int": "0"}[column.type]
            assert formats[column.name] == expected, (name, column.name)
        notes = [r[0] for r in workbook[NOTES_SHEET].iter_rows(min_row=5, values_only=True)]
        assert notes == source.column_names


def test_a_filled_workbook_lands_what_the_same_csv_lands(tmp_path: Path) -> None:
    source = get_source("caam_autos")
    workbook = filled_template("caam_autos", CAAM_ROWS, tmp_path / "caam_autos_2023-03.xlsx")
    csv = as_csv(CAAM_ROWS, "caam_autos", tmp_path / "caam_autos_2023-03.csv")
    moment = datetime(2023, 4, 11, 16, 0, tzinfo=SHANGHAI)
    from_xlsx = ingest_file(source, workbook, available_at=moment, root=tmp_path / "a").load
    from_csv = ingest_file(source, csv, available_at=moment, root=tmp_path / "b").load
    assert from_xlsx.file_name == "caam_autos_2023-03.xlsx" and from_xlsx.rows == 2
    assert from_xlsx.content_hash == from_csv.content_hash and from_xlsx.columns == from_csv.columns
    pd.testing.assert_frame_equal(read_load(from_xlsx), read_load(from_csv))
    assert (from_xlsx.period_min, from_xlsx.period_max) == ("2023-03-01", "2023-03-01")


@pytest.mark.parametrize(
    ("value", "number_format", "text"),
    [
        (datetime(2023, 3, 1), "yyyy-mm", "2023-03"),  # a month typed into a date-formatted cell
        (datetime(2023, 3, 1), "mmm-yy", "2023-03"),  # Excel's own format for a typed 2023-03
        (datetime(2023, 3, 1), 'yyyy"年"m"月"', "2023-03"),
        (datetime(2023, 4, 14), "yyyy-mm-dd", "2023-04-14"),
        (datetime(2023, 4, 14), "m/d/yy", "2023-04-14"),
        (datetime(2023, 4, 14, 15, 30), "yyyy-mm-dd hh:mm", "2023-04-14 15:30:00"),
        (date(2023, 4, 14), "General", "2023-04-14"),
        (1, "000000", "000001"),  # a stock code typed as a number, shown zero-padded
        (600519, "General", "600519"),
        (3.0, "General", "3"),
        (258.38, "General", "258.38"),
        (0.125, "0.0%", "12.5%"),  # what the cell shows; a numeric column rejects it, naming it
        (True, "General", "TRUE"),
        ("约258", "@", "约258"),
        (None, "General", ""),
    ],
)
def test_cells_read_as_excel_shows_them(value: object, number_format: str, text: str) -> None:
    assert cell_text(value, number_format) == text


def test_cells_typed_in_excel_land_as_the_registry_types(tmp_path: Path) -> None:
    rows = [[datetime(2023, 4, 14), 1, "平安银行", "某投资有限公司", 120.5, 0.96, 12.3]]
    path = filled_template("planned_reductions", rows, tmp_path / "reductions.xlsx", {"B2": "000000"})
    frame = read_load(ingest_file(get_source("planned_reductions"), path, root=tmp_path / "landing").load)
    assert frame.loc[0, "公告日期"] == date(2023, 4, 14) and frame.loc[0, "股票代码"] == "000001"
    months = [[datetime(2023, 3, 1), "2330", "台积电", "半导体", 1454.9, -15.4]]
    path = filled_template("taiwan_monthly_revenue", months, tmp_path / "tw.xlsx", {"A2": "mmm-yy"})
    frame = read_load(ingest_file(get_source("taiwan_monthly_revenue"), path, root=tmp_path / "landing").load)
    assert frame.loc[0, "月份"] == "2023-03" and frame.loc[0, "公司代码"] == "2330"


def test_a_bad_value_in_a_workbook_is_named_by_file_line_and_column(warehouse_home: Paths, tmp_path: Path) -> None:
    rows = [*CAAM_ROWS, ["2023-03", "乘用车", "约220", 210.0, 8.2, 0.125, 520.0, 515.0, 1.0, 2.0]]
    path = filled_template("caam_autos", rows, tmp_path / "caam_autos_2023-03.xlsx", {"F4": "0.0%"})
    result = CliRunner().invoke(
        main, ["ingest", "caam_autos", "--file", str(path), "--available-at", "2023-04-11T16:00+08:00"]
    )
    assert result.exit_code == 0 and "Landed 3 rows" in result.output, result.output
    source = get_source("caam_autos")
    moment = datetime.fromisoformat("2023-04-14T20:00+08:00")
    with duckdb.connect(str(warehouse_home.working_db)) as con:
        outcome = check_source(source, list_loads(source="caam_autos"), con=con, reference=moment, as_of=moment)
    assert not outcome.passed
    by_column = {f.column: f for f in outcome.failures if f.check == "expect_column_values_to_be_in_type_list"}
    assert set(by_column) == {"产量", "销量同比"}
    assert by_column["产量"].rows == [
        {
            "load_id": outcome.verdicts[0].load_id,
            "row": 3,
            "file": path.name,
            "line": 4,
            "column": "产量",
            "value": "约220",
        }
    ]
    assert "caam_autos_2023-03.xlsx line 4 (产量='约220')" in by_column["产量"].sentence()
    assert "caam_autos_2023-03.xlsx line 4 (销量同比='12.5%')" in by_column["销量同比"].sentence()


def _workbook(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    workbook.save(path)
    return path


HEADER = get_source("caam_autos").column_names
ROW = CAAM_ROWS[0]


@pytest.mark.parametrize(
    ("case", "make", "message"),
    [
        ("not_a_workbook", lambda p: p.write_text("月份,类别\n", encoding="utf-8"), "not a readable .xlsx workbook"),
        ("old_format", None, "the old Excel format (.xls) is not read; save the workbook as .xlsx or CSV"),
        (
            "two_sheets",
            lambda p: _workbook(p, {"Sheet1": [HEADER, ROW], "notes": [["x"]]}),
            "the workbook has sheets ['Sheet1', 'notes']; name the sheet to land 'caam_autos'",
        ),
        ("empty_sheet", lambda p: _workbook(p, {"caam_autos": []}), "(sheet 'caam_autos'): the sheet is empty"),
        (
            "empty_row_inside",
            lambda p: _workbook(p, {"caam_autos": [HEADER, ROW, [], ROW]}),
            "(sheet 'caam_autos') line 3: an empty row inside the table; delete it",
        ),
        (
            "value_without_header",
            lambda p: _workbook(p, {"caam_autos": [HEADER, [*ROW, None, "备注"]]}),
            "line 2: column L holds a value but has no header in line 1",
        ),
        (
            "repeated_header",
            lambda p: _workbook(p, {"caam_autos": [[*HEADER, "产量"], [*ROW, 1.0]]}),
            "line 1: the header '产量' appears twice (columns C and K)",
        ),
    ],
)
def test_a_workbook_that_is_not_one_table_is_refused_naming_the_place(
    warehouse_home: Paths, tmp_path: Path, case: str, make: object, message: str
) -> None:
    path = tmp_path / ("caam_autos.xls" if case == "old_format" else f"{case}.xlsx")
    if make is None:
        path.write_bytes(b"\xd0\xcf\x11\xe0")
    else:
        make(path)
    result = CliRunner().invoke(main, ["ingest", "caam_autos", "--file", str(path)])
    assert result.exit_code == 1, result.output
    assert result.output.startswith(f"Error: {path}"), result.output
    assert message in result.output
    assert list_loads(source="caam_autos") == []


def test_trailing_blank_rows_and_columns_are_not_part_of_the_table(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "caam.xlsx", {"caam_autos": [[*HEADER, None], [*ROW, None], [None] * 11, [None] * 3]})
    load = ingest_file(get_source("caam_autos"), path, root=tmp_path / "landing").load
    assert load.rows == 1 and [c for c, _ in load.columns] == HEADER


def test_the_inbox_lands_workbooks_and_leaves_excel_lock_files(warehouse_home: Paths, tmp_path: Path) -> None:
    import dagster as dg

    from orchestration.asset_keys import landing_key
    from orchestration.definitions import defs
    from orchestration.partitions import register_weeks

    month = (datetime.now(UTC).date().replace(day=1) - timedelta(days=1)).strftime("%Y-%m")  # last month: fresh
    rows = [[month, *CAAM_ROWS[0][1:]]]
    inbox = warehouse_home.inbox / "caam_autos"
    inbox.mkdir(parents=True)
    workbook = filled_template("caam_autos", rows, inbox / f"caam_autos_{month}.xlsx")
    lock = inbox / f"~${workbook.name}"
    shutil.copyfile(TEMPLATES_DIR / "caam_autos.csv", lock)  # Excel's lock file while the workbook is open
    assert is_landable(workbook) and not is_landable(lock) and not is_landable(inbox / ".hidden.xlsx")

    [sensor] = [s for s in defs.sensors if s.name == "inbox_sensor"]
    with dg.DagsterInstance.ephemeral() as instance:
        evaluation = sensor(dg.build_sensor_context(instance=instance))
        [request] = evaluation.run_requests
        assert request.asset_selection == [landing_key("caam_autos")]
        register_weeks(instance)
        assert workbook.name in request.run_key and lock.name not in request.run_key
        result = defs.resolve_job_def("weekly_build").execute_in_process(
            instance=instance,
            partition_key=request.partition_key or "2023-W15",
            asset_selection=request.asset_selection,
            raise_on_error=False,
        )
    assert result.success
    [load] = list_loads(source="caam_autos")
    assert (load.file_name, load.origin, load.rows, load.period_max) == (workbook.name, "inbox", 1, f"{month}-01")
    assert (inbox / "landed" / workbook.name).exists() and lock.exists() and not workbook.exists()
