"""Server-side SVG charts of a report: the same picture on screen, in print and in the PDF.

Each chart carries a title, a description and its data as a table, so that a
screen reader (or a reader of a black-and-white printout) gets the same facts.
Radar and bars come from pygal; pygal has no heat map, so that one is a small
grid of rectangles drawn here. Charts are embedded as ``data:`` images, which
keeps the page free of inline styles and scripts (CSP) and needs no request.
"""

import base64
from dataclasses import dataclass
from html import escape

import pygal
from django.utils.translation import gettext as _
from pygal.style import Style

from .formatting import percent
from .reports import Report, RoundTableSection

FONT = "Noto Sans, DejaVu Sans, sans-serif"
STYLE = Style(
    background="white",
    plot_background="white",
    foreground="#212529",
    foreground_strong="#212529",
    foreground_subtle="#6c757d",
    colors=("#1a4f8b", "#b35900"),
    font_family=FONT,
    label_font_size=13,
    major_label_font_size=13,
    title_font_size=16,
    legend_font_size=13,
    value_font_size=12,
    opacity=".55",
    opacity_hover=".55",
)
# Heat map colours from low to high score (colour-blind safe, with the value printed in each cell).
# Characters of a heat-map row label per line: about 7 px each at 13 px, so the label column is sized to fit.
HEATMAP_LABEL_CHARS = 36
HEAT = [(0, "#d7301f", "#ffffff"), (25, "#fc8d59", "#212529"), (50, "#fee08b", "#212529"), (75, "#91cf60", "#212529")]


@dataclass(frozen=True)
class Chart:
    title: str
    description: str
    svg: str
    headers: list[str]
    rows: list[list[str]]

    @property
    def data_uri(self) -> str:
        return "data:image/svg+xml;base64," + base64.b64encode(self.svg.encode()).decode()


def pct(value: float | None) -> str:
    return "—" if value is None else percent(value)


def _config(**kwargs) -> dict:
    return {"style": STYLE, "js": [], "disable_xml_declaration": True, "show_legend": False, **kwargs}


def radar_chart(report: Report) -> Chart:
    # No tick labels: pygal writes them along the first axis, where "100" sat on that axis's label (RT1). The rings
    # are at 25, 50, 75 and 100 %, and each axis label carries its round table's score instead.
    rings = [{"value": value, "label": ""} for value in (0, 25, 50, 75, 100)]
    chart = pygal.Radar(**_config(width=520, height=420, range=(0, 100), y_labels=rings, fill=True,
                                  show_legend=bool(report.progress), legend_at_bottom=True))
    chart.x_labels = [f"{section.code} {pct(section.score.percent)}" for section in report.round_tables]
    chart.add(report.cycle, [section.score.percent for section in report.round_tables])
    headers = [_("Round table"), _("Score %(cycle)s") % {"cycle": report.cycle}]
    previous = {}
    if report.progress:
        previous = {code: before for code, before, *_ in report.progress.round_tables}
        chart.add(report.progress.previous_label, [previous.get(section.code) for section in report.round_tables])
        headers.append(_("Score %(cycle)s") % {"cycle": report.progress.previous_label})
    rows = [
        [f"{s.code} {s.title}", pct(s.score.percent)] + ([pct(previous.get(s.code))] if report.progress else [])
        for s in report.round_tables
    ]
    return Chart(
        title=_("Score per round table"),
        description=(
            _("Radar chart: each axis is a round table, from %(low)s at the centre to %(high)s (the high road) at the "
              "edge, with rings at 25, 50 and %(ring)s. The second shape is the previous approved assessment.")
            if report.progress else
            _("Radar chart: each axis is a round table, from %(low)s at the centre to %(high)s (the high road) at the "
              "edge, with rings at 25, 50 and %(ring)s.")
        ) % {"low": percent(0), "high": percent(100), "ring": percent(75)},
        svg=chart.render(is_unicode=True),
        headers=headers,
        rows=rows,
    )


def theme_bar_chart(section: RoundTableSection) -> Chart:
    themes = section.themes
    chart = pygal.HorizontalBar(**_config(width=560, height=80 + 44 * len(themes), range=(0, 100), print_values=True,
                                          formatter=percent, y_labels=[0, 25, 50, 75, 100]))
    # Codes only: the titles are in the data table right below the chart.
    chart.x_labels = [t.code for t in reversed(themes)]
    chart.add(section.code, [t.score.percent for t in reversed(themes)])
    return Chart(
        title=_("%(code)s: score per theme") % {"code": section.code},
        description=_("Bar chart of the score of each theme of round table %(number)s, from %(low)s to %(high)s.")
        % {"number": section.number, "low": percent(0), "high": percent(100)},
        svg=chart.render(is_unicode=True),
        headers=[_("Theme"), _("Score"), _("Band")],
        rows=[[f"{t.code} {t.title}", pct(t.score.percent), t.score.band or _("Not scored")] for t in themes],
    )


def _heat_colours(value: float | None) -> tuple[str, str]:
    if value is None:
        return "#f1f3f5", "#495057"
    fill, ink = HEAT[0][1], HEAT[0][2]
    for threshold, colour, text in HEAT:
        if value >= threshold:
            fill, ink = colour, text
    return fill, ink


def _label_lines(label: str, width: int = HEATMAP_LABEL_CHARS) -> list[str]:
    """A row label cut at spaces into lines that fit the label column (a word longer than a line is cut)."""
    lines: list[str] = []
    for word in label.split():
        while len(word) > width:
            lines.append(word[:width])
            word = word[width:]
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def heatmap_chart(report: Report) -> Chart:
    """A grid drawn here: every text written into it is escaped (a code like "R&D<1" would break the SVG)."""
    columns = [section.code for section in report.round_tables]
    label_width, cell_w, line_h, top = HEATMAP_LABEL_CHARS * 7 + 16, 80, 16, 36
    labels = [_label_lines(sector) for sector, _ in report.sector_heatmap]
    heights = [max(30, 14 + line_h * len(lines)) for lines in labels]
    width = label_width + cell_w * len(columns) + 10
    height = top + sum(heights) + 10
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'font-family="{FONT}" font-size="13">'
    ]
    for i, code in enumerate(columns):
        x = label_width + cell_w * i + cell_w / 2
        parts.append(f'<text x="{x}" y="{top - 12}" text-anchor="middle" font-weight="700" fill="#212529">'
                     f'{escape(code)}</text>')
    y = top
    for (sector, values), lines, cell_h in zip(report.sector_heatmap, labels, heights):
        first = y + cell_h / 2 - line_h * (len(lines) - 1) / 2 + 5
        tspans = "".join(f'<tspan x="{label_width - 8}" y="{first + line_h * n}">{escape(line)}</tspan>'
                         for n, line in enumerate(lines))
        parts.append(f'<text text-anchor="end" fill="#212529">{tspans}</text>')
        for i, value in enumerate(values):
            fill, ink = _heat_colours(value)
            x = label_width + cell_w * i
            parts.append(f'<rect x="{x + 1}" y="{y + 1}" width="{cell_w - 2}" height="{cell_h - 2}" fill="{fill}"/>')
            parts.append(f'<text x="{x + cell_w / 2}" y="{y + cell_h / 2 + 5}" text-anchor="middle" fill="{ink}">'
                         f'{pct(value)}</text>')
        y += cell_h
    parts.append("</svg>")
    return Chart(
        title=_("Policy sectors × round tables"),
        description=_("Heat map of the score of each policy sector in each round table: red is low, green is high, "
                      "grey means no scored criterion; the value is printed in every cell."),
        svg="".join(parts),
        headers=[_("Policy sector"), *columns],
        rows=[[sector, *(pct(v) for v in values)] for sector, values in report.sector_heatmap],
    )


def report_charts(report: Report) -> dict:
    return {
        "radar": radar_chart(report),
        "themes": {section.code: theme_bar_chart(section) for section in report.round_tables},
        "heatmap": heatmap_chart(report),
    }
