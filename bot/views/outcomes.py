"""`outcome_message(outcome)`: every use-case result as a Slack message, by its type.

Dispatch is by type (functools.singledispatch). Every Outcome type is registered by name,
even those that share the plain failure view, so a test can tell a new type from a known one.
"""

from __future__ import annotations

from functools import singledispatch

from bot.core.outcomes import (
    Ambiguous,
    Blocked,
    Done,
    Failure,
    Invalid,
    NotAllowed,
    NotFound,
    Outcome,
    Stale,
)
from bot.deals.feedback import FeedbackClosed, FeedbackGiven, FeedbackList
from bot.deals.outcomes import (
    Approved,
    Created,
    DealHistory,
    DealList,
    Edited,
    EditForm,
    HandoffAccepted,
    MapPicture,
    Moved,
    ObjectionNoted,
    OwnersShown,
    Playbook,
    Rejected,
    SentBack,
    Shown,
    Ticked,
    Validated,
    WhichDeal,
)
from bot.deals.room_outcomes import RoomExists, RoomMade, RoomNotMade, RoomWanted
from bot.digests.content import DigestPreview, DigestSubscriptions
from bot.onboarding.outcomes import (
    Delivery,
    OnboardingOverview,
    OnboardingStatus,
    QuizAnswered,
    QuizAsked,
    TourShown,
)
from bot.reporting.outcomes import ActualFlowReport, PlanReport, StatsReport
from bot.team.outcomes import (
    RoleChanged,
    RoleOf,
    Roles,
    TeamChanged,
    TeamOf,
    Teams,
    WorkspaceSettingsShown,
)
from bot.views.actual_flow import actual_flow_message
from bot.views.approvals import approved_message, rejected_message
from bot.views.blocks import section
from bot.views.card import card_blocks, card_text, change_card, stage_card
from bot.views.counts import counted
from bot.views.deal_list import deal_list_message
from bot.views.digest_preview import preview_message
from bot.views.edits import edit_form_opened, edited_message
from bot.views.failures import (
    ambiguous_message,
    blocked_message,
    failure_message,
    not_found_message,
    stale_message,
)
from bot.views.feedback import (
    feedback_closed_message,
    feedback_given_message,
    feedback_list_message,
)
from bot.views.handoff import handoff_accepted_message, owners_message
from bot.views.history import history_message
from bot.views.message import Message
from bot.views.mrkdwn import escape, escape_keeping_mentions
from bot.views.notices import created_notice, moved_notice, ticked_notice
from bot.views.onboarding import delivery_message, overview_message, status_message
from bot.views.plan import plan_message
from bot.views.playbook import objection_message, playbook_message
from bot.views.quiz import answered_message, question_message
from bot.views.roles import role_changed_message, role_of_message, roles_message
from bot.views.rooms import (
    room_exists_message,
    room_made_message,
    room_not_made_message,
    room_wanted_message,
)
from bot.views.stats import stats_message
from bot.views.subscriptions import subscriptions_message
from bot.views.team import team_changed_message, team_of_message, teams_message
from bot.views.tour import tour_message
from bot.views.validation import sent_back_message, validated_message
from bot.views.webhooks import webhook_added_message, webhook_list_message, webhook_removed_message
from bot.views.which_deal import which_deal_message
from bot.views.workspace_settings import workspace_settings_message
from bot.webhooks.outcomes import WebhookAdded, WebhookList, WebhookRemoved
from flows.i18n import _
from flows.machine import Move


@singledispatch
def outcome_message(outcome: Outcome) -> Message:
    raise TypeError(f"no view for {type(outcome).__name__}")


@outcome_message.register
def _shown(outcome: Shown) -> Message:
    return stage_card(outcome.card, notice=outcome.notice)


@outcome_message.register
def _created(outcome: Created) -> Message:
    return stage_card(outcome.card, notice=created_notice(outcome.card))


@outcome_message.register
def _approved(outcome: Approved) -> Message:
    return approved_message(outcome)


@outcome_message.register
def _rejected(outcome: Rejected) -> Message:
    return rejected_message(outcome)


@outcome_message.register
def _ticked(outcome: Ticked) -> Message:
    return change_card(outcome.card, notice=ticked_notice(outcome))


@outcome_message.register
def _moved(outcome: Moved) -> Message:
    # Forward through the gate, the next checklist is what the rep works on; a branch or a
    # reopening lands where what the stage asks (the full card) is the news.
    if outcome.move in (Move.ADVANCE, Move.OVERRIDE):
        return change_card(outcome.card, notice=moved_notice(outcome))
    return stage_card(outcome.card, notice=moved_notice(outcome))


@outcome_message.register
def _map_picture(outcome: MapPicture) -> Message:
    total = sum(outcome.counts.values())
    deals = counted(total, "{count} open deal", "{count} open deals")
    text = _("The {title} map (v{version}), with your {deals} on it: the picture follows.").format(
        title=outcome.process_map.title, version=outcome.process_map.version, deals=deals
    )
    return Message(text=text, blocks=[section(escape(text))])


@outcome_message.register
def _done(outcome: Done) -> Message:
    if outcome.card is None:
        # Done messages are ours ("<@U…> is now a manager"): keep their mentions live.
        return Message(
            text=outcome.message, blocks=[section(escape_keeping_mentions(outcome.message))]
        )
    notice = outcome.message
    return Message(
        text=card_text(outcome.card, notice=notice), blocks=card_blocks(outcome.card, notice)
    )


outcome_message.register(DealList, deal_list_message)
outcome_message.register(WebhookAdded, webhook_added_message)
outcome_message.register(WebhookList, webhook_list_message)
outcome_message.register(WebhookRemoved, webhook_removed_message)
outcome_message.register(FeedbackGiven, feedback_given_message)
outcome_message.register(FeedbackList, feedback_list_message)
outcome_message.register(FeedbackClosed, feedback_closed_message)
outcome_message.register(ActualFlowReport, actual_flow_message)
outcome_message.register(Edited, edited_message)
outcome_message.register(RoomWanted, room_wanted_message)
outcome_message.register(RoomExists, room_exists_message)
outcome_message.register(RoomMade, room_made_message)
outcome_message.register(RoomNotMade, room_not_made_message)


@outcome_message.register
def _edit_form(outcome: EditForm) -> Message:
    return edit_form_opened(outcome.card)


outcome_message.register(WhichDeal, which_deal_message)
outcome_message.register(DealHistory, history_message)
outcome_message.register(Playbook, playbook_message)
outcome_message.register(ObjectionNoted, objection_message)
outcome_message.register(Failure, failure_message)
outcome_message.register(Invalid, failure_message)
outcome_message.register(NotAllowed, failure_message)
outcome_message.register(Ambiguous, ambiguous_message)
outcome_message.register(NotFound, not_found_message)
outcome_message.register(Blocked, blocked_message)
outcome_message.register(Stale, stale_message)
outcome_message.register(DigestSubscriptions, subscriptions_message)
outcome_message.register(DigestPreview, preview_message)
outcome_message.register(StatsReport, stats_message)
outcome_message.register(PlanReport, plan_message)
outcome_message.register(TourShown, tour_message)
outcome_message.register(QuizAsked, question_message)
outcome_message.register(QuizAnswered, answered_message)
outcome_message.register(OnboardingOverview, overview_message)
outcome_message.register(OnboardingStatus, status_message)
outcome_message.register(Delivery, delivery_message)
outcome_message.register(Validated, validated_message)
outcome_message.register(SentBack, sent_back_message)
outcome_message.register(RoleChanged, role_changed_message)
outcome_message.register(Roles, roles_message)
outcome_message.register(RoleOf, role_of_message)
outcome_message.register(TeamChanged, team_changed_message)
outcome_message.register(Teams, teams_message)
outcome_message.register(TeamOf, team_of_message)
outcome_message.register(WorkspaceSettingsShown, workspace_settings_message)
outcome_message.register(HandoffAccepted, handoff_accepted_message)
outcome_message.register(OwnersShown, owners_message)
