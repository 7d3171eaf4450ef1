"""One adapter per export format: each reads the vendor's files into `SourceRow`s (one per
stage entry), which bot.history.rows checks and bot.history.importing writes. docs/imports.md
describes the columns each reads."""
