#!/usr/bin/env bash
# Long-poll benchmark of device-registry-service (issue 11, item 3).
# Run `deploy/bench/long-polls.sh --help` for what it does and its options.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
DEVICES=2000
SAMPLE=200
FLAGS=suite
KEEP=false

usage() {
  cat <<USAGE
Usage: deploy/bench/long-polls.sh [--devices N] [--sample S] [--flags F] [--keep] [--help]

N devices each hold a long poll (GET /onep:v1/stack/alias?bench_lp, Request-Timeout 120 s, one
connection each) on the PACKAGED registry, with its own PostgreSQL, Kafka and token issuer on
free ports (never the local suite's). Once the registry's registry_long_polls_held gauge shows
them all, the platform writes bench_lp of S devices spread over the fleet
(PUT /api/devices/{identity}/resources/bench_lp as the OEM, one every 20 ms) and
deploy/bench/LongPolls.java records the time from sending each write to its device's answer
(p50/p95/p99), that no other poll answered, and the registry's RSS with all polls held; between
two writes a bare GET /timestamp measures the floor (floor_p50/p95/p99_ms) in the same run.
Stops everything it started.

Targets (issue 11): 10,000 devices, p99 < 100 ms, registry memory < 1 GB:
  deploy/bench/long-polls.sh --devices 10000
Prerequisites: ./mvnw -B -ntp install -DskipTests, curl, psql; ulimit -n above N + 1000.

Options (defaults): --devices N ($DEVICES, at most 20000: registry.device-api.max-held-polls)
                    --sample S ($SAMPLE)   --keep (keep the temporary folder)
                    --flags suite|default|"<jvm options>" (the registry's JVM options, $FLAGS: suite =
                    the local suite's, as device-writes.sh and startup.sh; default = the JVM's
                    defaults, as every figure before 2026-11-27 01:30 UTC)
Environment: BENCH_JAVA_OPTS (JVM options added to --flags') or BENCH_JVM_REGISTRY (the registry's
whole JVM options, instead of --flags); BENCH_REGISTRY_JAR (another packaged registry's quarkus-run.jar).
USAGE
}

while [[ $# -gt 0 ]]; do
  case "$1" in
    --devices) DEVICES=$2; shift 2 ;;
    --sample) SAMPLE=$2; shift 2 ;;
    --flags) FLAGS=$2; shift 2 ;;
    --keep) KEEP=true; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown option: $1 (see --help)" >&2; exit 2 ;;
  esac
done
[[ "$DEVICES" =~ ^[0-9]+$ && "$DEVICES" -ge 1 && "$DEVICES" -le 20000 ]] || { echo "--devices: 1..20000" >&2; exit 2; }
[[ "$SAMPLE" =~ ^[0-9]+$ && "$SAMPLE" -ge 1 && "$SAMPLE" -le "$DEVICES" ]] || { echo "--sample: 1..devices" >&2; exit 2; }
[[ $(ulimit -n) == unlimited || $(ulimit -n) -gt $((DEVICES + 1000)) ]] || { echo "ulimit -n is $(ulimit -n): raise it above $((DEVICES + 1000))" >&2; exit 1; }

source "$REPO/deploy/bench/lib.sh"
set_jvm_flags "$FLAGS" registry
check_prerequisites registry
setup_work
start_infra registry
start_registry
RSS_IDLE_MB=$(( $(ps -o rss= -p "$REGISTRY_PID") / 1024 ))
activate_devices "$DEVICES"

say "opening $DEVICES long polls, then $SAMPLE platform writes"
BEFORE=$(load)
RESULT=$(timeout 600 java -Xmx512m "$BENCH/LongPolls.java" "$BASE" "$WORK/devices.txt" "$OEM_TOKEN" "$SAMPLE" "$REGISTRY_PID" | grep '^RESULT')

cat <<REPORT
RESULT long-polls $(date -u +%Y-%m-%dT%H:%MZ) $(measured registry) | $(machine)
  registry ready in ${READY_S}s (load $READY_LOAD), RSS idle ${RSS_IDLE_MB} MB; $DEVICES devices activated in ${ACTIVATE_S}s
  registry JVM options: $(o=$(jvm_opts_of registry); echo "${o:-none (the JVM defaults)}") (--flags $FLAGS)
  ${RESULT#RESULT } load_before="$BEFORE" load_after="$(load)"
REPORT
