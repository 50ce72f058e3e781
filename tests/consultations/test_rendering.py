"""Notes are Markdown shown as HTML: hostile input comes out inert."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from consultations import services
from consultations.rendering import render_markdown
from tests.consultations import factories

SLUG = "denmark-iom-2018-2020"

HOSTILE = [
    "<script>alert('x')</script>",
    "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
    '<img src="x" onerror="alert(1)">',
    '<a href="https://iom.int" onclick="alert(1)">click</a>',
    "<iframe src='https://evil.example'></iframe>",
    "<div style='position:fixed'>overlay</div>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[click](vbscript:msgbox(1))",
    '[click](https://iom.int" onmouseover="alert(1))',
    "![pixel](https://evil.example/track.png)",
    "<svg onload=alert(1)>",
    "<!-- <script>alert(1)</script> -->",
    "<form action='https://evil.example'><input name=x></form>",
]


class Elements(HTMLParser):
    """The elements and attributes a browser would build from some HTML."""

    def __init__(self, html: str):
        super().__init__()
        self.found: list[tuple[str, dict[str, str | None]]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))

    @property
    def tags(self) -> set[str]:
        return {tag for tag, _ in self.found}

    @property
    def attributes(self) -> set[str]:
        return {name for _, attrs in self.found for name in attrs}

    @property
    def hrefs(self) -> list[str]:
        return [attrs["href"] or "" for _, attrs in self.found if "href" in attrs]


def _assert_inert(html: str) -> None:
    elements = Elements(html)
    assert elements.tags <= {"p", "a", "br", "em", "strong", "code", "article", "div", "ul",
                             "li", "span", "time", "details", "summary", "form", "input",
                             "button", "blockquote"}, html  # fmt: skip
    assert not {"script", "img", "iframe", "svg", "style", "object", "embed"} & elements.tags
    assert not [name for name in elements.attributes if name.startswith("on")], html
    assert "style" not in elements.attributes
    for href in elements.hrefs:
        assert href.startswith(("http://", "https://", "/p/")), href


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_markdown_is_rendered_inert(text):
    html = render_markdown(text)
    _assert_inert(html)
    assert Elements(html).tags <= {"p", "a", "br", "em", "strong", "code"}
    assert all(href.startswith(("http://", "https://")) for href in Elements(html).hrefs)


def test_raw_html_is_shown_as_text_not_markup():
    assert render_markdown("<b>bold</b> & <i>more</i>") == (
        "<p>&lt;b&gt;bold&lt;/b&gt; &amp; &lt;i&gt;more&lt;/i&gt;</p>"
    )


@pytest.mark.parametrize(
    ("text", "href"),
    [
        ("[javascript](javascript:alert(1))", None),
        ("[relative](/admin/)", None),
        ("[mail](mailto:someone@um.dk)", None),
        ("[ok](https://www.iom.int/)", "https://www.iom.int/"),
        ("<http://www.iom.int>", "http://www.iom.int"),
    ],
)
def test_links_keep_only_http_and_https_addresses(text, href):
    html = render_markdown(text)
    assert re.findall(r'href="([^"]*)"', html) == ([href] if href else [])
    assert 'rel="noopener noreferrer nofollow"' in html


def test_ordinary_markdown_comes_out_as_expected():
    html = render_markdown("IOM **agreed** to *report*:\n\n- first\n- second\n\nline one\nline two")
    assert html == (
        "<p>IOM <strong>agreed</strong> to <em>report</em>:</p>\n"
        "<ul>\n<li>first</li>\n<li>second</li>\n</ul>\n"
        "<p>line one<br>\nline two</p>"
    )


def test_one_converter_renders_every_note_of_a_thread_and_forgets_each_note(monkeypatch):
    """Making a Markdown converter costs more than converting a note; the consultation page
    shows dozens. One converter a thread, reset after each note: a link reference defined
    in one note does not resolve in the next."""
    from consultations import rendering

    made = []
    markdown_class = rendering.markdown.Markdown
    monkeypatch.setattr(
        rendering.markdown, "Markdown", lambda **kw: made.append(1) or markdown_class(**kw)
    )
    monkeypatch.setattr(rendering, "_local", rendering.threading.local())
    defined = render_markdown("[IOM][1]\n\n[1]: https://www.iom.int/")
    assert '<a href="https://www.iom.int/" rel="noopener noreferrer nofollow">IOM</a>' in defined
    assert render_markdown("[IOM][1]") == "<p>[IOM][1]</p>"
    assert render_markdown("- one\n- two") == "<ul>\n<li>one</li>\n<li>two</li>\n</ul>"
    assert made == [1]


def test_a_hostile_note_is_inert_on_the_page_and_in_the_api(iom, geneva, desk, login, api_login):
    consultation = factories.consultation(iom, year=2019)
    item = consultation.agenda_items.get(code="i")
    body = "\n\n".join(HOSTILE)
    note = services.note_create(agenda_item=item, by=geneva, body=body)
    page = login(desk).get(f"/p/{SLUG}/consultations/2019/").content.decode()
    start = page.index(f'<article id="note-{note.pk}"')
    shown = page[start : page.index("</article>", start) + len("</article>")]
    _assert_inert(shown)
    assert "&lt;script&gt;alert('x')&lt;/script&gt;" in shown  # shown as text
    api = api_login(desk).get(f"/api/v1/notes/{note.pk}/").json()
    assert api["body"] == body  # what was typed is kept as typed
    _assert_inert(api["body_html"])
