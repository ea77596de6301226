"""The plan review: how the previous cycle's actions fared, as pure functions over plain values (issue 17).

Per action of the previous plan and per criterion that now carries it (a
criterion split in a newer framework version carries the action to each part):
the target level against the level now reached, on time or late, done or not.
"""

from dataclasses import dataclass
from datetime import date

DONE, DROPPED = "done", "dropped"
ON_TIME, LATE, NOT_DUE, NOT_TIMED = "on time", "late", "not yet due", "—"


@dataclass(frozen=True)
class ReviewInput:
    previous_code: str
    current_code: str  # "" when the criterion was removed from the framework
    text: str
    target_level: int
    target_date: date
    status: str  # the latest known status: of the carried copy if there is one, else of the action itself
    status_label: str
    completed_on: date | None
    level_now: int | None  # the level scored in the new assessment; None if not scored


@dataclass(frozen=True)
class ReviewRow:
    item: ReviewInput
    reached: bool | None  # None: the level is not known (unscored, or the criterion was removed)
    timing: str

    @property
    def done(self) -> bool:
        return self.item.status == DONE


@dataclass(frozen=True)
class Review:
    previous_cycle: str
    rows: tuple[ReviewRow, ...]

    @property
    def actions(self) -> int:
        return len(self.rows)

    @property
    def done(self) -> int:
        return sum(row.done for row in self.rows)

    @property
    def reached(self) -> int:
        return sum(row.reached is True for row in self.rows)

    @property
    def on_time(self) -> int:
        return sum(row.timing == ON_TIME for row in self.rows)

    @property
    def late(self) -> int:
        return sum(row.timing == LATE for row in self.rows)


def timing(item: ReviewInput, today: date) -> str:
    """Done by the target date is on time; done after it, or still open past it, is late."""
    if item.status == DONE:
        finished = item.completed_on or today
        return ON_TIME if finished <= item.target_date else LATE
    if item.status == DROPPED:
        return NOT_TIMED
    return LATE if today > item.target_date else NOT_DUE


def review(previous_cycle: str, items: list[ReviewInput], today: date) -> Review:
    rows = tuple(
        ReviewRow(
            item=item,
            reached=None if item.level_now is None else item.level_now >= item.target_level,
            timing=timing(item, today),
        )
        for item in items
    )
    return Review(previous_cycle=previous_cycle, rows=rows)
