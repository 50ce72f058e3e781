"""Charts for the report, drawn as SVG and embedded as ``data:`` images.

They are built here from numbers and escaped labels, never from a user's markup, and the
report's URL fetcher serves nothing an SVG could reach out to.
"""

from __future__ import annotations

import base64
from decimal import ROUND_CEILING
from decimal import Decimal
from xml.sax.saxutils import escape
from xml.sax.saxutils import quoteattr

from django.utils.formats import number_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from funding.selectors import Budget
from partnership.selectors import HeatCell

BAND_FILL = {"low": "#d9efdd", "medium": "#fbe7b5", "high": "#f6c5c0"}
FONT = "DejaVu Sans, Liberation Sans, sans-serif"


def svg_data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def heat_map_svg(heat_map: list[list[HeatCell]]) -> str:
    """Likelihood (rows, 5 at the top) × impact (columns), each cell holding its risks."""
    cell, left, top = 60, 70, 10
    width, height = left + 5 * cell + 10, top + 5 * cell + 50
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family={quoteattr(FONT)} font-size="11">',
        "<title>"
        + escape(gettext("Risk heat map: latest residual likelihood and impact"))
        + "</title>",
    ]
    for row_index, row in enumerate(heat_map):
        y = top + row_index * cell
        parts.append(
            f'<text x="{left - 8}" y="{y + cell / 2 + 4}" text-anchor="end">'
            f"{row[0].likelihood}</text>"
        )
        for col_index, heat_cell in enumerate(row):
            x = left + col_index * cell
            parts.append(
                f'<rect x="{x + 1}" y="{y + 1}" width="{cell - 2}" height="{cell - 2}" '
                f'rx="3" fill="{BAND_FILL[heat_cell.band]}"/>'
            )
            labels = [f"R{risk.number}" for risk in heat_cell.risks]
            for line, label in enumerate(labels[:3]):
                parts.append(
                    f'<text x="{x + cell / 2}" y="{y + 22 + line * 14}" text-anchor="middle" '
                    f'font-weight="bold">{escape(label)}</text>'
                )
    axis_y = top + 5 * cell
    parts.extend(
        f'<text x="{left + col_index * cell + cell / 2}" y="{axis_y + 16}" '
        f'text-anchor="middle">{col_index + 1}</text>'
        for col_index in range(5)
    )
    impact, likelihood = escape(gettext("Impact")), escape(gettext("Likelihood"))
    parts.append(
        f'<text x="{left + 2.5 * cell}" y="{axis_y + 38}" text-anchor="middle">{impact}</text>'
    )
    parts.append(
        f'<text x="14" y="{top + 2.5 * cell}" text-anchor="middle" '
        f'transform="rotate(-90 14 {top + 2.5 * cell})">'
        f"{likelihood}</text>"
    )
    parts.append("</svg>")
    return "".join(parts)


SERIES_FILL = (
    ("planned", _("Planned"), "#9fb6cd"),
    ("committed", _("Committed"), "#0b5394"),
    ("disbursed", _("Disbursed"), "#1e6b34"),
)


def budget_chart_svg(budget: Budget) -> str:
    """Bars per year: planned, committed and disbursed (DKK million), and a line at the
    agreement's annual amount. The table beside it in the report holds the same figures."""
    width, height, left, top, bottom = 520, 240, 56, 16, 56
    plot_w, plot_h = width - left - 10, height - top - bottom
    years = budget.years
    highest = max([y.planned for y in years] + [y.annual_amount for y in years] + [Decimal(1)])
    step = Decimal(5_000_000) if highest > 5_000_000 else Decimal(1_000_000)
    steps = max(int((highest * Decimal("1.05") / step).to_integral_value(ROUND_CEILING)), 1)
    scale_top = step * steps

    def y_of(value: Decimal) -> float:
        return top + plot_h - float(max(value, Decimal(0)) / scale_top) * plot_h

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family={quoteattr(FONT)} font-size="10">',
        "<title>"
        + escape(gettext("Budget per year: planned, committed and disbursed, DKK million"))
        + "</title>",
    ]
    for i in range(steps + 1):
        y = y_of(step * i)
        parts.append(
            f'<line x1="{left}" x2="{width - 10}" y1="{y:.1f}" y2="{y:.1f}" stroke="#d5dae1"/>'
            f'<text x="{left - 6}" y="{y + 3:.1f}" text-anchor="end">'
            f"{number_format(step * i / 1_000_000, decimal_pos=0, force_grouping=True)}</text>"
        )
    group_w = plot_w / max(len(years), 1)
    bar_w = group_w / (len(SERIES_FILL) + 1.5)
    for index, year in enumerate(years):
        x0 = left + index * group_w + bar_w * 0.75
        for offset, (attr, _label, fill) in enumerate(SERIES_FILL):
            y = y_of(getattr(year, attr))
            parts.append(
                f'<rect x="{x0 + offset * bar_w:.1f}" y="{y:.1f}" width="{bar_w * 0.9:.1f}" '
                f'height="{top + plot_h - y:.1f}" fill="{fill}"/>'
            )
        annual_y = y_of(year.annual_amount)
        x1, x2 = left + index * group_w + 4, left + (index + 1) * group_w - 4
        parts.append(
            f'<line x1="{x1:.1f}" x2="{x2:.1f}" y1="{annual_y:.1f}" y2="{annual_y:.1f}" '
            f'stroke="#a61b1b" stroke-width="2" stroke-dasharray="5 3"/>'
            f'<text x="{left + index * group_w + group_w / 2:.1f}" y="{top + plot_h + 14}" '
            f'text-anchor="middle">{year.year}</text>'
        )
    legend_y = height - 18
    for i, (_attr, label, fill) in enumerate(SERIES_FILL):
        x = left + i * 85
        parts.append(
            f'<rect x="{x}" y="{legend_y - 9}" width="10" height="10" fill="{fill}"/>'
            f'<text x="{x + 14}" y="{legend_y}">{escape(str(label))}</text>'
        )
    x = left + 3 * 85
    annual = escape(gettext("Annual amount (agreement)"))
    parts.append(
        f'<line x1="{x}" x2="{x + 18}" y1="{legend_y - 4}" y2="{legend_y - 4}" stroke="#a61b1b" '
        f'stroke-width="2" stroke-dasharray="5 3"/><text x="{x + 22}" y="{legend_y}">'
        f"{annual}</text>"
    )
    parts.append("</svg>")
    return "".join(parts)
