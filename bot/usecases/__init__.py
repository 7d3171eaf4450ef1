"""The deal use cases: the rules of stagecoach, with no Slack in them.

Each use case loads what it needs, asks the flow, writes the change and its event in one
transaction, and returns a typed outcome (bot.usecases.outcomes) that a view renders.
"""
