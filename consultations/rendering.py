"""Notes are written in Markdown and shown as HTML that can do no harm.

Two layers: Python-Markdown runs with its raw-HTML handling removed, so anything typed
as HTML comes out as text; then nh3 keeps only the tags a note needs and links whose
address is http or https (no ``javascript:``, no relative or other schemes, no images).
"""

from __future__ import annotations

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


def render_markdown(text: str) -> str:
    """Safe HTML for a note's Markdown (a new converter each time: they keep state)."""
    if not text:
        return ""
    return _cleaner.clean(_converter().convert(text))
