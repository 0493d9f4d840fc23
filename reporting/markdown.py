"""The report as Markdown: summary.md, and the tables-only text the Dagster asset shows."""

from __future__ import annotations

from reporting.model import Report, Section, Table


def _escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def table_lines(table: Table, *, heading: str = "###") -> list[str]:
    lines = [f"{heading} {table.title}", ""]
    if table.rows:
        lines.append("| " + " | ".join(_escape(c.label) for c in table.columns) + " |")
        lines.append("|" + "|".join("---:" if c.numeric else "---" for c in table.columns) + "|")
        for cells in table.cells():
            lines.append("| " + " | ".join(_escape(cell) for cell in cells) + " |")
    else:
        lines.append(table.empty_text)
    lines.append("")
    meta = " · ".join(x for x in (table.source, table.as_of) if x)
    if meta:
        lines += [f"*{meta}*", ""]
    for note in table.notes:
        lines += [f"注：{note}", ""]
    for warning in table.warnings:
        lines += [f"> ⚠ **数据提示**：{warning}", ""]
    return lines


def section_lines(section: Section, number: int, *, with_charts: bool = True) -> list[str]:
    lines = [f"## {number}. {section.title}", ""]
    if section.sentences:
        lines += [f"- {s}" for s in section.sentences] + [""]
    if with_charts:
        for chart in section.charts:
            lines += [f"![{chart.title}]({chart.file_name})", ""]
    for table in section.tables:
        lines += table_lines(table)
    return lines


def header_lines(report: Report) -> list[str]:
    lines = [f"# {report.title}", "", f"报告周：{report.week_id}，{report.period}", ""]
    lines += [f"数据时点：{report.cutoff.strftime('%Y-%m-%d %H:%M')}（北京时间；月度数据取此前已公布的最新月份）", ""]
    if report.banner:
        lines += [f"> ⚠ **{report.banner}**", ""]
    return lines


def render_markdown(report: Report) -> str:
    lines = header_lines(report)
    for i, section in enumerate(report.sections, start=1):
        lines += section_lines(section, i)
    lines += table_lines(report.appendix, heading="##")
    return "\n".join(lines).rstrip() + "\n"


def render_metadata_markdown(report: Report) -> str:
    """The tables and sentences without chart links (images do not resolve in the Dagster UI)."""
    lines = header_lines(report)
    for i, section in enumerate(report.sections, start=1):
        lines += section_lines(section, i, with_charts=False)
    lines += table_lines(report.appendix, heading="##")
    return "\n".join(lines).rstrip() + "\n"
