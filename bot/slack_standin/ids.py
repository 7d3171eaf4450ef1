"""The stand-in workspace's fixed identities, shared by the stand-in and the payload builders.

Fixed (not random) so that golden tests and shell transcripts stay stable between runs.
"""

from __future__ import annotations

TEAM_ID = "T0STAGE01"
TEAM_DOMAIN = "stagecoach-test"
TEAM_NAME = "Stagecoach Test"
APP_ID = "A0STAGE01"
BOT_ID = "B0STAGE01"
BOT_USER_ID = "U0STAGEBOT"
BOT_NAME = "stagecoach"
# Slack still sends the legacy verification token in every payload; Bolt ignores it.
VERIFICATION_TOKEN = "verification-token"
