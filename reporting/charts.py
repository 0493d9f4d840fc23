"""The report's charts, drawn once per render with matplotlib (imported lazily).

Chinese labels use Noto Sans CJK SC from the ``mplfonts`` wheel, loaded by file path
(``font_manager.addfont``): no system font and no download, so a fresh machine renders the same
glyphs. :func:`render_all` draws every chart to PNG bytes once; Markdown and Excel use the PNG
files, the HTML embeds them as base64. Missing-glyph warnings are collected and returned, so
tests (and the report asset) can refuse tofu boxes.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Sequence
from datetime import date
from functools import cache
from typing import Any

from reporting.fonts import cjk_font_path
from reporting.model import Chart

UP, DOWN, GREY, BLUE, ORANGE = "#d62728", "#2e8b57", "#9e9e9e", "#1f5fa8", "#e07b00"
DPI = 110


@cache
def _font_rc() -> dict[str, Any]:
    from matplotlib import font_manager

    path = cjk_font_path()
    font_manager.fontManager.addfont(str(path))
    family = font_manager.FontProperties(fname=str(path)).get_name()
    return {
        "font.family": "sans-serif",
        "font.sans-serif": [family, "DejaVu Sans"],
        "axes.unicode_minus": False,
        "font.size": 9,
        "axes.titlesize": 10.5,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.grid": True,
        "grid.color": "#e6e6e6",
        "grid.linewidth": 0.6,
        "legend.frameon": False,
        "svg.fonttype": "none",
    }


def render(chart: Chart) -> list[str]:
    """Draw one chart into ``chart.png``; return the missing-glyph warnings raised while drawing."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    with matplotlib.rc_context(_font_rc()), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig = Figure(figsize=chart.size, dpi=DPI)
        FigureCanvasAgg(fig)
        left, right, top, bottom = chart.margins
        fig.subplots_adjust(left=left, right=right, top=top, bottom=bottom, hspace=0.45)
        chart.draw(fig)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", metadata={"Software": None})
    chart.png = buffer.getvalue()
    return [str(w.message) for w in caught if "glyph" in str(w.message).lower()]


def render_all(charts: Sequence[Chart]) -> list[str]:
    problems: list[str] = []
    for chart in charts:
        problems += render(chart)
    return problems


# --------------------------------------------------------------------------- helpers


def _bar_colours(values: Sequence[float]) -> list[str]:
    return [UP if v >= 0 else DOWN for v in values]


def _label_bars(ax: Any, bars: Any, values: Sequence[float], digits: int = 1) -> None:
    for bar, value in zip(bars, values, strict=True):
        ax.annotate(
            f"{value:.{digits}f}",
            (bar.get_x() + bar.get_width() / 2, value),
            xytext=(0, 2 if value >= 0 else -9),
            textcoords="offset points",
            ha="center",
            fontsize=7,
            color="#444444",
        )


def _week_label(week_id: str) -> str:
    return week_id[5:] if len(week_id) > 5 else week_id  # 「W15」


# --------------------------------------------------------------------------- charts


def flows_chart(weekly: list[dict[str, Any]], week_id: str) -> Chart | None:
    """Northbound and margin financing net buying by week (the recent weeks up to ``week_id``)."""
    flows = (("northbound_net_buy", "北向资金净买入"), ("margin_financing_net_buy", "融资净买入（Δ融资余额）"))
    if not weekly:
        return None

    def draw_weekly(fig: Any) -> None:
        import numpy as np

        weeks = sorted({r["week_id"] for r in weekly})
        ax = fig.subplots()
        x = np.arange(len(weeks))
        width = 0.38
        for i, (flow, label) in enumerate(flows):
            by_week = {r["week_id"]: r["value"] for r in weekly if r["flow"] == flow}
            ys = [by_week.get(w) or 0.0 for w in weeks]
            bars = ax.bar(x + (i - 0.5) * width, ys, width, label=label, color=(BLUE, ORANGE)[i])
            _label_bars(ax, bars, ys)
        ax.axhline(0, color="#666666", linewidth=0.6)
        ax.set_xticks(x, [_week_label(w) for w in weeks])
        ax.set_ylabel("亿元")
        ax.set_title(f"北向与融资资金周度净买入（近{len(weeks)}周，截至{week_id}）", loc="left", pad=22)
        ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncols=2, fontsize=8, borderaxespad=0.2)

    return Chart("flows_weekly", "北向与融资资金周度净买入", draw_weekly, margins=(0.09, 0.98, 0.8, 0.1))


def pe_chart(history: list[dict[str, Any]], week_id: str) -> Chart | None:
    """All-A PE(TTM) by week with the 20–80 % band, median and the week's percentile."""
    points = sorted((r["value_date"] or r["week_end"], r["pe_ttm"]) for r in history if r.get("pe_ttm") is not None)
    if len(points) < 2:
        return None
    current = next((r for r in history if r["week_id"] == week_id), None)

    def draw(fig: Any) -> None:
        import numpy as np

        xs, ys = zip(*points, strict=True)
        values = np.array(ys, dtype=float)
        p20, p50, p80 = np.percentile(values, [20, 50, 80])
        ax = fig.subplots()
        ax.axhspan(p20, p80, color=BLUE, alpha=0.08, label=f"20%–80%分位区间（{p20:.1f}–{p80:.1f}）")
        ax.axhline(p50, color=GREY, linestyle="--", linewidth=0.9, label=f"中位数 {p50:.1f}")
        ax.plot(xs, values, color=BLUE, linewidth=1.2, label="中证全指PE(TTM)")
        last_x, last_y = xs[-1], values[-1]
        ax.scatter([last_x], [last_y], color=UP, zorder=3, s=18)
        pctile = current.get("pe_ttm_pctile_all") if current else None
        text = f"{last_y:.2f}" + (f"（历史{pctile:.2f}%分位）" if pctile is not None else "")
        ax.annotate(
            text,
            (last_x, last_y),
            xytext=(-10, -16),
            textcoords="offset points",
            ha="right",
            fontsize=8,
            color=UP,
            bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "none", "alpha": 0.85},
        )
        ax.set_title(f"全部A股PE(TTM)历史走势与分位区间（截至{week_id}）", loc="left")
        ax.legend(loc="upper left", fontsize=7.5)

    return Chart("pe_history", "全部A股PE(TTM)历史走势与分位区间", draw)


def partners_chart(rows: list[dict[str, Any]], month: date | None) -> Chart | None:
    rated = [r for r in rows if r.get("yoy_pct") is not None]
    if not rated or month is None:
        return None
    rated.sort(key=lambda r: r["yoy_pct"])

    def draw(fig: Any) -> None:
        import numpy as np

        ax = fig.subplots()
        y = np.arange(len(rated))
        h = 0.38
        now = [r["yoy_pct"] for r in rated]
        before = [r.get("yoy_pct_prev") or 0.0 for r in rated]
        from matplotlib.patches import Patch

        ax.barh(y + h / 2, now, h, color=_bar_colours(now))
        ax.barh(y - h / 2, before, h, color=GREY, alpha=0.6)
        for yi_, v in zip(y, now, strict=True):
            ax.annotate(
                f"{v:.2f}",
                (v, yi_ + h / 2),
                xytext=(3 if v >= 0 else -3, 0),
                textcoords="offset points",
                va="center",
                ha="left" if v >= 0 else "right",
                fontsize=7,
            )
        ax.set_yticks(y, [r["name"] for r in rated])
        ax.axvline(0, color="#666666", linewidth=0.6)
        ax.set_xlabel("出口同比（%）")
        ax.set_title(f"{month.year}年{month.month}月对主要国家/地区出口同比（与上月对比）", loc="left")
        handles = [
            Patch(color=UP, label=f"{month.month}月（正增长）"),
            Patch(color=DOWN, label=f"{month.month}月（负增长）"),
            Patch(color=GREY, alpha=0.6, label="上月"),
        ]
        ax.legend(handles=handles, loc="lower right", fontsize=7.5)

    return Chart("exports_partners", "对主要国家/地区出口同比", draw, size=(7.2, 3.8), margins=(0.12, 0.97, 0.9, 0.12))


def cycle_chart(history: list[dict[str, Any]], series: Sequence[tuple[str, str]], month: date | None) -> Chart | None:
    """Yoy of autos and excavators (and what else ``series`` names) by month."""
    lines = []
    for code, label in series:
        points = sorted(
            (r["month"], r["yoy_pct"]) for r in history if r["code"] == code and r.get("yoy_pct") is not None
        )
        if points:
            lines.append((label, points))
    if not lines or month is None:
        return None

    def draw(fig: Any) -> None:
        import matplotlib.dates as mdates

        ax = fig.subplots()
        palette = (BLUE, ORANGE, UP, "#7b3fa0", DOWN)
        for i, (label, points) in enumerate(lines):
            xs, ys = zip(*points, strict=True)
            ax.plot(xs, ys, marker="o", markersize=2.5, linewidth=1.3, color=palette[i % len(palette)], label=label)
            ax.annotate(
                f"{ys[-1]:.2f}",
                (xs[-1], ys[-1]),
                xytext=(4, 0),
                textcoords="offset points",
                fontsize=7,
                va="center",
                color=palette[i % len(palette)],
            )
        ax.axhline(0, color="#666666", linewidth=0.6)
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%y-%m"))
        ax.set_ylabel("同比（%）")
        ax.set_title(f"汽车与挖掘机销量同比（截至{month.year}年{month.month}月）", loc="left", pad=22)
        ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncols=len(lines), fontsize=7.5, borderaxespad=0.2)

    return Chart("autos_excavators_yoy", "汽车与挖掘机销量同比", draw, margins=(0.09, 0.93, 0.8, 0.1))


def industries_chart(rows: list[dict[str, Any]], week_id: str) -> Chart | None:
    rated = sorted((r for r in rows if r.get("weekly_return_pct") is not None), key=lambda r: r["weekly_return_pct"])
    if not rated:
        return None

    def draw(fig: Any) -> None:
        ax = fig.subplots()
        values = [r["weekly_return_pct"] for r in rated]
        ax.bar(range(len(rated)), values, color=_bar_colours(values))
        ax.set_xticks(range(len(rated)), [r["name"] for r in rated], rotation=90, fontsize=7.5)
        ax.axhline(0, color="#666666", linewidth=0.6)
        ax.set_ylabel("周涨跌幅（%）")
        ax.set_title(f"申万一级行业周涨跌幅（{week_id}）", loc="left")

    return Chart("industry_returns", "申万一级行业周涨跌幅", draw, size=(7.2, 3.4), margins=(0.08, 0.99, 0.9, 0.24))


def gold_real_rate_chart(history: list[dict[str, Any]], week_id: str) -> Chart | None:
    """COMEX gold (left axis) against the US real-rate proxy on an inverted right axis, by week: the
    note's argument that gold moves against US real rates."""
    gold = sorted(
        (r["week_end"], r["value"]) for r in history if r["indicator"] == "gold_usd" and r["value"] is not None
    )
    real = sorted(
        (r["week_end"], r["value"]) for r in history if r["indicator"] == "real_rate_proxy" and r["value"] is not None
    )
    if len(gold) < 2 or len(real) < 2:
        return None

    def draw(fig: Any) -> None:
        import matplotlib.dates as mdates

        ax = fig.subplots()
        xs, ys = zip(*gold, strict=True)
        ax.plot(xs, ys, color=ORANGE, linewidth=1.3, label="COMEX黄金（美元/盎司，左轴）")
        ax.set_ylabel("美元/盎司")
        right = ax.twinx()
        right.spines["right"].set_visible(True)
        right.grid(False)
        rx, ry = zip(*real, strict=True)
        right.plot(rx, ry, color=BLUE, linewidth=1.1, label="美国实际利率代理（%，右轴，逆序）")
        right.invert_yaxis()
        right.set_ylabel("%（逆序）")
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y-%m"))
        handles = ax.get_legend_handles_labels()[0] + right.get_legend_handles_labels()[0]
        labels = ax.get_legend_handles_labels()[1] + right.get_legend_handles_labels()[1]
        ax.legend(handles, labels, loc="lower left", bbox_to_anchor=(0, 1.0), ncols=2, fontsize=8, borderaxespad=0.2)
        ax.set_title(
            f"黄金与美国实际利率代理（10年期收益率−CPI同比，逆序）（近{len(gold)}周，截至{week_id}）",
            loc="left",
            pad=22,
        )

    return Chart("gold_real_rate", "黄金与美国实际利率代理（逆序）", draw, margins=(0.09, 0.9, 0.8, 0.1))
