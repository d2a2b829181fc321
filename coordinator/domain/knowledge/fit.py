"""How well a task fits a member's knowledge."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Fit:
    shared: tuple[str, ...]
    required: int

    @property
    def score(self) -> float:
        """Share of the task's required tags the member holds (0 when none are required)."""
        return len(self.shared) / self.required if self.required else 0.0

    @property
    def label(self) -> str:
        if not self.required:
            return "No tags required"
        return f"You hold {len(self.shared)} of {self.required} required tags"


def task_fit(required_tags: list[str], my_tags: list[str]) -> Fit:
    mine = set(my_tags)
    shared = tuple(tag for tag in required_tags if tag in mine)
    return Fit(shared=shared, required=len(required_tags))
