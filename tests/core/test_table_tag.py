"""The tag ``table`` of core_tags: every list page's table in its scrolling wrapper, or
the muted line said when there is nothing to list."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.template import Context
from django.template import Template
from django.template import TemplateSyntaxError

from partnership.models import Organisation
from tests import factories


def render(source: str, **context) -> str:
    return Template("{% load core_tags %}" + source).render(Context(context))


TABLE = (
    '{% table names empty="No names yet." %}'
    "<caption>Names</caption><tbody>{% for name in names %}<tr><td>{{ name }}</td></tr>"
    "{% endfor %}</tbody>{% endtable %}"
)


def test_rows_are_drawn_in_a_stacking_table_in_its_wrapper():
    html = render(TABLE, names=["Ana", "Bo"])

    assert '<div class="table-wrap" tabindex="0" role="region" aria-label="Names">' in html
    assert '<table class="stack">' in html
    assert "<caption>Names</caption>" in html
    assert "<td>Ana</td></tr><tr><td>Bo</td>" in html
    assert "No names yet." not in html


def test_the_scrolling_box_is_named_by_the_captions_words_or_by_its_label():
    caption = (
        '{% table rows empty="None." %}<caption class="visually-hidden">Risks &amp; '
        "<em>their</em>\n   owners</caption>{% endtable %}"
    )
    labelled = '{% table rows empty="None." label=name %}<caption>Risks</caption>{% endtable %}'

    assert 'aria-label="Risks &amp; their owners"' in render(caption, rows=[1])
    assert 'aria-label="Risks of &lt;IOM&gt;"' in render(labelled, rows=[1], name="Risks of <IOM>")


def test_without_rows_only_the_muted_line_is_said():
    html = render(TABLE, names=[])

    assert html.strip() == '<p class="muted">No names yet.</p>'


def test_the_tables_classes_are_given_or_none():
    given = '{% table rows class="history-table stack" empty="None." %}{% endtable %}'
    none = '{% table rows class="" empty="None." %}{% endtable %}'

    assert '<table class="history-table stack">' in render(given, rows=[1])
    assert "<table>" in render(none, rows=[1])


def test_the_empty_line_from_a_variable_is_escaped():
    html = render("{% table rows empty=message %}{% endtable %}", rows=[], message="<b>None</b>")

    assert html.strip() == '<p class="muted">&lt;b&gt;None&lt;/b&gt;</p>'


@pytest.mark.django_db
def test_a_queryset_is_read_once_for_the_test_and_the_rows(django_assert_num_queries):
    made = factories.OrganisationFactory.create_batch(2)
    source = (
        '{% table orgs empty="None." %}<tbody>{% for org in orgs %}<tr><td>{{ org.name }}</td>'
        "</tr>{% endfor %}</tbody>{% endtable %}"
    )

    with django_assert_num_queries(1):
        html = render(source, orgs=Organisation.objects.filter(pk__in=[o.pk for o in made]))

    assert html.count("<tr>") == 2


@pytest.mark.parametrize(
    "tag",
    [
        '{% table empty="None." %}',  # no rows
        "{% table rows %}",  # no line for the empty case
        '{% table rows empty="None." caption="Rows" %}',  # an option it does not know
        '{% table rows other empty="None." %}',  # two rows
    ],
)
def test_a_table_written_wrong_is_refused_when_the_template_is_read(tag):
    with pytest.raises(TemplateSyntaxError):
        render(tag + "{% endtable %}")


def test_every_table_box_written_in_a_template_is_a_named_region_a_keyboard_reaches():
    """A box written by hand (the tag's is tested above) scrolls as the tag's does on a
    narrow screen: it has a tab stop and the role region, labelled by an id the template
    gives its table's caption (or hands to the table it includes)."""
    from django.conf import settings

    boxes = {}
    for path in sorted(Path(settings.BASE_DIR, "templates").rglob("*.html")):
        if path.name == "table.html":  # the tag's own markup
            continue
        source = path.read_text()
        for box in re.finditer(r"<[a-z]+ [^>]*class=\"[^\"]*\btable-wrap\b[^>]*>", source):
            boxes[f"{path.name}: {box[0]}"] = source
    assert len(boxes) > 20
    wrong = []
    for box, source in boxes.items():
        label = re.search(r'aria-labelledby="([^"]+)"', box)
        named = label is not None and (
            "{{" in label[1] or re.search(rf'(id|caption_id)="{re.escape(label[1])}"', source)
        )
        if 'tabindex="0"' not in box or 'role="region"' not in box or not named:
            wrong.append(box)
    assert wrong == []
