"""Sectors, power sources and the power tier derived from them."""

SECTORS = ("business", "government", "academia", "civil_society", "other")
SECTOR_LABELS = {
    "business": "Business",
    "government": "Government",
    "academia": "Academia",
    "civil_society": "Civil society",
    "other": "Other",
}
POWER_SOURCES = ("formal_authority", "resource_control", "discursive_legitimacy")
POWER_SOURCE_LABELS = {
    "formal_authority": "Formal authority",
    "resource_control": "Resource control",
    "discursive_legitimacy": "Discursive legitimacy",
}
TIERS = ("low", "medium", "high")


def power_tier(formal_authority: int, resource_control: int, discursive_legitimacy: int) -> str:
    """Tier from the three sources scored 0-2: sum 0-2 low, 3-4 medium, 5-6 high."""
    scores = (formal_authority, resource_control, discursive_legitimacy)
    if any(not 0 <= score <= 2 for score in scores):
        raise ValueError("each power source is scored 0, 1 or 2")
    total = sum(scores)
    if total <= 2:
        return "low"
    if total <= 4:
        return "medium"
    return "high"


def normalise_sector(value: str) -> str | None:
    """Map a user-typed sector ("Civil society", "civil-society") to its key, or None."""
    key = value.strip().lower().replace("-", "_").replace(" ", "_")
    return key if key in SECTORS else None
