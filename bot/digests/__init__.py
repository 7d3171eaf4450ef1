"""Channel digests and stuck-deal nudges: what is due, who claims it, what gets posted.

The scheduler (bot.slack.scheduler) runs inside `stagecoach serve` and in
`stagecoach digest run`; every replica runs it, and the database decides who posts what.
"""
