"""Knowledge tags: one normal form so "Flood Risk " and "flood risk" are one tag."""

import re

MAX_TAG_LENGTH = 40
MAX_TAGS = 30
_SPACES = re.compile(r"\s+")
_ALLOWED = re.compile(r"^[\w][\w .+#&/-]*$")


class TagError(ValueError):
    pass


def normalise_tag(raw: str) -> str:
    """Trim, lower-case and collapse inner whitespace; raise TagError if unusable."""
    tag = _SPACES.sub(" ", raw.strip().lower())
    if not tag:
        raise TagError("a tag cannot be empty")
    if len(tag) > MAX_TAG_LENGTH:
        raise TagError(f"“{tag[:20]}…” is longer than {MAX_TAG_LENGTH} characters")
    if not _ALLOWED.match(tag):
        raise TagError(f"“{tag}” may use letters, digits, spaces and . + # & / - _ only")
    return tag


def parse_tags(text: str, separator: str = ",", limit: int = MAX_TAGS) -> list[str]:
    """Split, normalise and de-duplicate a tag list, keeping first-seen order."""
    seen: dict[str, None] = {}
    for part in text.split(separator):
        if part.strip():
            seen.setdefault(normalise_tag(part), None)
    if len(seen) > limit:
        raise TagError(f"at most {limit} tags, got {len(seen)}")
    return list(seen)
