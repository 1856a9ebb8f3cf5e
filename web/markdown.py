"""Markdown as a pattern's text is shown: markdown-it-py (CommonMark) in its "js-default"
preset, which has raw HTML off, so any tag typed is shown as text, never markup; on top of it,
links and images keep only http(s) and mailto addresses (a `javascript:`, `data:` or `vbscript:`
link is left as plain text) and links get rel="nofollow noopener noreferrer"."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from markdown_it import MarkdownIt
from markupsafe import Markup

SAFE_SCHEMES = ("http", "https", "mailto")


def _validate_link(url: str) -> bool:
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
    except ValueError:
        return False
    return scheme in SAFE_SCHEMES


def _parser() -> MarkdownIt:
    md = MarkdownIt("js-default", {"html": False, "linkify": False, "typographer": False})
    md.validateLink = _validate_link  # type: ignore[method-assign]
    md.disable("image")  # a pattern's text shows no remote images (the CSP would refuse them)

    def link_open(renderer: Any, tokens: Any, idx: int, options: Any, env: Any) -> str:
        tokens[idx].attrSet("rel", "nofollow noopener noreferrer")
        return str(renderer.renderToken(tokens, idx, options, env))

    md.add_render_rule("link_open", link_open)
    return md


_MD = _parser()


def render_markdown(text: str) -> Markup:
    """Safe HTML for member-typed Markdown (headings demoted: a pattern's page has its own)."""
    html = _MD.render(text or "")
    for level in range(6, 0, -1):
        demoted = min(level + 2, 6)
        html = html.replace(f"<h{level}>", f"<h{demoted}>").replace(f"</h{level}>", f"</h{demoted}>")
    return Markup(html)
