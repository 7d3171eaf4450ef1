"""Signed webhooks on stage events: registering endpoints (`/deal webhook`), and the rules
of delivering the outbox (claims, back-off, dead letters) without any HTTP client: the
posting itself is bot.slack.webhook_sender's. docs/webhooks.md."""
