"""One sample of each outcome type a feature adds, built by hand (no database): for the view
suite's check that every Outcome type has a view (tests/views/test_views_outcomes.py) and
for each feature's own view tests."""
