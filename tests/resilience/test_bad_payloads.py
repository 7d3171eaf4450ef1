"""A sweep of interaction and event payloads a forger or a broken client could send:
missing fields, wrong types, huge strings, unknown action ids, forged deal ids in button
values, block ids and modal metadata, a deal of another workspace, changes by someone who
may not make them; and bodies that are not Slack's at all (broken JSON, non-UTF-8 bytes).

Every request is answered 200 (with a clear reply where the user can see one) or 400/401;
never a 500; nothing the app shows or sends leaks a traceback or apologises for our side;
and the database is exactly as it was (an App Home event may only record that it was seen)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

from hypothesis import given
from hypothesis import strategies as st

from bot.slack_standin import (
    app_home_opened_event,
    block_actions_payload,
    button_action,
    event_callback,
    view_submission_payload,
)
from bot.slack_standin.records import RecordedCall
from bot.views.ids import ActionId, CallbackId
from tests.resilience.answers import assert_no_leak, assert_not_sorry, is_refusal
from tests.resilience.conftest import INTRUDER, OTHER_OWNER, OTHER_TEAM, OWNER, Seeded
from tests.resilience.forged import (
    ACTION_PATHS,
    CHANGE_ACTIONS,
    EVENT_PATHS,
    HUGE,
    KNOWN_ACTIONS,
    MODAL_CALLBACKS,
    UNKNOWN_ACTION_IDS,
    VIEW_PATHS,
    WRONG_TYPE,
    checklist_block_id,
    deal_ref_value,
    forged_deal_ids,
    forged_stages,
    modal_state_values,
    mutated,
    mutations,
    overflow_value,
    selections,
)
from tests.resilience.snapshots import changed_tables, snapshot
from tests.resilience.sweep import sweep
from tests.support.harness import SIGNING_SECRET, Answer, SlackHarness
from tests.support.signing import FORM, JSON, sign, signed_event, signed_form

SWEEP = sweep(default_examples=40)
SENT_METHODS = ("response_url", "chat.postMessage", "chat.postEphemeral", "views.open")
# Never a hooks.slack.com address: the app trusts those, and tests never reach the internet.
FORGED_RESPONSE_URLS = [
    "https://evil.example.com/hook",
    "https://hooks.slack.com.evil.example/x",
    "javascript:alert(1)",
    "http://127.0.0.1:1/x",
]


@dataclass(frozen=True, slots=True)
class Actor:
    """Who sends the payload, and which deal ids they may be handed (never one they may change)."""

    user: str
    team: str | None
    real_deal: int | None  # a real deal of the workspace, offered only where refused
    not_theirs: int  # a deal id that exists, in another workspace than the actor's


def actors(seeded: Seeded) -> list[Actor]:
    return [
        Actor(OWNER, None, None, seeded.other_team_deal_id),  # forged references only
        Actor(INTRUDER, None, seeded.deal_id, seeded.other_team_deal_id),  # may not change it
        Actor(OTHER_OWNER, OTHER_TEAM, None, seeded.deal_id),  # another workspace's deal
    ]


async def send_and_check(
    slack: SlackHarness, body: str, headers: dict[str, str], *, events: bool = False
) -> tuple[Answer, list[RecordedCall]]:
    """Send one request; check the status, the reply, what was sent to Slack (returned),
    and that the database did not change."""
    before = await snapshot(slack.services.db)
    calls = len(slack.standin.calls())
    answer = await slack.post(body, headers)
    after = await snapshot(slack.services.db)

    assert answer.status in (200, 400, 401), (answer.status, answer.body)
    assert_no_leak(answer.body or "", sent=body)
    assert_not_sorry(answer.body or "", sent=body)
    sent = [call for call in slack.standin.calls()[calls:] if call.method in SENT_METHODS]
    for call in sent:
        assert_no_leak(call.args, sent=body)
        assert_not_sorry(call.args, sent=body)
    changed = changed_tables(before, after)
    if events:  # an App Home event records that it was seen, so a retry is not handled twice
        changed.pop("processed_event", None)
    assert changed == {}, f"changed {changed} for {body[:300]!r}"
    return answer, sent


@st.composite
def block_actions(
    draw: st.DrawFn, seeded: Seeded, response_url: str
) -> tuple[dict[str, Any], bool]:
    """A click payload, and whether it is intact (only its references forged)."""
    actor = draw(st.sampled_from(actors(seeded)))
    deal_ids = forged_deal_ids(real=actor.real_deal, other_team=actor.not_theirs)
    stages = forged_stages(seeded.stage)
    if actor.real_deal is not None:
        action_id = draw(st.one_of(st.sampled_from(CHANGE_ACTIONS), UNKNOWN_ACTION_IDS))
    else:
        action_id = draw(st.one_of(st.sampled_from(KNOWN_ACTIONS), UNKNOWN_ACTION_IDS))
    if action_id == ActionId.EXIT_ITEMS:
        action: dict[str, Any] = {
            "type": "checkboxes",
            "action_id": action_id,
            "block_id": draw(checklist_block_id(deal_ids, stages)),
            "selected_options": draw(selections()),
        }
    elif action_id == ActionId.MORE:
        action = {
            "type": "overflow",
            "action_id": action_id,
            "block_id": "card_actions",
            "selected_option": {"value": draw(overflow_value(deal_ids, stages))},
        }
    else:
        action = button_action(
            str(action_id), block_id="card_actions", value=draw(deal_ref_value(deal_ids, stages))
        )
    url = draw(st.one_of(st.just(response_url), st.sampled_from(FORGED_RESPONSE_URLS)))
    payload = block_actions_payload(
        action,
        user_id=actor.user,
        team_id=actor.team or "T0TEAM001",
        channel_id="C0GENERAL",
        message_ts="1700000000.000100",
        is_ephemeral=True,
        response_url=url,
    )
    changes = draw(mutations(ACTION_PATHS))
    return mutated(payload, changes), not changes


def refreshes_home(payload: dict[str, Any]) -> bool:
    """An intact click on App Home's refresh button (a read: it publishes, refuses nothing)."""
    return bool(payload["actions"][0]["action_id"] == ActionId.REFRESH_HOME)


@SWEEP
@given(data=st.data())
async def test_forged_or_broken_clicks_change_nothing(
    slack: SlackHarness, seeded: Seeded, data: st.DataObject
) -> None:
    url = slack.standin.response_url(channel="C0GENERAL", user=INTRUDER)
    payload, intact = data.draw(block_actions(seeded, url))
    answer, sent = await send_and_check(slack, *signed_form(payload, secret=SIGNING_SECRET))
    assert answer.status in (200, 400)
    if intact and answer.status == 200 and not refreshes_home(payload):  # 400: it had a NUL
        # the click is refused where the user sees it: the card's response URL or a DM
        told = [call.args for call in sent if call.method in ("response_url", "chat.postMessage")]
        assert told and all(is_refusal(args) for args in told), (payload["actions"], told)


@st.composite
def view_submissions(draw: st.DrawFn, seeded: Seeded, response_url: str) -> dict[str, Any]:
    actor = draw(st.sampled_from(actors(seeded)))
    callback = draw(st.one_of(st.sampled_from(MODAL_CALLBACKS), st.text(max_size=20)))
    deal = draw(forged_deal_ids(real=actor.real_deal, other_team=actor.not_theirs))
    meta_json = st.builds(
        lambda stage, move, url: (
            f'{{"deal_id": {deal}, "stage": {json.dumps(stage)}, "move": {json.dumps(move)}, "response_url": {json.dumps(url)}}}'
        ),
        forged_stages(seeded.stage),
        st.one_of(st.sampled_from(["lose", "evidence", "reopen:qualify"]), st.text(max_size=10)),
        st.one_of(st.just(response_url), st.sampled_from(FORGED_RESPONSE_URLS)),
    )
    metadata = draw(st.one_of(meta_json, st.text(max_size=40), HUGE))
    values = draw(modal_state_values(with_name=callback == CallbackId.NEW_DEAL))
    payload = view_submission_payload(
        str(callback),
        metadata,
        values if isinstance(values, dict) else {},
        user_id=actor.user,
        team_id=actor.team or "T0TEAM001",
    )
    if not isinstance(values, dict):
        payload["view"]["state"]["values"] = values
    return mutated(payload, draw(mutations(VIEW_PATHS)))


@SWEEP
@given(data=st.data())
async def test_forged_or_broken_modal_submissions_change_nothing(
    slack: SlackHarness, seeded: Seeded, data: st.DataObject
) -> None:
    url = slack.standin.response_url(channel="C0GENERAL", user=INTRUDER)
    payload = data.draw(view_submissions(seeded, url))
    answer, _sent = await send_and_check(slack, *signed_form(payload, secret=SIGNING_SECRET))
    view = payload.get("view")
    callback = view.get("callback_id") if isinstance(view, dict) else None
    ours = isinstance(callback, str) and callback in {c.value for c in CallbackId}
    if answer.status == 200 and ours and isinstance(answer.body, dict):
        # a refused submission is answered inside the modal, beside a field
        assert answer.body.get("response_action") == "errors", answer.body
        assert all(isinstance(text, str) and text for text in answer.body["errors"].values())


@st.composite
def events(draw: st.DrawFn) -> dict[str, Any]:
    inner = draw(
        st.one_of(
            st.builds(
                lambda user, tab: app_home_opened_event(user, tab=tab),
                st.sampled_from([OWNER, INTRUDER, "U0NOBODY"]),
                st.sampled_from(["home", "messages", "x"]),
            ),
            st.fixed_dictionaries(
                {
                    "type": st.one_of(
                        st.sampled_from(
                            ["message", "app_mention", "member_joined_channel", "app_uninstalled"]
                        ),
                        st.text(max_size=20),
                    )
                },
                optional={"user": WRONG_TYPE, "text": WRONG_TYPE, "channel": WRONG_TYPE},
            ),
        )
    )
    team = draw(st.sampled_from(["T0TEAM001", OTHER_TEAM]))
    envelope = event_callback(
        inner, team_id=team, event_id=draw(st.one_of(st.none(), st.text(min_size=1, max_size=80)))
    )
    if draw(st.booleans()):
        envelope = draw(
            st.sampled_from(
                [
                    {
                        "type": "url_verification",
                        "challenge": draw(st.text(max_size=50)),
                        "token": "x",
                    },
                    {"type": draw(st.text(max_size=20))},
                    envelope,
                ]
            )
        )
    return mutated(envelope, draw(mutations(EVENT_PATHS)))


@SWEEP
@given(data=st.data())
async def test_forged_or_broken_events_change_nothing(
    slack: SlackHarness, seeded: Seeded, data: st.DataObject
) -> None:
    envelope = data.draw(events())
    answer, _sent = await send_and_check(
        slack, *signed_event(envelope, secret=SIGNING_SECRET), events=True
    )
    assert answer.status in (200, 400)


RAW_BODIES = st.one_of(
    st.binary(max_size=200),
    st.text(max_size=200).map(lambda text: text.encode()),
    st.sampled_from(
        [
            b"payload=%7B%22type%22%3A",  # broken JSON
            b"payload=" + quote('{"type": "block_actions", "actions": [').encode(),
            b"payload=" + quote("[1, 2]").encode(),
            b"payload=" + quote('"just a string"').encode(),
            b"payload=" + quote("[" * 5000 + "]" * 5000).encode(),
            b"payload=%FF%FE%00",
            b"\xff\xfe\x00payload=x",
            b"command=%2Fdeal&text=%FF%FE",
            b"command=/deal&text=show\xc3\x28",  # an invalid UTF-8 sequence
            b"",
            b"=&=&&",
            b'{"type": "event_callback", "event": "x"}',
            b'{"type": 5}',
            b"[" * 5000 + b"]" * 5000,
        ]
    ),
)


@SWEEP
@given(
    raw=RAW_BODIES,
    content_type=st.sampled_from([FORM, JSON, "text/plain", "multipart/form-data"]),
    signed=st.booleans(),
)
async def test_bodies_that_are_not_slacks_are_refused_with_a_4xx(
    sqlite_only: None,
    slack: SlackHarness,
    seeded: Seeded,
    raw: bytes,
    content_type: str,
    signed: bool,
) -> None:
    """Refused before anything reads the database: one backend is enough."""
    headers = {"Content-Type": content_type}
    if signed:  # sign the text the app will see (a body it cannot decode is refused before)
        headers |= sign(raw.decode("utf-8", errors="replace"), SIGNING_SECRET)
    before = await snapshot(slack.services.db)
    response = await slack.client.post("/slack/events", data=raw, headers=headers)
    text = await response.text()
    await slack.settle()
    assert response.status in (200, 400, 401), (response.status, text)
    assert_no_leak(text, sent=raw.decode("utf-8", errors="replace"))
    assert changed_tables(before, await snapshot(slack.services.db)) == {}


async def test_a_body_over_a_megabyte_is_refused_not_a_500(
    slack: SlackHarness, seeded: Seeded
) -> None:
    body = urlencode({"payload": json.dumps({"type": "block_actions", "x": "x" * (1024 * 1024)})})
    before = await snapshot(slack.services.db)
    headers = {"Content-Type": FORM, **sign(body, SIGNING_SECRET)}
    response = await slack.client.post("/slack/events", data=body.encode(), headers=headers)
    assert response.status == 413  # Payload Too Large: Slack never sends a megabyte
    assert changed_tables(before, await snapshot(slack.services.db)) == {}
