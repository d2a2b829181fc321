"""Password rules after OWASP ASVS 6.2: long enough, not a known common password, not
built from the person's own name or address, and strong by zxcvbn's estimate.

The one rule for every path: sign-up by invitation, reset, change and the CLI.
"""

import re
from functools import cache
from importlib.resources import files

from zxcvbn import zxcvbn

MAX_LENGTH = 128
MIN_SCORE = 3  # zxcvbn: 3 is "safely unguessable", about 10^8 guesses and more


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
    if any(ord(c) < 32 and c not in "\t" for c in password):
        return "Use letters, digits, spaces and punctuation only (no control characters)."
    lowered = password.lower()
    if lowered in _common():
        return "This password is on a list of commonly used passwords; choose another."
    words = {part for text in context for part in re.split(r"[\W_]+", text.lower()) if part}
    if any(len(word) >= 4 and word in lowered for word in words):
        return "Do not use your name or email address in your password."
    estimate = zxcvbn(password, user_inputs=sorted(words | {"polder"}), max_length=MAX_LENGTH)
    if estimate["score"] < MIN_SCORE:
        feedback = estimate["feedback"]
        why = feedback.get("warning") or "This password would be easy to guess."
        hint = " ".join(feedback.get("suggestions") or []) or "Add another word or two."
        return f"{why.rstrip('.')}. {hint}"
    return None
