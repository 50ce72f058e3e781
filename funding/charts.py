"""The funding chart, drawn on the server as SVG (no script, no inline style)."""

from __future__ import annotations

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
WIDTH, HEIGHT = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 70, 20, 34, 60
STEP = Decimal(5_000_000)


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
    (``annual_label``: the agreement's, or the agreements' together on the portfolio).

    The same figures are in the table beside it; the SVG carries a title and a
    description for screen readers.
    """
    years = budget.years
    highest = max([y.planned for y in years] + [y.annual_amount for y in years] + [Decimal(1)])
    # Round the axis up to whole steps of 5 million (or of 1 million for small budgets).
    step = STEP if highest > STEP else Decimal(1_000_000)
    steps = max(int((highest * Decimal("1.05") / step).to_integral_value(ROUND_CEILING)), 1)
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
                '<text class="axis" x="{}" y="{}" text-anchor="end">{}</text>',
                LEFT,
                WIDTH - RIGHT,
                _f(y),
                _f(y),
                LEFT - 8,
                _f(y + 4),
                _millions(value),
            )
        )
    group_w = plot_w / max(len(years), 1)
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
                '<text class="axis" x="{}" y="{}" text-anchor="middle">{}</text>',
                _f(LEFT + index * group_w + 4),
                _f(LEFT + (index + 1) * group_w - 4),
                _f(annual_y),
                _f(annual_y),
                _f(LEFT + index * group_w + group_w / 2),
                TOP + plot_h + 18,
                year.year,
            )
        )
    legend = format_html_join(
        "",
        '<rect class="bar bar-{}" x="{}" y="{}" width="12" height="12"/>'
        '<text class="axis" x="{}" y="{}">{}</text>',
        (
            (attr, LEFT + i * 120, HEIGHT - 22, LEFT + i * 120 + 16, HEIGHT - 12, label)
            for i, (attr, label) in enumerate(SERIES)
        ),
    )
    legend += format_html(
        '<line class="annual" x1="{}" x2="{}" y1="{}" y2="{}"/>'
        '<text class="axis" x="{}" y="{}">{}</text>',
        LEFT + 360,
        LEFT + 380,
        HEIGHT - 16,
        HEIGHT - 16,
        LEFT + 386,
        HEIGHT - 12,
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
        '<desc id="{}-desc">{}</desc>{}{}'
        '<text class="axis" x="{}" y="{}">{}</text></svg>',
        WIDTH,
        HEIGHT,
        title_id,
        title_id,
        title_id,
        _("Funding per year, DKK million"),
        title_id,
        description,
        mark_safe("".join(parts)),  # noqa: S308 - built with format_html above
        legend,
        4,
        TOP - 18,
        _("DKK million"),
    )
