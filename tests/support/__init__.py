"""Test support shared by every test folder: the signed-request helpers, the Slack harness."""
