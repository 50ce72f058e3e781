"""The language a screen reader speaks a text of a page in: that of the nearest element
around it that says (``lang``), as WCAG's Language of Parts has it."""

from __future__ import annotations

from lxml import html as lxml_html


def _language(element) -> str:
    for around in (element, *element.iterancestors()):
        language = around.get("lang")
        if language is not None:
            return language
    return ""


def languages_of(page: str, text: str, *, leaving_out: str = "") -> list[str]:
    """The language of each place the page shows ``text`` (in one element's words, not
    across elements), in the order they come; none if it is not shown. ``leaving_out``:
    an XPath to the parts of the page not looked at."""
    document = lxml_html.document_fromstring(page)
    for part in document.xpath(leaving_out) if leaving_out else []:
        part.drop_tree()
    found = []
    for element in document.iter():
        if not isinstance(element.tag, str) or element.tag in {"script", "style", "title"}:
            continue
        if element.text and text in element.text:
            found.append(_language(element))
        parent = element.getparent()
        if element.tail and text in element.tail and parent is not None:
            found.append(_language(parent))
    return found
