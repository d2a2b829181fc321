"""Which `next` targets are safe to follow after login."""

from urllib.parse import urlsplit


def is_local_path(target: str | None) -> bool:
    """True only for a path on this site: one leading slash, no backslash or control char."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return False
    if "\\" in target or any(ord(ch) < 32 or ord(ch) == 127 for ch in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc
