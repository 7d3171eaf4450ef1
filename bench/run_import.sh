#!/bin/sh
# Time one `stagecoach import` (then `stagecoach export`) of a file from bench/history_file.py
# into a fresh database, with peak RSS: docs/imports.md, "At scale".
#   sh bench/run_import.sh /tmp/history-100k.csv sqlite:////tmp/bench.db
#   sh bench/run_import.sh /tmp/history-100k.csv postgresql://postgres@127.0.0.1/bench
set -e
file=$1 url=$2
python=${PYTHON:-python3}
cd "$(dirname "$0")/.."
export DATABASE_URL="$url" PYTHONPATH=.
runs="import $file --team-id TBENCH"
err=$(mktemp)  # the import's progress and timing, kept apart from another run's
/usr/bin/time -f "import: %e s wall, %M KB peak RSS" $python -c 'import bot.cli; bot.cli.run()' $runs >/dev/null 2>"$err" || true
grep -v '^importing\|^reading' "$err" | tail -3
rm -f "$err"
out=$(mktemp -d)
/usr/bin/time -f "export: %e s wall, %M KB peak RSS" $python -c 'import bot.cli; bot.cli.run()' export --out "$out" --team-id TBENCH
rm -rf "$out"
