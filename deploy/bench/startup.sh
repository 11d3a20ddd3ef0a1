#!/usr/bin/env bash
# Start time and memory of each of the six services (issue 11, item 6).
# Run `deploy/bench/startup.sh --help` for what it does and its options.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
LOAD_S=15
IDLE_S=60
FLAGS=suite
CDS=true
KEEP=false

usage() {
  cat <<USAGE
Usage: deploy/bench/startup.sh [--flags suite|default|"<jvm options>"] [--build-cds] [--load-seconds S] [--idle-seconds S] [--keep] [--help]

Starts, with its own PostgreSQL (one database per service), Kafka and token issuer on free ports,
the six PACKAGED services one after the other (each alone on the machine's spare CPU, with an
empty database: the Flyway migration is part of the start), and for each records:
  ready   process start -> GET /q/health/ready answers 200 (probed every 20 ms by bash itself, no
          process per probe: lib.sh's await_ready; BENCH_POLLER=curl times it as the benches did
          before 2026-11-28 09:40, with a curl, date and sleep per probe), twice: the first
          start (empty database, migrations) and a restart (migrated database)
  floor   just before that restart, the same for the floor app (deploy/bench/floor: bare Quarkus with
          REST, JSON, quarkus-oidc and health, no database) with the service's JVM options: its
          restart time, and the service's restart as a ratio to it
  idle    RSS 20 s after all six are ready, and heap in use after a full GC (jcmd); then the CPU each
          service, Kafka and PostgreSQL (all its processes) use while nobody calls them, over
          --idle-seconds (default 60), as % of one core: polls, fetches and timers that run anyway
  load    RSS after S seconds of wrk -t2 -c32 on a route of the service (registry GET /api/devices,
          claim GET /api/ownership/ledger, user GET /oauth/jwks, firmware GET /api/firmware/packages,
          portal GET /, notification GET /api/templates; OEM token where one is needed)
and the whole suite's memory: the six services + PostgreSQL (all its processes) + Kafka.

--flags suite    the JVM options the local suite gives every service (deploy/local ServiceProcess,
                 per service; default)
--flags default  no JVM options (the JVM's defaults: a quarter of the machine's memory as heap)
--flags "..."    these options for every service
(default)        each service's first start is a training run, as in the local suite (deploy/local
                 ServiceProcess): the JVM writes a dynamic class-data-sharing archive of every class
                 the run loaded at its stop (-XX:ArchiveClassesAtExit), and the restart maps it
                 (-XX:SharedArchiveFile); the floor app is trained the same way before its measured restart
--build-cds      instead, every start uses the build's AppCDS archive (quarkus-app/app-cds.jsa: the
                 classes loaded until Quarkus' static init), as the local suite does with
                 EVERYCLOUD_CDS_TRAINING=false; BENCH_APPCDS=false: no archive at all
BENCH_JVM_<NAME> (e.g. BENCH_JVM_REGISTRY) overrides the options of one service.
Prerequisites: ./mvnw -B -ntp install -DskipTests, wrk, curl, psql, jcmd. ~7 min.
USAGE
}

while [[ $# -gt 0 ]]; do
  case "$1" in
    --flags) FLAGS=$2; shift 2 ;;
    --load-seconds) LOAD_S=$2; shift 2 ;;
    --idle-seconds) IDLE_S=$2; shift 2 ;;
    --build-cds) CDS=false; shift ;;
    --cds) CDS=true; shift ;; # the default since 2026-11-26 19:00
    --keep) KEEP=true; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown option: $1 (see --help)" >&2; exit 2 ;;
  esac
done

source "$REPO/deploy/bench/lib.sh"
check_prerequisites "${SERVICES[@]}" floor -- wrk jcmd

set_jvm_flags "$FLAGS" "${SERVICES[@]}"

setup_work
start_infra_t0=$(date +%s.%N)
start_infra "${SERVICES[@]}"
say "infrastructure ready in $(printf '%.1f' "$(echo "$(date +%s.%N) - $start_infra_t0" | bc)")s"

declare -A FIRST=() SECOND=() FLOOR=() IDLE=() HEAP=() LOADED=() RATE=() IDLE_CPU=()
for s in "${SERVICES[@]}"; do
  say "$s: $(jvm_opts_of "$s")"
  v="BENCH_JVM_${s^^}"; base_opts=${!v}
  [[ "$CDS" == true ]] && { mkdir -p "$WORK/cds"; export "$v=$base_opts -XX:ArchiveClassesAtExit=$WORK/cds/$s.jsa"; }
  start_service "$s"; await_ready "$s"; FIRST[$s]=${SVC_READY_S[$s]}
  stop_service "$s"
  # the floor in the same conditions: the bare Quarkus app with this service's JVM options, started
  # and restarted while the same services run as during this service's restart
  export BENCH_JVM_FLOOR="$base_opts"
  [[ "$CDS" == true ]] && export BENCH_JVM_FLOOR="$base_opts -XX:ArchiveClassesAtExit=$WORK/cds/floor-$s.jsa"
  start_service floor; await_ready floor; stop_service floor
  [[ "$CDS" == true ]] && export BENCH_JVM_FLOOR="$base_opts -XX:SharedArchiveFile=$WORK/cds/floor-$s.jsa"
  start_service floor; await_ready floor; FLOOR[$s]=${SVC_READY_S[floor]}; stop_service floor
  [[ "$CDS" == true ]] && export "$v=$base_opts -XX:SharedArchiveFile=$WORK/cds/$s.jsa"
  start_service "$s"; await_ready "$s"; SECOND[$s]=${SVC_READY_S[$s]}
done
LOAD_READY=$(load)
say "all six ready; 20 s idle"
sleep 20
for s in "${SERVICES[@]}"; do
  IDLE[$s]=$(rss_mb "${SVC_PID[$s]}")
  HEAP[$s]=$(heap_used_mb "${SVC_PID[$s]}")
done
LOAD_IDLE=$(load)
# CPU while idle: nobody calls the suite; what runs is the services' own polls (Kafka fetches and
# heartbeats, outbox and sender safety polls, schedulers), the broker serving them, PostgreSQL's
# background work. The jcmd GCs above are done before the window opens.
pct_of_core() { printf '%.1f' "$(echo "scale=4; ($2 - $1) * 100 / $IDLE_S" | bc)"; }
declare -A CPU0=()
for s in "${SERVICES[@]}"; do CPU0[$s]=$(cpu_s "${SVC_PID[$s]}"); done
KAFKA_CPU0=$(cpu_s "$KAFKA_PID"); PG_CPU0=$(cpu_s $(pg_pids))
sleep "$IDLE_S"
IDLE_CPU_TOTAL=0
for s in "${SERVICES[@]}"; do
  IDLE_CPU[$s]=$(pct_of_core "${CPU0[$s]}" "$(cpu_s "${SVC_PID[$s]}")")
  IDLE_CPU_TOTAL=$(echo "$IDLE_CPU_TOTAL + ${IDLE_CPU[$s]}" | bc)
done
SUITE_IDLE_CPU="services $IDLE_CPU_TOTAL % + Kafka $(pct_of_core "$KAFKA_CPU0" "$(cpu_s "$KAFKA_PID")") % + PostgreSQL $(pct_of_core "$PG_CPU0" "$(cpu_s $(pg_pids))") % of one core over $IDLE_S s"
say "idle CPU: $SUITE_IDLE_CPU"
pg_rss() { pss_tree_mb "$PG_PID"; }
suite_mb() { local t=0 s; for s in "${SERVICES[@]}"; do t=$(( t + $(rss_mb "${SVC_PID[$s]}") )); done; echo "$t"; }
SUITE_IDLE="services $(suite_mb) MB + PostgreSQL $(pg_rss) MB (PSS) + Kafka $(rss_mb "$KAFKA_PID") MB"

route_of() {
  case "$1" in
    registry) echo "/api/devices?limit=20" ;;
    claim) echo "/api/ownership/ledger?limit=20" ;;
    user) echo "/oauth/jwks" ;;
    firmware) echo "/api/firmware/packages" ;;
    portal) echo "/" ;;
    notification) echo "/api/templates" ;;
  esac
}
for s in "${SERVICES[@]}"; do
  url="$(url_of "$s")$(route_of "$s")"
  code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $OEM_TOKEN" "$url")
  [[ "$code" == 200 ]] || { echo "$s: GET $url answered $code" >&2; exit 1; }
  RATE[$s]=$(wrk -t2 -c32 -d"${LOAD_S}s" -H "Authorization: Bearer $OEM_TOKEN" "$url" | awk '/Requests\/sec/ {printf "%.0f", $2}')
  LOADED[$s]=$(rss_mb "${SVC_PID[$s]}")
  say "$s: ${RATE[$s]} requests/s on $(route_of "$s"), RSS ${LOADED[$s]} MB"
done
SUITE_LOADED="services $(suite_mb) MB + PostgreSQL $(pg_rss) MB (PSS) + Kafka $(rss_mb "$KAFKA_PID") MB"

echo "RESULT startup $(date -u +%Y-%m-%dT%H:%MZ) $(measured "${SERVICES[@]}") | $(machine)"
printf '  %-13s %9s %9s %9s %6s %9s %9s %9s %10s %12s  %s\n' service "ready1_s" "ready2_s" "floor_s" ratio idle_MB heap_MB idle_cpu% loaded_MB "requests/s" "jvm options"
for s in "${SERVICES[@]}"; do
  printf '  %-13s %9s %9s %9s %6s %9s %9s %9s %10s %12s  %s\n' "$s" "${FIRST[$s]}" "${SECOND[$s]}" "${FLOOR[$s]}" \
    "$(printf '%.2f' "$(echo "scale=4; ${SECOND[$s]} / ${FLOOR[$s]}" | bc)")" "${IDLE[$s]}" "${HEAP[$s]}" "${IDLE_CPU[$s]}" "${LOADED[$s]}" "${RATE[$s]}" "$(jvm_opts_of "$s")"
done
echo "  floor_s: the restart of the floor app (deploy/bench/floor: bare Quarkus with REST, JSON, quarkus-oidc, health)"
echo "           with the service's JVM options, just before the service's restart; ratio = ready2_s / floor_s"
echo "  suite idle: $SUITE_IDLE; after the loads: $SUITE_LOADED"
echo "  idle CPU (idle_cpu%: % of one core): $SUITE_IDLE_CPU"
echo "  load: when all ready $LOAD_READY, idle $LOAD_IDLE, after the loads $(load)"
