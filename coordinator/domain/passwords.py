"""Password rules after OWASP ASVS 6.2: long enough, not a known common password."""

import re
from functools import cache
from importlib.resources import files

MAX_LENGTH = 128


@cache
def _common() -> frozenset[str]:
    text = files(__package__).joinpath("common_passwords.txt").read_text(encoding="utf-8")
    return frozenset(line.strip().lower() for line in text.splitlines() if line.strip())


def password_problem(password: str, min_length: int, context: tuple[str, ...] = ()) -> str | None:
    """Return why a password is refused, or None when it is acceptable."""
    if len(password) < min_length:
        return f"Use at least {min_length} characters."
    if len(password) > MAX_LENGTH:
        return f"Use at most {MAX_LENGTH} characters."
    lowered = password.lower()
    if lowered in _common():
        return "This password is on a list of commonly used passwords; choose another."
    words = {part for text in context for part in re.split(r"[\W_]+", text.lower())}
    if any(len(word) >= 4 and word in lowered for word in words):
        return "Do not use your name or email address in your password."
    return None
