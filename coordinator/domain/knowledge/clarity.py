"""How clear a knowledge map's structure is, in plain words (no numerical stack, so the
web process can say it without loading the clustering code)."""

from __future__ import annotations

NONE_GAIN = 0.02  # modularity above the shuffled maps' mean that a map must reach
CLEAR, SOME, WEAK, NONE = "clear", "some", "weak", "none"
WORDS = {
    CLEAR: "The clusters are clearly separated: most of what people know is shared within "
           "their cluster.",
    SOME: "The clusters are real but overlap: many people share knowledge across them.",
    WEAK: "The structure is weak: the clusters stand only a little above what chance would "
          "give, so read them as loose tendencies.",
    NONE: "No structure beyond chance: the members' knowledge does not fall into separate "
          "groups, so everyone is shown as one cluster.",
}


def clarity_of(modularity: float, null: float) -> str:
    """Band of how far the map's modularity stands above that of shuffled profiles."""
    gain = modularity - null
    if gain <= NONE_GAIN:
        return NONE
    if gain < 0.1:
        return WEAK
    if gain < 0.25:
        return SOME
    return CLEAR


def clarity_sentence(quality: dict) -> str | None:
    """What the map page says of a snapshot's `quality`; None for maps made before."""
    clarity = quality.get("clarity")
    if clarity not in WORDS:
        return None
    return (f"{WORDS[clarity]} (Modularity {quality.get('modularity', 0):.2f} against "
            f"{quality.get('null_modularity', 0):.2f} for the same tags shuffled between "
            f"members.)")
