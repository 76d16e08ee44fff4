#!/usr/bin/env bash
# Mutation testing: mutmut makes one small change at a time to the rules, the safety screen, the clock
# code and the refill code (titrate/core/rules.py, titrate/core/screen/, titrate/core/wallclock.py, titrate/core/refills.py;
# configured under [tool.mutmut] in pyproject.toml), runs the tests that reach the changed function, and
# counts the changes no test notices. Slow (about an hour on 2 cores), so not part of CI.
#
#   tests/mutation/run.sh                  run every mutant not yet checked, then print the scores
#   tests/mutation/run.sh "titrate.core.rules*" only these mutants (mutmut's name patterns)
#   .venv/bin/mutmut show NAME             the change a surviving mutant made
#
# Results are kept in mutants/ (ignored by git); delete it to start over after changing the code.
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ ! -x .venv/bin/mutmut ]; then
    python3 -m venv .venv
    .venv/bin/pip install -q -e ".[test,mutation]"
fi
export HYPOTHESIS_PROFILE=mutation TITRATE_MUTATION=1
.venv/bin/mutmut run --max-children "${MUTATION_JOBS:-$(nproc)}" "$@" > mutants.log 2>&1 || {
    tail -n 20 mutants.log >&2
    exit 1
}
.venv/bin/python tests/mutation/score.py
