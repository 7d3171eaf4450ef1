"""The onboarding tables (bot.onboarding: tour, quiz, practice deal) and the Slack events
already handled; the deal tables they point at are in storage.models."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.models import utcnow


class ProcessedEvent(SQLModel, table=True):
    """Slack events already handled: Slack retries an event it thinks was missed
    (`X-Slack-Retry-Num`), and every replica must apply it once."""

    __tablename__ = "processed_event"

    team_id: str = Field(primary_key=True, max_length=32)
    event_id: str = Field(primary_key=True, max_length=64)
    received_at: dt.datetime = Field(default_factory=utcnow, index=True)


class OnboardingProgress(SQLModel, table=True):
    """A person's way through onboarding (bot.onboarding): where the tour stopped,
    the quiz results, and the practice deal. One row per person and workspace; every
    onboarding write locks it first, so two clicks at once cannot both start a quiz."""

    __tablename__ = "onboarding_progress"
    __table_args__ = (UniqueConstraint("team_id", "user_id", name="uq_onboarding_team_user"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    user_id: str = Field(max_length=32)
    invited_by: str | None = Field(default=None, max_length=32)  # who marked them as new
    tour_step: int = Field(default=0, description="0-based: the tour step shown last")
    tour_done_at: dt.datetime | None = Field(default=None)
    quiz_attempts: int = Field(default=0, description="finished attempts")
    best_score: int | None = Field(default=None)
    best_total: int | None = Field(default=None)
    practice_deal_id: int | None = Field(default=None, foreign_key="deal.id")
    practice_done_at: dt.datetime | None = Field(default=None)
    created_at: dt.datetime = Field(default_factory=utcnow)
    updated_at: dt.datetime = Field(default_factory=utcnow)


class QuizAttempt(SQLModel, table=True):
    """One quiz as it was asked: answers are checked against these stored questions, never
    against a regenerated quiz (the map, or the generator, may have changed since)."""

    __tablename__ = "quiz_attempt"
    __table_args__ = (Index("ix_quiz_attempt_team_user", "team_id", "user_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    user_id: str = Field(max_length=32)
    number: int = Field(description="1 for a person's first attempt, 2 for the retake…")
    map_id: str = Field(max_length=40)
    map_version: int
    seed: int
    questions: str = Field(sa_column=Column(Text, nullable=False))  # JSON, bot.onboarding.quiz
    total: int
    score: int | None = Field(default=None)  # set when the last question is answered
    started_at: dt.datetime = Field(default_factory=utcnow)
    finished_at: dt.datetime | None = Field(default=None)


class QuizAnswer(SQLModel, table=True):
    """A question answered in an attempt; the unique key makes a double click count once."""

    __tablename__ = "quiz_answer"
    __table_args__ = (UniqueConstraint("attempt_id", "question", name="uq_quiz_answer_question"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    attempt_id: int = Field(foreign_key="quiz_attempt.id")
    question: int = Field(description="0-based index into the attempt's questions")
    choice: int
    correct: bool
    answered_at: dt.datetime = Field(default_factory=utcnow)
