#!/usr/bin/env bash
# The course state machine (tests/property/test_course_machine.py) with many more examples than CI's
# derandomised run, random seeds, and the PDF rendered at the end of every course. About 5 minutes for the
# default 1,000 courses on 2 cores; pass a number for more or fewer.
#
#   tests/property/run_long.sh          1,000 random courses
#   tests/property/run_long.sh 10000    ten thousand
set -euo pipefail
cd "$(dirname "$0")/../.."
TITRATE_LONG_RUN=1 TITRATE_COURSE_EXAMPLES="${1:-1000}" HYPOTHESIS_PROFILE=dev \
  exec .venv/bin/python -m pytest -p no:cacheprovider -q tests/property/test_course_machine.py
