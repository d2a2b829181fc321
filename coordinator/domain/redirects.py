"""Which `next` targets are safe to follow after login."""

from urllib.parse import unquote, urlsplit


def is_local_path(target: str | None) -> bool:
    """True only for a path on this site: one leading slash, no backslash or control char."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return False
    # Check the decoded form too: a later hop may decode %0d%0a or %5c before using it.
    for form in (target, unquote(target)):
        if "\\" in form or any(ord(ch) < 32 or ord(ch) == 127 for ch in form):
            return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc
