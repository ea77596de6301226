"""Server-side SVG of a comparison: one row per item, the middle half of the governments as a box.

Drawn by hand like the report's heat map (pygal has no box plot that shows withheld rows).
Every text is escaped; the chart carries a description and the same figures as a table.
"""

from html import escape

from django.utils.translation import gettext as _

from .charts import FONT, Chart
from .formatting import number, percent
from .secretariat import Comparison

LABEL_WIDTH, PLOT_WIDTH, ROW_HEIGHT, TOP = 330, 420, 30, 40
BOX, MEDIAN, MEAN, WITHHELD = "#9ec5e8", "#1a4f8b", "#b35900", "#495057"


def _short(text: str, limit: int = 44) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _number(value: float, is_level: bool) -> str:
    return number(value, 1) if is_level else percent(value)


def comparison_chart(comparison: Comparison, group_key: str) -> Chart:
    group = next(g for g in comparison.groups if g.key == group_key)
    top_value = 4 if comparison.is_level else 100
    width = LABEL_WIDTH + PLOT_WIDTH + 90
    height = TOP + ROW_HEIGHT * max(1, len(comparison.items)) + 10

    def x(value: float) -> float:
        return LABEL_WIDTH + PLOT_WIDTH * value / top_value

    parts = [
        (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
         f'font-family="{FONT}" font-size="13">')
    ]
    ticks = range(5) if comparison.is_level else range(0, 101, 25)
    for tick in ticks:
        parts.append(f'<line x1="{x(tick)}" y1="{TOP - 8}" x2="{x(tick)}" y2="{height - 10}" stroke="#dee2e6"/>')
        label = str(tick) if comparison.is_level else percent(tick)
        parts.append(f'<text x="{x(tick)}" y="{TOP - 14}" text-anchor="middle" fill="#212529">{label}</text>')
    rows = []
    for i, item in enumerate(comparison.items):
        y = TOP + ROW_HEIGHT * i
        cell = item.cells[group_key]
        label = escape(_short(item.label))
        parts.append(f'<text x="{LABEL_WIDTH - 8}" y="{y + 19}" text-anchor="end" fill="#212529">{label}</text>')
        d = cell.distribution
        if d is None:
            parts.append(f'<text x="{LABEL_WIDTH + 6}" y="{y + 19}" fill="{WITHHELD}">{escape(_("withheld"))}</text>')
            rows.append([item.label, _("withheld"), "", "", "", cell.withheld_reason])
            continue
        parts.append(
            f'<rect x="{x(d.q1)}" y="{y + 6}" width="{max(2.0, x(d.q3) - x(d.q1))}" height="{ROW_HEIGHT - 12}" '
            f'fill="{BOX}" stroke="{MEDIAN}"/>'
        )
        parts.append(f'<line x1="{x(d.median)}" y1="{y + 3}" x2="{x(d.median)}" y2="{y + ROW_HEIGHT - 3}" '
                     f'stroke="{MEDIAN}" stroke-width="3"/>')
        parts.append(f'<circle cx="{x(d.mean)}" cy="{y + ROW_HEIGHT / 2}" r="4" fill="{MEAN}"/>')
        parts.append(f'<text x="{LABEL_WIDTH + PLOT_WIDTH + 10}" y="{y + 19}" fill="#212529">n = {d.n}</text>')
        rows.append([
            item.label, str(d.n), _number(d.median, comparison.is_level), _number(d.mean, comparison.is_level),
            f"{_number(d.q1, comparison.is_level)} – {_number(d.q3, comparison.is_level)}", "",
        ])
    parts.append("</svg>")
    scale = _("levels 0 to 4") if comparison.is_level else _("%(low)s to %(high)s") % {"low": percent(0),
                                                                                        "high": percent(100)}
    return Chart(
        title=_("%(dimension)s: %(group)s") % {"dimension": comparison.dimension_label, "group": group.label},
        description=_(
            "Box chart, %(scale)s: each box spans the middle half of the governments' values "
            "(first to third quartile), the dark line is the median and the dot the mean. "
            "Rows with fewer than %(k)s values are withheld."
        ) % {"scale": scale, "k": comparison.threshold},
        svg="".join(parts),
        headers=[_("Item"), _("Governments"), _("Median"), _("Mean"), _("Middle half"), _("Withheld because")],
        rows=rows,
    )
