"""User Markdown rendered to HTML that is safe to show."""

import re

import markdown
import nh3

_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "em", "h3", "h4", "h5", "h6", "hr", "i",
    "li", "ol", "p", "pre", "strong", "table", "tbody", "td", "th", "thead", "tr", "ul",
}
_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}}
# The page has its own h1 and h2: a writer's headings start below them, in order.
_HEADING = re.compile(r"<(/?)h([1-6])>")
# A link whose address was refused (javascript:, data:, ...) keeps its words, not its look.
_DEAD_LINK = re.compile(r"<a(?![^>]*\bhref=)[^>]*>(.*?)</a>", re.S)


def _shift(match: re.Match) -> str:
    return f"<{match.group(1)}h{min(int(match.group(2)) + 2, 6)}>"


def render_markdown(source: str) -> str:
    """Render Markdown, then keep only harmless tags, attributes and link schemes."""
    html = _HEADING.sub(_shift, markdown.markdown(source, extensions=["tables", "sane_lists"]))
    cleaned = nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    return _DEAD_LINK.sub(r"\1", cleaned)
