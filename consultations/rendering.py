"""Notes are written in Markdown and shown as HTML that can do no harm.

Two layers: Python-Markdown runs with its raw-HTML handling removed, so anything typed
as HTML comes out as text; then nh3 keeps only the tags a note needs and links whose
address is http or https (no ``javascript:``, no relative or other schemes, no images).
"""

from __future__ import annotations

import threading

import markdown
import nh3

ALLOWED_TAGS = {
    "p", "br", "hr", "em", "strong", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "h1", "h2", "h3", "h4", "h5", "h6",
}  # fmt: skip
ALLOWED_SCHEMES = {"http", "https"}

_cleaner = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    clean_content_tags={"script", "style"},
    attributes={"a": {"href", "title"}},
    url_schemes=ALLOWED_SCHEMES,
    url_relative="deny",
    link_rel="noopener noreferrer nofollow",
    strip_comments=True,
)


def _converter() -> markdown.Markdown:
    converter = markdown.Markdown(extensions=["sane_lists", "nl2br"], output_format="html")
    # No raw HTML: block and inline HTML are escaped as text instead of passed through.
    converter.preprocessors.deregister("html_block")
    converter.inlinePatterns.deregister("html")
    return converter


_local = threading.local()  # a converter per thread: they keep state while converting


def render_markdown(text: str) -> str:
    """Safe HTML for a note's Markdown. Making a converter costs more than converting a
    note, so each thread keeps one and resets it after every note (it keeps state, e.g.
    link references)."""
    if not text:
        return ""
    converter = getattr(_local, "converter", None)
    if converter is None:
        converter = _local.converter = _converter()
    try:
        return _cleaner.clean(converter.convert(text))
    finally:
        converter.reset()
