"""What every app's templates use: the filters ``amount`` and ``money`` (core.formatting)
and ``in_language`` (core.i18n), and the tag ``table`` (a table, or the line said when it
has no rows)."""

from __future__ import annotations

import html
import re

from django import template
from django.template.base import FilterExpression
from django.template.base import NodeList
from django.template.base import kwarg_re
from django.template.base import token_kwargs
from django.utils.html import strip_tags

from core import formatting
from core import i18n

register = template.Library()
register.filter("amount", formatting.amount)
register.filter("money", formatting.money)
register.filter("in_language", i18n.in_language)


TABLE_OPTIONS = {"class", "empty", "label"}
CAPTION = re.compile(r"<caption\b[^>]*>(.*?)</caption>", re.DOTALL)


@register.tag("table")
def table(parser, token) -> TableNode:
    """A table in its scrolling wrapper, or a muted line when it has no rows
    (includes/table.html)::

        {% table documents empty="No documents yet." %}
          <caption class="visually-hidden">Documents of this partnership</caption>
          <thead>…</thead>
          <tbody>{% for doc in documents %}…{% endfor %}</tbody>
        {% endtable %}

    ``class``: the table's classes, "stack" unless given ("" for none). The wrapper is a
    region a keyboard reaches (it scrolls on a narrow screen), named by ``label`` or else
    by the text of the table's caption."""
    name, *bits = token.split_contents()
    rows = parser.compile_filter(bits.pop(0)) if bits and not kwarg_re.match(bits[0])[1] else None
    options = token_kwargs(bits, parser)
    if rows is None or "empty" not in options or bits or options.keys() - TABLE_OPTIONS:
        raise template.TemplateSyntaxError(
            f'{name} takes its rows, empty="…" and class="…": {token.contents!r}'
        )
    body = parser.parse(("endtable",))
    parser.delete_first_token()
    return TableNode(rows, options, body)


class TableNode(template.Node):
    def __init__(
        self, rows: FilterExpression, options: dict[str, FilterExpression], body: NodeList
    ) -> None:
        self.rows, self.options, self.body = rows, options, body

    def render(self, context) -> str:
        drawn = bool(self.rows.resolve(context))
        values = {name: value.resolve(context) for name, value in self.options.items()}
        markup = context.template.engine.get_template("includes/table.html")
        body = self.body.render(context) if drawn else ""
        return markup.render(
            context.new(
                {
                    "drawn": drawn,
                    "body": body,
                    "label": values.get("label") or _caption_text(body),
                    "classes": values.get("class", "stack"),
                    "empty": values["empty"],
                }
            )
        )


def _caption_text(body: str) -> str:
    """The words of the table's caption, as plain text (the markup is already rendered)."""
    caption = CAPTION.search(body)
    return " ".join(html.unescape(strip_tags(caption[1])).split()) if caption else ""
