"""Block Kit views: pure functions from use-case outcomes to Slack messages and views."""
