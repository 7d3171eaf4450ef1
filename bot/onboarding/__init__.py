"""Onboarding a new rep: a DM tour of the map one stage per step,
a quiz generated from the map, and a practice deal walked from the first stage to won.

`tour`, `principles` and `quiz` are pure (a map in, steps and questions out); the other
modules are use cases over storage, returning the outcomes in `outcomes`.
"""
