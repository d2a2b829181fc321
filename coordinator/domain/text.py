"""User Markdown rendered to HTML that is safe to show."""

import markdown
import nh3

_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "em", "h3", "h4", "h5", "hr", "i", "li",
    "ol", "p", "pre", "strong", "table", "tbody", "td", "th", "thead", "tr", "ul",
}
_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}}


def render_markdown(source: str) -> str:
    """Render Markdown, then keep only harmless tags, attributes and link schemes."""
    html = markdown.markdown(source, extensions=["tables", "sane_lists"])
    return nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
