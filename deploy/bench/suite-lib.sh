# The old names of lib.sh's functions, kept only until claims.sh sources lib.sh itself (claims.sh is
# being changed by another engineer; then this file goes). Sourced, not run. Expects REPO.
# shellcheck shell=bash

# shellcheck disable=SC1091
source "$REPO/deploy/bench/lib.sh"
check_suite_prerequisites() { check_prerequisites "$@"; }
suite_setup_work() { setup_work; }
start_suite_infra() { start_infra --users "${1:-0}"; } # [users]: all six databases
