"""The Slack surface: Bolt listeners (thin adapters), the HTTP server and Socket Mode."""
