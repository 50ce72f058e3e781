"""The funding chart, drawn on the server as SVG (no script, no inline style)."""

from __future__ import annotations

import math
from decimal import ROUND_CEILING
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from .selectors import BudgetTotals

SERIES = (("planned", _("Planned")), ("committed", _("Committed")), ("disbursed", _("Disbursed")))
# The drawing's own units; it is scaled to the width it is given. Its legend is HTML below
# it, so that on a phone the legend wraps and keeps the page's text size, and the
# stylesheet draws the axes' labels larger when the drawing is narrow.
WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 76, 20, 44, 34
# The value axis has at most six steps, each 1, 2 or 5 times a power of ten million (1
# million at the least): a portfolio's hundreds of millions get as few lines as one
# agreement's 25 million. The years' labels are thinned out when the drawing is narrow.
MOST_STEPS = 6
NICE_STEPS = tuple(Decimal(n * 10**k * 1_000_000) for k in range(6) for n in (1, 2, 5))
YEAR_LABEL = 62  # the width of a year's label at its largest, with a gap (the drawing's units)


def _millions(value: Decimal) -> str:
    """12.5 (12,5 in Danish): millions with one decimal, in the reader's format."""
    return number_format(value / Decimal(1_000_000), decimal_pos=1, force_grouping=True)


def _f(value: float) -> str:
    return f"{value:.1f}"


def budget_chart(
    budget: BudgetTotals,
    *,
    title_id: str = "funding-chart-title",
    annual_label: str = _("Agreement’s annual amount"),
) -> SafeString:
    """Bars per year (planned, committed, disbursed) and a line at the annual amount
    (``annual_label``: the agreement's, or the agreements' together on the portfolio),
    followed by the legend.

    The same figures are in the table beside it; the SVG carries a title and a
    description for screen readers.
    """
    years = budget.years
    highest = max([y.planned for y in years] + [y.annual_amount for y in years] + [Decimal(1)])
    reach = highest * Decimal("1.05")
    step = next((n for n in NICE_STEPS if n * MOST_STEPS >= reach), NICE_STEPS[-1])
    steps = max(int((reach / step).to_integral_value(ROUND_CEILING)), 1)
    top = step * steps
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM

    def y_of(value: Decimal) -> float:
        return TOP + plot_h - float(max(value, Decimal(0)) / top) * plot_h

    parts = []
    for i in range(steps + 1):
        value = step * i
        y = y_of(value)
        parts.append(
            format_html(
                '<line class="grid" x1="{}" x2="{}" y1="{}" y2="{}"/>'
                '<text class="axis" x="{}" y="{}" text-anchor="end" '
                'dominant-baseline="central">{}</text>',
                LEFT,
                WIDTH - RIGHT,
                _f(y),
                _f(y),
                LEFT - 8,
                _f(y),
                _millions(value),
            )
        )
    group_w = plot_w / max(len(years), 1)
    # Every year is labelled; on a narrow drawing only every n-th, so that none overlap.
    every = math.ceil(YEAR_LABEL / group_w)
    bar_w = group_w / (len(SERIES) + 1.5)
    for index, year in enumerate(years):
        x0 = LEFT + index * group_w + bar_w * 0.75
        for offset, (attr, label) in enumerate(SERIES):
            value = getattr(year, attr)
            y = y_of(value)
            parts.append(
                format_html(
                    '<rect class="bar bar-{}" x="{}" y="{}" width="{}" '
                    'height="{}"><title>{}</title></rect>',
                    attr,
                    _f(x0 + offset * bar_w),
                    _f(y),
                    _f(bar_w * 0.9),
                    _f(TOP + plot_h - y),
                    _("%(year)s, %(series)s: DKK %(millions)s million")
                    % {"year": year.year, "series": label, "millions": _millions(value)},
                )
            )
        annual_y = y_of(year.annual_amount)
        parts.append(
            format_html(
                '<line class="annual" x1="{}" x2="{}" y1="{}" y2="{}"/>'
                '<text class="axis{}" x="{}" y="{}" text-anchor="middle">{}</text>',
                _f(LEFT + index * group_w + 4),
                _f(LEFT + (index + 1) * group_w - 4),
                _f(annual_y),
                _f(annual_y),
                "" if index % every == 0 else " thinned",
                _f(LEFT + index * group_w + group_w / 2),
                TOP + plot_h + 26,
                year.year,
            )
        )
    legend = format_html(
        '<ul class="chart-legend">{}<li><span class="swatch annual"></span>{}</li></ul>',
        format_html_join("", '<li><span class="swatch bar-{}"></span>{}</li>', SERIES),
        annual_label,
    )
    description = "; ".join(
        _(
            "%(year)s: planned %(planned)s, committed %(committed)s, disbursed %(disbursed)s, "
            "annual amount %(annual_amount)s"
        )
        % {
            "year": y.year,
            "planned": _millions(y.planned),
            "committed": _millions(y.committed),
            "disbursed": _millions(y.disbursed),
            "annual_amount": _millions(y.annual_amount),
        }
        for y in years
    )
    return format_html(
        '<svg class="chart" viewBox="0 0 {} {}" role="img" aria-labelledby="{} {}-desc" '
        'xmlns="http://www.w3.org/2000/svg">'
        '<title id="{}">{}</title>'
        '<desc id="{}-desc">{}</desc>{}'
        '<text class="axis" x="{}" y="{}">{}</text></svg>{}',
        WIDTH,
        HEIGHT,
        title_id,
        title_id,
        title_id,
        _("Funding per year, DKK million"),
        title_id,
        description,
        mark_safe("".join(parts)),  # noqa: S308 - built with format_html above
        4,
        TOP - 20,
        _("DKK million"),
        legend,
    )
