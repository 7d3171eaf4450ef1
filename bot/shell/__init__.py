"""`stagecoach shell` and `stagecoach say`: the whole bot in a terminal.

The shell is Slack's other side: it builds the payloads Slack would send (slash commands,
clicks, modal submissions), dispatches them into the same Bolt app in-process, and reads
what the app answered from an in-process Slack stand-in, rendered as text. Every listener,
view and rule is the one Slack users get.
"""
