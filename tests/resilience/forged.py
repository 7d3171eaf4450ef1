"""Hypothesis strategies for what a forger (or a broken client) can send instead of Slack's
payloads: forged deal references, wrong types, missing fields, huge strings."""

from __future__ import annotations

import copy
import json
from typing import Any

from hypothesis import strategies as st

from bot.views.ids import ActionId, BlockId, CallbackId

JsonDict = dict[str, Any]
Path = tuple[str | int, ...]

HUGE = st.builds(
    lambda char, size: char * size,
    st.sampled_from(["x", "é", "9", "𝟗", "<", "{", " "]),
    st.integers(3000, 10_000),  # several fit in a request under the 1 MB limit
)
WRONG_TYPE: st.SearchStrategy[Any] = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False),
    st.text(max_size=20),
    st.lists(st.integers(), max_size=2),
    st.just({}),
    st.just({"id": None}),
    HUGE,
)
UNKNOWN_ACTION_IDS = st.one_of(
    st.text(min_size=1, max_size=30), st.sampled_from(["deal_advance2", "DEAL_ADVANCE", "deal_"])
)


def forged_deal_ids(*, real: int | None, other_team: int) -> st.SearchStrategy[str]:
    """A deal id as JSON text: a missing deal, another workspace's, out of range, wrong types.
    None of them coerces to a deal of the actor's workspace except `real`, which is only
    offered where the actor may not change it."""
    missing = 999_999
    plain = [other_team, missing, 2**31, 2**63, 10**30, -1, 0]
    texts = ["1e400", "-0", f"{missing}.5", f'"{missing}"', '"²"', "null", "[]", "{}", '"#1"']
    found: st.SearchStrategy[str] = st.one_of(
        st.sampled_from(plain).map(str), st.sampled_from(texts)
    )
    if real is not None:
        found = st.one_of(found, st.just(str(real)))
    return found


def forged_stages(real: str) -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from([real, "won", "", "qualify|x"]), st.text(max_size=20), HUGE)


def deal_ref_value(
    deal_ids: st.SearchStrategy[str], stages: st.SearchStrategy[str]
) -> st.SearchStrategy[str]:
    """A button value: DealRef JSON with forged parts, or not JSON at all."""
    as_json = st.builds(
        lambda deal, stage: f'{{"deal_id": {deal}, "stage": {json.dumps(stage)}}}', deal_ids, stages
    )
    return st.one_of(as_json, st.text(max_size=40), HUGE, st.just('{"deal_id": 1}'))


def checklist_block_id(
    deal_ids: st.SearchStrategy[str], stages: st.SearchStrategy[str]
) -> st.SearchStrategy[str]:
    digits = st.one_of(deal_ids, st.sampled_from(["²", "٣", "99999999999999999999", "", "1|2"]))
    return st.one_of(
        st.builds(lambda deal, stage: f"{BlockId.EXIT_ITEMS}|{deal}|{stage}", digits, stages),
        st.text(max_size=30),
        HUGE,
    )


def overflow_value(
    deal_ids: st.SearchStrategy[str], stages: st.SearchStrategy[str]
) -> st.SearchStrategy[str]:
    triggers = st.sampled_from(
        ["lose", "disqualify", "nurture", "override", "reopen:qualify", "fly"]
    )
    return st.one_of(
        st.builds(lambda t, d, s: f"{t}|{d}|{s}", triggers, deal_ids, stages),
        st.text(max_size=30),
    )


def selections() -> st.SearchStrategy[Any]:
    option = st.fixed_dictionaries(
        {"value": st.one_of(st.text(max_size=5), st.integers(-3, 12), st.none(), HUGE)},
        optional={"text": st.just({"type": "plain_text", "text": "x"})},
    )
    return st.one_of(st.lists(option, max_size=12), WRONG_TYPE)


# Where a block_actions payload can be broken, and how.
ACTION_PATHS: list[Path] = [
    ("user",),
    ("user", "id"),
    ("user", "team_id"),
    ("team",),
    ("team", "id"),
    ("actions",),
    ("actions", 0),
    ("actions", 0, "action_id"),
    ("actions", 0, "value"),
    ("actions", 0, "block_id"),
    ("actions", 0, "selected_options"),
    ("actions", 0, "selected_option"),
    ("container",),
    ("channel",),
    ("response_url",),
    ("trigger_id",),
    ("type",),
    ("state",),
]
VIEW_PATHS: list[Path] = [
    ("user",),
    ("user", "id"),
    ("team",),
    ("view",),
    ("view", "type"),
    ("view", "callback_id"),
    ("view", "private_metadata"),
    ("view", "state"),
    ("view", "state", "values"),
    ("view", "blocks"),
    ("response_urls",),
    ("type",),
]
EVENT_PATHS: list[Path] = [
    ("team_id",),
    ("event",),
    ("event", "type"),
    ("event", "user"),
    ("event", "tab"),
    ("event", "view"),
    ("event_id",),
    ("authorizations",),
    ("type",),
]


def mutations(paths: list[Path]) -> st.SearchStrategy[list[tuple[Path, Any, bool]]]:
    """Up to three changes: (path, new value, delete instead)."""
    return st.lists(st.tuples(st.sampled_from(paths), WRONG_TYPE, st.booleans()), max_size=3)


def mutated(payload: JsonDict, changes: list[tuple[Path, Any, bool]]) -> JsonDict:
    """A copy of `payload` with each change applied where its path still exists."""
    result = copy.deepcopy(payload)
    for path, value, delete in changes:
        parent: Any = result
        for key in path[:-1]:
            parent = _child(parent, key)
        last = path[-1]
        if isinstance(parent, dict) and isinstance(last, str):
            if delete:
                parent.pop(last, None)
            else:
                parent[last] = copy.deepcopy(value)
        elif isinstance(parent, list) and isinstance(last, int) and last < len(parent):
            parent[last] = copy.deepcopy(value)
    return result


def _child(parent: Any, key: str | int) -> Any:
    if isinstance(parent, dict) and isinstance(key, str):
        return parent.get(key)
    if isinstance(parent, list) and isinstance(key, int) and key < len(parent):
        return parent[key]
    return None


# The deal card's and App Home's actions (onboarding's carry steps, not deal references).
KNOWN_ACTIONS = [
    ActionId.EXIT_ITEMS,
    ActionId.ADVANCE,
    ActionId.PLAYBOOK,
    ActionId.HISTORY,
    ActionId.MORE,
    ActionId.EVIDENCE,
    ActionId.SHOW,
    ActionId.REFRESH_HOME,
]
CHANGE_ACTIONS = [ActionId.ADVANCE, ActionId.EXIT_ITEMS]
MODAL_CALLBACKS = list(CallbackId)


def modal_state_values(*, with_name: bool) -> st.SearchStrategy[Any]:
    """`view.state.values` with wrong types and forged inputs; a new-deal name that is never
    usable (none, blank, a number, an amount, too long)."""
    entry = st.one_of(
        st.fixed_dictionaries(
            {
                "type": st.just("plain_text_input"),
                "value": st.one_of(st.text(max_size=30), HUGE, WRONG_TYPE),
            }
        ),
        st.fixed_dictionaries(
            {
                "type": st.just("static_select"),
                "selected_option": st.one_of(
                    WRONG_TYPE,
                    st.fixed_dictionaries({"value": st.one_of(st.text(max_size=30), WRONG_TYPE)}),
                ),
            }
        ),
        st.fixed_dictionaries(
            {
                "type": st.just("datepicker"),
                "selected_date": st.one_of(
                    st.sampled_from(["2020-01-01", "2999-12-31", "13/13/13"]), WRONG_TYPE
                ),
            }
        ),
        WRONG_TYPE,
    )
    blocks = [b.value for b in BlockId if b is not BlockId.NAME] + ["in_evidence:budget", "x"]
    values = st.dictionaries(
        st.sampled_from(blocks),
        st.one_of(st.dictionaries(st.sampled_from(blocks), entry, max_size=2), WRONG_TYPE),
        max_size=4,
    )
    if not with_name:
        return st.one_of(values, WRONG_TYPE)
    bad_names = st.sampled_from(["", "   ", "#42", "50k", "x" * 121, "1,000"])
    name_block = bad_names.map(
        lambda name: {
            BlockId.NAME.value: {BlockId.NAME.value: {"type": "plain_text_input", "value": name}}
        }
    )
    return st.one_of(values, st.builds(lambda v, n: {**v, **n}, values, name_block), WRONG_TYPE)
