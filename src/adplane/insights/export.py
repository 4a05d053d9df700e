"""Write a report's tables as XLSX (one sheet per table) and CSV (sections), and the SLS PDF.

CSV layout: for each table a line `# <table name>`, its header row, its rows, then an empty
line. `read_csv_sections` reads it back.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from adplane.insights.content import ReportContent, Table


def write_xlsx(content: ReportContent, path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for table in content.tables:
        sheet = book.create_sheet(title=table.name[:31])
        sheet.append(table.columns)
        for row in table.rows:
            sheet.append(row)
    book.save(path)


def write_csv(content: ReportContent, path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        for table in content.tables:
            writer.writerow([f"# {table.name}"])
            writer.writerow(table.columns)
            writer.writerows(table.rows)
            writer.writerow([])


def read_csv_sections(text: str) -> dict[str, list[dict[str, str]]]:
    sections: dict[str, list[dict[str, str]]] = {}
    header: list[str] | None = None
    name = ""
    for row in csv.reader(io.StringIO(text)):
        if not row:
            header = None
            continue
        if len(row) == 1 and row[0].startswith("# ") and header is None:
            name = row[0][2:]
            sections[name] = []
            continue
        if header is None:
            header = row
            continue
        sections[name].append(dict(zip(header, row, strict=False)))
    return sections


def read_xlsx(path: Path) -> dict[str, list[dict[str, Any]]]:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True)
    out: dict[str, list[dict[str, Any]]] = {}
    for sheet in book.worksheets:
        rows = list(sheet.iter_rows(values_only=True))
        out[sheet.title] = [dict(zip(rows[0], r, strict=False)) for r in rows[1:]] if rows else []
    return out


def _trend_chart(table: Table) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    weeks = [r[0] for r in table.rows]
    fig, ax = plt.subplots(figsize=(7, 3.2), dpi=100)
    ax.plot(range(len(weeks)), [r[1] for r in table.rows], label="Exposed", color="#1f77b4")
    ax.plot(range(len(weeks)), [r[2] for r in table.rows], label="Matched control", color="#ff7f0e")
    step = max(1, len(weeks) // 8)
    ax.set_xticks(range(0, len(weeks), step))
    ax.set_xticklabels(weeks[::step], rotation=30, fontsize=7)
    ax.set_ylabel("Mean weekly prescriptions")
    ax.legend(fontsize=8)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    return buffer.getvalue()


def _lift_chart(rows: list[list[Any]]) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    labels = [str(r[1] or r[0]) for r in rows]
    lifts = [100 * r[9] for r in rows]
    errors = [[100 * (r[9] - r[10]) for r in rows], [100 * (r[11] - r[9]) for r in rows]]
    fig, ax = plt.subplots(figsize=(7, 3.0), dpi=100)
    ax.bar(range(len(rows)), lifts, yerr=errors, capsize=4, color="#2ca02c")
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set_xticks(range(len(rows)))
    ax.set_xticklabels(labels, fontsize=8)
    ax.set_ylabel("Lift (%) with 95% CI")
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    return buffer.getvalue()


def write_sls_pdf(content: ReportContent, title: str, path: Path) -> None:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import letter
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import inch
    from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Spacer
    from reportlab.platypus import Table as PdfTable

    styles = getSampleStyleSheet()
    story: list[Any] = [Paragraph(f"ScriptLift Study: {title}", styles["Title"])]
    lift_rows = [r for t in content.tables if t.name in ("Brand Lift", "Competitor Lift") for r in t.rows]
    brand = content.summary.get("brand", {})
    story.append(Paragraph(
        f"Exposed prescribers: {brand.get('exposedPrescribers')}; matched controls: "
        f"{brand.get('controlPrescribers')}. Lift {100 * brand.get('lift', 0):.1f}% "
        f"(95% CI {100 * brand.get('liftCiLow', 0):.1f}% to {100 * brand.get('liftCiHigh', 0):.1f}%), "
        f"incremental prescriptions {brand.get('incrementalPrescriptions')}.", styles["Normal"]))
    story.append(Spacer(1, 0.2 * inch))
    if lift_rows:
        story.append(Image(io.BytesIO(_lift_chart(lift_rows)), width=7 * inch, height=3 * inch))
        data = [["Concept group", "Exposed", "Lift", "95% CI", "Incremental"]] + [
            [str(r[1] or r[0]), r[2], f"{100 * r[9]:.1f}%", f"{100 * r[10]:.1f}% .. {100 * r[11]:.1f}%", r[12]]
            for r in lift_rows]
        grid = PdfTable(data)
        grid.setStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                       ("BACKGROUND", (0, 0), (-1, 0), colors.lightgrey)])
        story.append(grid)
    for table in content.tables:
        if table.name == "Weekly Trend" and table.rows:
            story.append(Spacer(1, 0.2 * inch))
            story.append(Paragraph("Weekly prescribing: exposed vs matched control", styles["Heading2"]))
            story.append(Image(io.BytesIO(_trend_chart(table)), width=7 * inch, height=3.2 * inch))
    SimpleDocTemplate(str(path), pagesize=letter, title=title).build(story)
