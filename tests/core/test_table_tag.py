"""The tag ``table`` of core_tags: every list page's table in its scrolling wrapper, or
the muted line said when there is nothing to list."""

from __future__ import annotations

import pytest
from django.template import Context, Template, TemplateSyntaxError

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
