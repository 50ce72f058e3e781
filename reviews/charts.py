"""Charts for the report, drawn as SVG and embedded as ``data:`` images.

They are built here from numbers and escaped labels, never from a user's markup, and the
report's URL fetcher serves nothing an SVG could reach out to. The budget chart joins the
risk heat map once the funding app lands.
"""

from __future__ import annotations

import base64
from xml.sax.saxutils import escape, quoteattr

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
        "<title>Risk heat map: latest residual likelihood and impact</title>",
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
    parts.append(
        f'<text x="{left + 2.5 * cell}" y="{axis_y + 38}" text-anchor="middle">Impact</text>'
    )
    parts.append(
        f'<text x="14" y="{top + 2.5 * cell}" text-anchor="middle" '
        f'transform="rotate(-90 14 {top + 2.5 * cell})">Likelihood</text>'
    )
    parts.append("</svg>")
    return "".join(parts)
