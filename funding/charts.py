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
LEFT, RIGHT, TOP, BOTTOM = 84, 20, 44, 34
# The value axis has at most six steps of 1, 2 or 5 times a power of ten, in whole millions
# (1 million at the least): a portfolio's billions get as few lines as one agreement's 25
# million, and its labels need no decimals.
MOST_STEPS = 6
MILLION = Decimal(1_000_000)
# The width of a year's label with a gap, in the drawing's units: at the largest size (on a
# narrow drawing) and at the smallest. Years are labelled every n-th where they would touch.
YEAR_LABEL_NARROW, YEAR_LABEL_WIDE = 62, 34


def _step(reach: Decimal) -> Decimal:
    """The value axis's step: the least of 1, 2, 5 or 10 times a power of ten (in millions)
    that reaches ``reach`` in ``MOST_STEPS`` steps."""
    rough = max(reach / MOST_STEPS, MILLION)
    power = Decimal(10) ** rough.adjusted()  # the power of ten of its first digit
    return next(n * power for n in (1, 2, 5, 10) if n * power >= rough)


def _millions(value: Decimal, decimals: int = 1) -> str:
    """12.5 (12,5 in Danish): millions with ``decimals`` decimals, in the reader's format."""
    return number_format(value / MILLION, decimal_pos=decimals, force_grouping=True)


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
    step = _step(reach)
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
                _millions(value, decimals=0),  # whole millions: see _step
            )
        )
    group_w = plot_w / max(len(years), 1)
    # Every year is labelled where the labels fit; else every n-th, so that none overlap,
    # and on a narrow drawing (larger labels) every m-th of those.
    every = math.ceil(YEAR_LABEL_WIDE / group_w)
    every_narrow = every * math.ceil(math.ceil(YEAR_LABEL_NARROW / group_w) / every)
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
                '<line class="annual" x1="{}" x2="{}" y1="{}" y2="{}"/>',
                _f(LEFT + index * group_w + 4),
                _f(LEFT + (index + 1) * group_w - 4),
                _f(annual_y),
                _f(annual_y),
            )
        )
        if index % every == 0:
            parts.append(
                format_html(
                    '<text class="axis{}" x="{}" y="{}" text-anchor="middle">{}</text>',
                    "" if index % every_narrow == 0 else " thinned",
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
