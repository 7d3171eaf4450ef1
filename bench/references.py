"""The two references a benchmark run measures beside stagecoach, each in its own process.

- `bolt`: a bare Bolt AsyncApp with default settings (process_before_response=False),
  served by its own `app.web_app()`, whose `/deal` listener only acknowledges. Its Web API
  client points at the stand-in (auth.test on the first request stays on loopback).
- `floor`: a plain aiohttp handler that verifies the signature and answers 200: what an
  acknowledgement costs with no framework at all.

`python -m bench.references {bolt,floor} --port P`; SLACK_SIGNING_SECRET, SLACK_BOT_TOKEN
and SLACK_API_URL come from the environment.
"""

from __future__ import annotations

import argparse
import logging
import os
from typing import Any

from aiohttp import web
from slack_bolt.async_app import AsyncApp
from slack_sdk.signature import SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient

from bot.cli.event_loop import new_event_loop

PATH = "/slack/events"


def bolt_app() -> web.Application:
    client = AsyncWebClient(
        token=os.environ["SLACK_BOT_TOKEN"], base_url=os.environ["SLACK_API_URL"]
    )
    app = AsyncApp(client=client, signing_secret=os.environ["SLACK_SIGNING_SECRET"])

    @app.command("/deal")
    async def deal(ack: Any) -> None:
        await ack()

    return app.web_app(path=PATH)


def floor_app() -> web.Application:
    verifier = SignatureVerifier(os.environ["SLACK_SIGNING_SECRET"])

    async def handle(request: web.Request) -> web.Response:
        body = (await request.read()).decode("utf-8")
        valid = verifier.is_valid(
            body=body,
            timestamp=request.headers.get("X-Slack-Request-Timestamp", ""),
            signature=request.headers.get("X-Slack-Signature", ""),
        )
        return web.Response(status=200 if valid else 401)

    app = web.Application()
    app.router.add_post(PATH, handle)
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("kind", choices=["bolt", "floor"])
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    app = bolt_app() if args.kind == "bolt" else floor_app()
    # on the loop `stagecoach serve` runs on, so the comparison is of the frameworks only
    loop = new_event_loop()
    web.run_app(app, host="127.0.0.1", port=args.port, access_log=None, print=None, loop=loop)


if __name__ == "__main__":
    main()
