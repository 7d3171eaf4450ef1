"""Slack's side of OAuth in the stand-in: the authorize page a person approves an install
on, `oauth.v2.access` (a code for a workspace's bot token; with token rotation on, an
expiring token and a refresh token, and a refresh token for a new pair), and which
workspace each token it issued belongs to (auth.test answers per token; a revoked or
expired token is refused as Slack refuses it)."""

from __future__ import annotations

import base64
import secrets
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode

from aiohttp import web

from bot.slack_standin import ids
from bot.slack_standin.records import JsonDict, SlackError

DEFAULT_INSTALLER = "U0INSTALL1"
SCOPES = ",".join(
    (
        *("commands", "chat:write", "im:write", "users:read", "files:write"),
        *("channels:manage", "pins:write", "usergroups:read"),  # deal rooms
    )
)


@dataclass(slots=True)
class Grant:
    """What a person approved on the authorize page: the app in their workspace."""

    team_id: str
    team_name: str
    user_id: str


@dataclass(slots=True)
class IssuedToken:
    team_id: str
    expires_at: float | None = None  # None: does not expire (no rotation)
    revoked: bool = False


@dataclass
class OAuthServer:
    client_id: str | None = None  # when set, oauth.v2.access checks the client's credentials
    client_secret: str | None = None
    rotation: bool = False  # the app's "token rotation" switch
    expires_in: int = 43200  # seconds a rotated token lives (Slack's twelve hours)
    redirect_uri: str | None = None  # the app's configured one, when the URL names none
    codes: dict[str, Grant] = field(default_factory=dict)
    tokens: dict[str, IssuedToken] = field(default_factory=dict)
    refresh_tokens: dict[str, Grant] = field(default_factory=dict)

    def approve(
        self, *, team_id: str, user_id: str = DEFAULT_INSTALLER, team_name: str = ""
    ) -> str:
        """A person approves the install in `team_id`: the code Slack sends back."""
        code = f"code-{secrets.token_hex(8)}"
        self.codes[code] = Grant(team_id, team_name or f"Workspace {team_id}", user_id)
        return code

    def revoke(self, team_id: str) -> None:
        """The app is uninstalled (or its tokens revoked): every token of `team_id` stops."""
        for token in self.tokens.values():
            if token.team_id == team_id:
                token.revoked = True
        for refresh, grant in list(self.refresh_tokens.items()):
            if grant.team_id == team_id:
                del self.refresh_tokens[refresh]

    def access(self, args: JsonDict, authorization: str) -> JsonDict:
        self._check_client(args, authorization)
        if args.get("grant_type") == "refresh_token":
            grant = self.refresh_tokens.pop(str(args.get("refresh_token")), None)
            if grant is None:
                raise SlackError("invalid_refresh_token")
        else:
            grant = self.codes.pop(str(args.get("code")), None)
            if grant is None:
                raise SlackError("invalid_code")
        return self._issue(grant)

    def check(self, token: str) -> None:
        issued = self.tokens.get(token)
        if issued is None:
            return  # a token handed out by hand (SLACK_BOT_TOKEN): the stand-in's workspace
        if issued.revoked:
            raise SlackError("token_revoked")
        if issued.expires_at is not None and issued.expires_at <= time.time():
            raise SlackError("token_expired")

    def team_of(self, token: str | None) -> str | None:
        issued = self.tokens.get(token or "")
        return issued.team_id if issued else None

    def _check_client(self, args: JsonDict, authorization: str) -> None:
        given_id, given_secret = args.get("client_id"), args.get("client_secret")
        if authorization.startswith("Basic "):
            decoded = base64.b64decode(authorization.removeprefix("Basic ")).decode()
            given_id, _sep, given_secret = decoded.partition(":")
        if self.client_id is not None and given_id != self.client_id:
            raise SlackError("invalid_client_id")
        if self.client_secret is not None and given_secret != self.client_secret:
            raise SlackError("bad_client_secret")

    def _issue(self, grant: Grant) -> JsonDict:
        serial = secrets.token_hex(6)
        token = f"xoxe.xoxb-1-{serial}" if self.rotation else f"xoxb-{grant.team_id}-{serial}"
        expires = time.time() + self.expires_in if self.rotation else None
        self.tokens[token] = IssuedToken(grant.team_id, expires_at=expires)
        answer: JsonDict = {
            "ok": True,
            "app_id": ids.APP_ID,
            "authed_user": {"id": grant.user_id},
            "scope": SCOPES,
            "token_type": "bot",
            "access_token": token,
            "bot_user_id": ids.BOT_USER_ID,
            "team": {"id": grant.team_id, "name": grant.team_name},
            "enterprise": None,
            "is_enterprise_install": False,
        }
        if self.rotation:
            refresh = f"xoxe-1-{secrets.token_hex(8)}"
            self.refresh_tokens[refresh] = grant
            answer |= {"refresh_token": refresh, "expires_in": self.expires_in}
        return answer

    async def authorize_page(self, request: web.Request) -> web.StreamResponse:
        """The person installing approves at once, in the workspace `team` names (else the
        stand-in's), as `user` (else DEFAULT_INSTALLER); back to the redirect URL."""
        query = request.query
        redirect = query.get("redirect_uri") or self.redirect_uri
        if not redirect:
            return web.Response(status=400, text="no redirect_uri: set SLACK_REDIRECT_URI")
        code = self.approve(
            team_id=query.get("team") or ids.TEAM_ID,
            user_id=query.get("user") or DEFAULT_INSTALLER,
        )
        back = {"code": code, "state": query.get("state", "")}
        raise web.HTTPFound(f"{redirect}?{urlencode(back)}")
