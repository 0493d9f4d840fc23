"""The bad-input matrix: every kind of bad file stops the week at its source's check.

Six sources (akshare and curated, once / per-range / per-date, text, date and compound keys)
times nine bad inputs. A warehouse is built and published once for the module; then, per case,
the bad file lands through the real CLI (`warehouse ingest`), the weekly job runs for that
source's landing asset, its check and everything downstream, and the test asserts that

* the run failed at ``landing/<source>``'s ``great_expectations`` check with severity ERROR, the
  description naming the source, the column and the failing rows (file and line);
* dbt, publishing and the report did not run, and every published file is byte-for-byte unchanged;
* landing the good file again and re-running recovers: the check passes and the quarantined bad
  load no longer reaches the landing view.

The last test runs the full weekly build once, after every source's last case has recovered,
and shows that it publishes a new version again (the representative full-build recovery for all
six sources; the per-case recoveries run the landing asset and its check only, to keep the module
within a few minutes).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from click.testing import CliRunner

from cli.commands import main
from ground.settings import Paths

from .conftest import DEMO_AS_OF, DEMO_WEEK, land_calendar, point_env_at, trading_calendar_frame

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("prepared_dbt_manifest")]

TRADING_DAYS = [d for d in trading_calendar_frame()["trade_date"]]


def _days(start: str, end: str) -> list[date]:
    first, last = date.fromisoformat(start), date.fromisoformat(end)
    return [d for d in TRADING_DAYS if first <= d <= last]


def _text(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.astype(str)


# ------------------------------------------------------------------ good frames in each raw shape


def hgjck(months: list[str]) -> pd.DataFrame:
    rows = []
    for i, m in enumerate(reversed(months)):  # newest first, as Eastmoney returns it
        exports, imports = 3.0e8 - 2e6 * i, 2.2e8 - 1e6 * i
        rows.append(
            {
                "月份": f"{m[:4]}年{m[5:7]}月份",
                "当月出口额-金额": exports,
                "当月出口额-同比增长": 8.5,
                "当月出口额-环比增长": 1.2,
                "当月进口额-金额": imports,
                "当月进口额-同比增长": -1.4,
                "当月进口额-环比增长": 0.6,
                "累计出口额-金额": exports * 3,
                "累计出口额-同比增长": 5.0,
                "累计进口额-金额": imports * 3,
                "累计进口额-同比增长": 1.0,
            }
        )
    return _text(pd.DataFrame(rows))


def ttm_lyr(days: list[date]) -> pd.DataFrame:
    rows = []
    for i, d in enumerate(days):
        pe = 30.0 + 0.01 * i
        rows.append(
            {
                "date": d.isoformat(),
                "middlePETTM": pe,
                "averagePETTM": pe * 1.5,
                "middlePELYR": pe + 1,
                "averagePELYR": pe * 1.6,
                **{
                    f"quantileIn{h}{s}": 0.35
                    for h in ("AllHistory", "Recent10Years")
                    for s in ("MiddlePeTtm", "AveragePeTtm", "MiddlePeLyr", "AveragePeLyr")
                },
                "close": 4000.0 + i,
            }
        )
    order = [
        "date", "middlePETTM", "averagePETTM", "middlePELYR", "averagePELYR",
        "quantileInAllHistoryMiddlePeTtm", "quantileInRecent10YearsMiddlePeTtm",
        "quantileInAllHistoryAveragePeTtm", "quantileInRecent10YearsAveragePeTtm",
        "quantileInAllHistoryMiddlePeLyr", "quantileInRecent10YearsMiddlePeLyr",
        "quantileInAllHistoryAveragePeLyr", "quantileInRecent10YearsAveragePeLyr", "close",
    ]  # fmt: skip
    return _text(pd.DataFrame(rows)[order])


def margin_sse(days: list[date]) -> pd.DataFrame:
    rows = []
    for i, d in enumerate(reversed(days)):  # newest first
        balance = 8.2e11 - 1e9 * i
        rows.append(
            {
                "信用交易日期": d.strftime("%Y%m%d"),
                "融资余额": balance,
                "融资买入额": 4.5e10,
                "融券余量": 7.0e9,
                "融券余量金额": 7.5e10,
                "融券卖出量": 4.0e8,
                "融资融券余额": balance + 7.5e10,
            }
        )
    return _text(pd.DataFrame(rows))


ETFS = [("510300", "沪深300ETF", 2.1e10), ("510500", "中证500ETF", 1.6e10), ("510050", "上证50ETF", 1.9e10),
        ("588000", "科创50ETF", 4.3e10), ("512010", "医药ETF", 5.4e9), ("512000", "券商ETF", 3.4e10),
        ("512070", "证券保险ETF", 1.1e9), ("512660", "军工ETF", 5.2e9), ("512400", "有色金属ETF", 3.0e9),
        ("515030", "新能源车ETF", 3.3e9), ("515700", "新能车ETF", 6.1e8)]  # fmt: skip


def etf_scale(day: date) -> pd.DataFrame:
    rows = [
        {
            "序号": i + 1,
            "基金代码": code,
            "基金简称": name,
            "ETF类型": "单市场ETF",
            "统计日期": day.isoformat(),
            "基金份额": shares,
        }
        for i, (code, name, shares) in enumerate(ETFS)
    ]
    return _text(pd.DataFrame(rows))


PARTNERS = ["俄罗斯", "东盟", "非洲", "欧盟", "美国", "日本", "中国香港", "拉丁美洲", "澳大利亚", "加拿大"]


def partners(months: list[str]) -> pd.DataFrame:
    rows = [
        {
            "月份": m,
            "国家或地区": p,
            "出口金额": 500_000.0 + 100_000 * j,
            "出口同比": 3.5,
            "进口金额": 300_000.0 + 50_000 * j,
            "进口同比": -2.0,
        }
        for m in months
        for j, p in enumerate(PARTNERS)
    ]
    return _text(pd.DataFrame(rows))


def ccma(months: list[str]) -> pd.DataFrame:
    rows = []
    for i, m in enumerate(months):
        for kind, base in (("挖掘机", 20_000), ("装载机", 10_000)):
            rows.append(
                {
                    "月份": m,
                    "机型": kind,
                    "销量": base + 100 * i,
                    "销量同比": -10.5,
                    "累计销量": (base + 100 * i) * 3,
                    "累计销量同比": -12.0,
                }
            )
    return _text(pd.DataFrame(rows))


@dataclass
class MatrixSource:
    name: str
    good: Callable[[], pd.DataFrame]
    stale: Callable[[], pd.DataFrame]
    unit_column: str  # a numeric column with a unit
    period_column: str
    stale_check: str
    params: dict[str, str] = field(default_factory=dict)

    @property
    def key(self) -> tuple[str, ...]:
        from ingestion.registry import get_source

        return get_source(self.name).key


MONTHS = ["2022-10", "2022-11", "2022-12", "2023-01", "2023-02", "2023-03"]
SOURCES = {
    s.name: s
    for s in [
        MatrixSource(
            "macro_china_hgjck", lambda: hgjck([f"2022-{m:02d}" for m in range(1, 13)] + MONTHS[3:]),
            lambda: hgjck([f"2022-{m:02d}" for m in range(1, 13)][:12]), "当月出口额-金额", "月份", "load_is_fresh",
        ),
        MatrixSource(
            "stock_a_ttm_lyr", lambda: ttm_lyr(_days("2023-02-01", "2023-04-14")),
            lambda: ttm_lyr(_days("2022-11-01", "2023-01-13")), "middlePETTM", "date", "load_is_fresh",
        ),
        MatrixSource(
            "stock_margin_sse", lambda: margin_sse(_days("2023-03-01", "2023-04-13")),
            lambda: margin_sse(_days("2023-01-03", "2023-02-14")), "融资余额", "信用交易日期", "load_is_fresh",
            params={"start_date": "20230301", "end_date": "20230413"},
        ),
        MatrixSource(
            "fund_etf_scale_sse", lambda: etf_scale(date(2023, 4, 14)), lambda: etf_scale(date(2023, 4, 7)),
            "基金份额", "统计日期", "load_holds_requested_date", params={"date": "20230414"},
        ),
        MatrixSource(
            "customs_exports_by_partner", lambda: partners(MONTHS[3:]), lambda: partners(MONTHS[:3]),
            "出口金额", "月份", "load_is_fresh",
        ),
        MatrixSource(
            "ccma_machinery", lambda: ccma(MONTHS), lambda: ccma(["2022-07", "2022-08", "2022-09", *MONTHS[:3]]),
            "销量", "月份", "load_is_fresh",
        ),
    ]
}  # fmt: skip

# ------------------------------------------------------------------ the nine bad inputs


@dataclass
class Expect:
    """What the check's description must name for one bad file."""

    checks: tuple[str, ...]
    column: str | None
    rows: list[str]  # row references (file and line or file and extent)


def bad_file(source: MatrixSource, case: str, file_name: str) -> tuple[pd.DataFrame, Expect]:
    good = source.good()
    n = len(good)
    unit, key = source.unit_column, source.key[0]
    extent = f"{file_name} ({n} rows, lines 2–{n + 1})"
    frame = good.copy()
    if case == "missing_column":
        return frame.drop(columns=[unit]), Expect(
            ("expect_table_columns_to_match_set", "column_is_missing"), unit, [extent]
        )
    if case == "renamed_column":
        renamed = frame.rename(columns={unit: unit + "(万)"})
        return renamed, Expect(("expect_table_columns_to_match_set",), unit, [extent, unit + "(万)"])
    if case == "extra_column":
        frame["备注"] = "手工录入"
        return frame, Expect(("expect_table_columns_to_match_set",), "备注", [extent])
    if case == "text_in_numeric_column":
        frame.loc[2, unit] = "1,234.5"
        return frame, Expect(("expect_column_values_to_be_in_type_list",), unit, [f"{file_name} line 4"])
    if case == "empty_frame":
        return frame.iloc[0:0], Expect(("load_is_not_empty",), None, [f"{file_name} (0 rows)"])
    if case == "duplicate_keys":
        for column in source.key:
            frame.loc[2, column] = frame.loc[1, column]
        return frame, Expect(
            ("expect_compound_columns_to_be_unique",), key, [f"{file_name} line 3", f"{file_name} line 4"]
        )
    if case == "values_x10000":
        frame[unit] = [repr(float(v) * 10_000) for v in frame[unit]]
        return frame, Expect(
            ("expect_column_values_to_be_between",), unit, [f"{file_name} line {i}" for i in (2, 3, 4)]
        )
    if case == "stale_latest_date":
        stale = source.stale()
        from ingestion.periods import parse_period_values
        from ingestion.registry import get_source

        parsed = parse_period_values(stale[source.period_column], get_source(source.name).period.format)
        line = int(parsed.idxmax()) + 2
        return stale, Expect((source.stale_check,), source.period_column, [f"{file_name} line {line}"])
    if case == "null_keys":
        frame.loc[3, key] = ""
        return frame, Expect(("expect_column_values_to_not_be_null",), key, [f"{file_name} line 5"])
    raise ValueError(case)


CASES = [
    "missing_column",
    "renamed_column",
    "extra_column",
    "text_in_numeric_column",
    "empty_frame",
    "duplicate_keys",
    "values_x10000",
    "stale_latest_date",
    "null_keys",
]

# ------------------------------------------------------------------ the module's warehouse


@dataclass
class Matrix:
    paths: Paths
    files: Path
    clock: datetime
    published: dict[str, str]
    timings: list[tuple[str, float, float]] = field(default_factory=list)

    def tick(self) -> str:
        self.clock += timedelta(minutes=1)
        return self.clock.isoformat()

    def ingest(self, source: MatrixSource, frame: pd.DataFrame, file_name: str) -> str:
        """Land ``frame`` as CSV through `warehouse ingest`; return the new load id."""
        path = self.files / file_name
        frame.to_csv(path, index=False, encoding="utf-8")
        args = ["ingest", source.name, "--file", str(path), "--available-at", self.tick()]
        for k, v in source.params.items():
            args += ["--param", f"{k}={v}"]
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 0, result.output
        assert "Landed" in result.output, result.output
        return result.output.split(" as load ", 1)[1].split(" ", 1)[0]


def serving_snapshot(p: Paths) -> dict[str, str]:
    """SHA-256 of every published file, the links and the database the serving link points at."""
    snapshot: dict[str, str] = {}
    for root, dirs, files in os.walk(p.serving, followlinks=False):
        for name in sorted(dirs + files):
            path = Path(root) / name
            rel = str(path.relative_to(p.serving))
            if path.is_symlink():
                snapshot[rel] = "-> " + os.readlink(path)
            elif path.is_file():
                snapshot[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    target = p.serving_db.resolve()
    snapshot["<serving target>"] = f"{target} {hashlib.sha256(target.read_bytes()).hexdigest()}"
    return snapshot


def run_job(selection: list[Any]) -> Any:
    """The weekly job for ``selection`` in-process (an in-memory run store: the job and its steps
    are the real ones, only Dagster's bookkeeping stays out of the home's sqlite files)."""
    import dagster as dg

    from orchestration.definitions import defs
    from orchestration.partitions import register_weeks

    job = defs.resolve_job_def("weekly_build")
    with dg.DagsterInstance.ephemeral() as instance:
        register_weeks(instance)
        return job.execute_in_process(
            partition_key=DEMO_WEEK,
            run_config={"resources": {"build": {"config": {"as_of": DEMO_AS_OF.isoformat(), "live": False}}}},
            instance=instance,
            raise_on_error=False,
            asset_selection=selection,
        )


def downstream_of(source_name: str) -> list[Any]:
    import dagster as dg

    from orchestration.asset_keys import landing_key
    from orchestration.definitions import defs

    graph = defs.resolve_asset_graph()
    return sorted(dg.AssetSelection.keys(landing_key(source_name)).downstream().resolve(graph), key=str)


def check_evaluation(result: Any, source_name: str) -> Any:
    found = [
        ev.event_specific_data
        for ev in result.all_events
        if ev.event_type_value == "ASSET_CHECK_EVALUATION"
        and ev.event_specific_data.asset_key.path == ["landing", source_name]
        and ev.event_specific_data.check_name == "great_expectations"
    ]
    assert len(found) == 1, [ev.event_type_value for ev in result.all_events]
    return found[0]


def landing_step(source_name: str) -> str:
    """The step that lands and checks a source (one per section and partitioning)."""
    import dagster as dg

    from orchestration.asset_keys import landing_key
    from orchestration.definitions import defs

    key = landing_key(source_name)
    return next(a.op.name for a in defs.assets if isinstance(a, dg.AssetsDefinition) and key in a.keys)


def started_steps(result: Any) -> set[str]:
    return {ev.step_key for ev in result.all_events if ev.event_type_value == "STEP_START"}


def view_load_ids(source_name: str) -> set[str]:
    from ground.database import working

    with working() as con:
        rows = con.execute(f'select distinct _load_id from landing."{source_name}"').fetchall()
    return {r[0] for r in rows}


def load_status(load_id: str) -> str | None:
    from ground.database import working

    with working() as con:
        row = con.execute("select status from quality.load_status where load_id = ?", [load_id]).fetchone()
    return row[0] if row else None


@pytest.fixture(scope="module")
def matrix(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Matrix]:
    """A warehouse with a good load of each matrix source, built and published for 2023-W15."""
    monkeypatch = pytest.MonkeyPatch()
    root = tmp_path_factory.mktemp("quality_matrix")
    p = point_env_at(Paths(home=root / "home", reports=root / "reports"), monkeypatch).ensure()
    files = root / "files"
    files.mkdir()
    land_calendar()
    m = Matrix(paths=p, files=files, clock=datetime.fromisoformat("2023-04-14T09:00+08:00"), published={})
    for source in SOURCES.values():
        m.ingest(source, source.good(), f"{source.name}_good_0.csv")
    result = CliRunner().invoke(main, ["build", "--week", DEMO_WEEK, "--as-of", DEMO_AS_OF.isoformat()])
    assert result.exit_code == 0, result.output
    m.published = serving_snapshot(p)
    yield m
    monkeypatch.undo()


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("source_name", list(SOURCES))
def test_bad_input_fails_at_the_source_check_and_a_good_file_recovers(
    matrix: Matrix, source_name: str, case: str
) -> None:
    import time

    from orchestration.asset_keys import landing_key

    source = SOURCES[source_name]
    file_name = f"{source_name}_{case}.csv"
    frame, expect = bad_file(source, case, file_name)
    bad_id = matrix.ingest(source, frame, file_name)

    started = time.perf_counter()
    result = run_job(downstream_of(source_name))
    bad_seconds = time.perf_counter() - started
    assert not result.success
    evaluation = check_evaluation(result, source_name)
    assert not evaluation.passed
    assert evaluation.severity.value == "ERROR"
    text = evaluation.description
    assert text.startswith(f"{source_name}:"), text
    for check in expect.checks:
        assert check in text, f"{check} not in {text}"
    if expect.column is not None:
        assert expect.column in text, text
    for row in expect.rows:
        assert row in text, f"{row!r} not in {text}"
    failures = evaluation.metadata["failures"].value
    assert any(f["check"] in expect.checks and f["severity"] == "critical" for f in failures)
    for f in failures:
        assert len(f["rows"]) <= 20
    if case in ("text_in_numeric_column", "duplicate_keys", "values_x10000", "null_keys", "stale_latest_date"):
        failing = next(f for f in failures if f["check"] in expect.checks)
        assert failing["rows"] and all(r.get("file") == file_name and r["line"] >= 2 for r in failing["rows"])
        assert failing["observed"] is not None
    # nothing downstream ran: no dbt, no publish, no report; the published files are untouched
    assert started_steps(result) == {landing_step(source_name)}
    assert serving_snapshot(matrix.paths) == matrix.published
    assert load_status(bad_id) == "failed"
    assert bad_id not in view_load_ids(source_name)

    # recovery: the good file lands again, the check passes, the bad load stays quarantined
    good_id = matrix.ingest(source, source.good(), f"{source_name}_good_after_{case}.csv")
    started = time.perf_counter()
    recovered = run_job([landing_key(source_name)])
    good_seconds = time.perf_counter() - started
    assert recovered.success
    assert check_evaluation(recovered, source_name).passed
    assert load_status(good_id) == "passed"
    visible = view_load_ids(source_name)
    assert good_id in visible and bad_id not in visible
    matrix.timings.append((f"{source_name}/{case}", bad_seconds, good_seconds))


def test_sources_lists_check_results_and_quarantined_loads(matrix: Matrix) -> None:
    result = CliRunner().invoke(main, ["sources", "--json"])
    assert result.exit_code == 0, result.output
    rows = {r["source"]: r for r in json.loads(result.stdout)}
    for name in SOURCES:
        row = rows[name]
        assert row["check_result"] in ("passed", "warning"), row
        # the build of the fixture checked each source once; the cases, when they ran in this
        # process (pytest-xdist may run them in another), checked it again
        assert row["checks_recorded"] >= (2 if matrix.timings else 1), row
        if matrix.timings:  # the cases ran in this process: their bad loads are quarantined
            assert row["quarantined_loads"], row
            assert "quarantined" in row["check_status"]
    table = CliRunner().invoke(main, ["sources"])
    line = next(x for x in table.stdout.splitlines() if x.startswith("macro_china_hgjck "))
    assert "passed" in line or "warning" in line


def test_the_full_build_publishes_again_after_recovery(matrix: Matrix) -> None:
    from ground.database import serving

    result = CliRunner().invoke(main, ["build", "--week", DEMO_WEEK, "--as-of", DEMO_AS_OF.isoformat()])
    assert result.exit_code == 0, result.output
    assert serving_snapshot(matrix.paths) != matrix.published
    with serving() as con:
        versions = con.execute("select count(*) from meta.versions").fetchone()[0]
        checks = con.execute(
            "select source, passed from quality.check_results where source in "
            "(select unnest(?::varchar[])) qualify row_number() over (partition by source order by checked_at desc) = 1",
            [list(SOURCES)],
        ).fetchall()
        exports = con.execute(
            "select value_usd_100m from marts.mart_exports_monthly "
            "where month = date '2023-03-01' and dimension = 'total' and member = 'exports'"
        ).fetchall()
    assert versions >= 2
    assert {name for name, passed in checks if passed} == set(SOURCES)
    assert exports == [(pytest.approx(3000.0),)]  # the good file's March exports, 3.0e8 千美元
    if matrix.timings:
        lines = [f"{name}: bad run {bad:.1f} s, recovery {good:.1f} s" for name, bad, good in matrix.timings]
        print("\n".join(lines))
