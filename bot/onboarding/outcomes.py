"""What the onboarding use cases return, for bot.views.onboarding to render. No Slack here.

Each one that a view renders on its own is an `Outcome` (bot.core.outcomes).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.outcomes import Outcome
from bot.onboarding.questions import Question
from bot.onboarding.tour import TourStep


@dataclass(frozen=True, slots=True)
class RepProgress:
    """One person's onboarding, as a manager's status list and the overview show it."""

    user_id: str
    started: bool  # False: no onboarding yet (a rep of the manager who was never invited)
    tour_step: int  # 0-based, the step shown last
    tour_total: int
    tour_done: bool
    quiz_attempts: int  # finished ones
    best_score: int | None
    best_total: int | None
    quiz_open: bool  # an attempt is under way
    practice_deal_id: int | None
    practice_stage: str | None  # the practice deal's stage name
    practice_done: bool

    @property
    def complete(self) -> bool:
        return self.tour_done and self.quiz_attempts > 0 and self.practice_done


@dataclass(frozen=True, slots=True)
class TourShown(Outcome):
    step: TourStep
    notice: str | None = None


@dataclass(frozen=True, slots=True)
class QuizAsked(Outcome):
    attempt_id: int
    index: int  # 0-based
    total: int
    question: Question


@dataclass(frozen=True, slots=True)
class QuizAnswered(Outcome):
    """Feedback on one answer; `after` is what comes next (the next question, or the
    overview with the score), None when this answer was already given before."""

    attempt_id: int
    index: int
    total: int
    question: Question
    choice: int
    correct: bool
    repeated: bool  # a second click on an answered question: nothing was recorded
    after: QuizAsked | OnboardingOverview | None


@dataclass(frozen=True, slots=True)
class OnboardingOverview(Outcome):
    """The three parts and where the person stands in each, with what to do next."""

    progress: RepProgress
    map_title: str
    notice: str | None = None
    score: tuple[int, int] | None = None  # the attempt just finished: (right, questions)


@dataclass(frozen=True, slots=True)
class OnboardingStatus(Outcome):
    """A manager's view of their reps (or a rep's of themselves)."""

    title: str
    rows: list[RepProgress]


@dataclass(frozen=True, slots=True)
class Delivery(Outcome):
    """Send `content` to `to_user` privately (the app's DM with them); tell the one who
    asked `note`. `/deal onboard` answers with it: the tour lives in the DM, where its
    messages can be updated in place (ephemeral ones cannot)."""

    to_user: str
    content: Outcome
    note: str
    copies: tuple[DirectNote, ...] = ()  # others told by DM (the admins, of a new team member)


@dataclass(frozen=True, slots=True)
class DirectNote:
    """A line sent to someone's DM with the app, e.g. telling the admins who joined a team."""

    to_user: str
    text: str
