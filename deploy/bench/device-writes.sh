#!/usr/bin/env bash
# Device-write benchmark of device-registry-service (issue 11, items 1 and 2).
# Run `deploy/bench/device-writes.sh --help` for what it does and its options.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
DEVICES=1000
THREADS=2
CONNECTIONS=200
DURATION=30s
WARMUP=120s
PRODUCER_RECORDS=200000
FLAGS=suite
KEEP=false

usage() {
  cat <<EOF
Usage: deploy/bench/device-writes.sh [--devices N] [--threads T] [--connections C] [--duration D]
                                     [--warmup W] [--producer-records R] [--keep] [--help]

Measures durable device writes over the Exosite HTTP API against the PACKAGED registry, with its
own PostgreSQL (durable: fsync and synchronous_commit on) and Kafka broker on free ports, in a
temporary folder. It never uses the local suite's ports (8080, 8101-8106, 15432, 19092, 2525, 8025).

  1. starts PostgreSQL (the registry's database) + Kafka + a token issuer (deploy/bench/lib.sh's
     start_infra: BenchInfra.java, the testkit's parts)
  2. starts device-registry-service/target/quarkus-app/quarkus-run.jar on a free port
  3. sets the product to open provisioning (SQL, what PUT /api/product does) and activates
     N devices (bench-000001...) with POST /provision/activate, keeping their tokens
  4. FLOOR: wrk, same threads/connections/duration, GET /timestamp (no database, no Kafka)
     (deploy/bench/device-api.lua floor)
     POST FLOOR: the same, POST /bench/post-floor with the writes' very headers and form body, read
     and discarded, 204 on the event loop (REGISTRY_BENCH_POST_FLOOR=true switches it on)
  5. WRITES: wrk POST /onep:v1/stack/alias data_in={"t":<unique>} rotating the X-Exosite-CIK tokens
     (deploy/bench/device-api.lua write)
  6. COUNT: every 2xx wrk saw must be stored: outbox events of registry.resource.v1 (one per data_in
     write, committed in the write's transaction; a group commit packs its events into one row)
     and, once relayed, records in the Kafka topic
  7. producer floor: a raw Kafka producer (acks=all) sending R records
  8. RATIOS: writes/s to the GET floor, to the POST floor, and to the two floors together (one
     request to a bare endpoint plus one Kafka record per write: 1 / (1/GET floor + 1/producer))
Prints one RESULT block (with the load average at each phase) and stops everything it started.

Prerequisites: ./mvnw -B -ntp install -DskipTests (builds the registry's quarkus-app and
deploy/local/target/lib), wrk (apt-get install -y wrk), curl, psql.

Options (defaults):
  --devices N            devices activated and written to ($DEVICES)
  --threads T            wrk threads ($THREADS)
  --connections C        keep-alive connections = writes in flight ($CONNECTIONS)
  --duration D           each wrk run ($DURATION)
  --warmup W             writes before measuring, so the JIT has compiled the write path ($WARMUP;
                         then 5 s of each floor; with 30 s, C2 still compiled the registry, whose
                         Tier4 thresholds are 10 times the JVM's, during the measured writes)
  --producer-records R   records of the raw producer floor ($PRODUCER_RECORDS; 0 skips it)
  --flags suite|default|"<jvm options>"
                         the registry's JVM options ($FLAGS): suite = the local suite's (deploy/local
                         ServiceProcess, as startup.sh; since 2026-11-26 22:30 UTC), default = none
                         (the JVM's defaults, as every figure before that), or the given ones
  --keep                 keep the temporary folder (logs, tokens) afterwards
Environment: BENCH_JAVA_OPTS (JVM options added to --flags', e.g. JFR) or BENCH_JVM_REGISTRY
(the registry's whole JVM options, instead of --flags); BENCH_REGISTRY_JAR (another packaged
registry's quarkus-run.jar).
EOF
}

while [[ $# -gt 0 ]]; do
  case "$1" in
    --devices) DEVICES=$2; shift 2 ;;
    --threads) THREADS=$2; shift 2 ;;
    --connections) CONNECTIONS=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    --warmup) WARMUP=$2; shift 2 ;;
    --producer-records) PRODUCER_RECORDS=$2; shift 2 ;;
    --flags) FLAGS=$2; shift 2 ;;
    --keep) KEEP=true; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown option: $1 (see --help)" >&2; exit 2 ;;
  esac
done
[[ "$DEVICES" =~ ^[0-9]+$ && "$DEVICES" -ge 1 && "$DEVICES" -le 100000 ]] || { echo "--devices: 1..100000" >&2; exit 2; }

source "$REPO/deploy/bench/lib.sh"
check_prerequisites registry -- wrk
set_jvm_flags "$FLAGS" registry
setup_work
start_infra registry
export REGISTRY_BENCH_POST_FLOOR=true # switches on POST /bench/post-floor, the second floor
start_registry
activate_devices "$DEVICES"

run_wrk() { # <write|floor> <label> <duration>
  local out="$WORK/wrk-$2.txt"
  say "wrk $2: -t$THREADS -c$CONNECTIONS -d$3"
  local before; before=$(load)
  local reg0 pg0 kafka0; reg0=$(cpu_s "$REGISTRY_PID"); pg0=$(cpu_s $(pg_pids)); kafka0=$(cpu_s "$KAFKA_PID")
  timeout 600 wrk -t"$THREADS" -c"$CONNECTIONS" -d"$3" --timeout 10s --latency -s "$BENCH/device-api.lua" "$BASE" -- "$WORK/tokens.txt" "$1" >"$out"
  # CPU seconds each part used during the run: what a request costs, whatever the machine's load
  local cpu; cpu="cpu_registry_s=$(echo "$(cpu_s "$REGISTRY_PID") - $reg0" | bc) cpu_pg_s=$(echo "$(cpu_s $(pg_pids)) - $pg0" | bc) cpu_kafka_s=$(echo "$(cpu_s "$KAFKA_PID") - $kafka0" | bc)"
  echo "$(grep '^RESULT' "$out") $cpu load_before=\"$before\" load_after=\"$(load)\""
}
field() { sed -n "s/.*[ ]$2=\([^ ]*\).*/\1/p" <<<"$1"; }

# 4. + 5. floor, then writes
# a warm-up of both paths, so neither measured run pays for the JIT: on a loaded machine the C2
# compiler threads still used more CPU than the request threads 10 s into the writes (JFR); with the
# registry's Tier4 thresholds (10 times the JVM's) and a 30 s warm-up, its C2 threads still took
# 7.6 % of the machine's samples during the measured writes (perf, 2026-11-27 13:52), 0.8 % after 120 s
run_wrk write warmup "$WARMUP" >/dev/null
run_wrk floor warmup-floor 5s >/dev/null
run_wrk postfloor warmup-postfloor 5s >/dev/null
FLOOR=$(run_wrk floor floor "$DURATION")
POST_FLOOR=$(run_wrk postfloor postfloor "$DURATION")
# outbox events, not rows: a group commit stores its events of one topic in one packed row (the
# service-kit's Outbox.publishAll), whose message_key holds one key per event, one per line
OUTBOX_EVENTS="SELECT coalesce(sum(1 + length(message_key) - length(replace(message_key, E'\\n', ''))), 0) FROM outbox WHERE topic = 'registry.resource.v1'"
psql -qtA "$SQL" -c "$OUTBOX_EVENTS" >"$WORK/outbox-before.txt"
psql -qtA "$SQL" -c "SELECT count(*) FROM outbox WHERE topic = 'registry.resource.v1'" >"$WORK/outbox-rows-before.txt"
WRITES=$(run_wrk write writes "$DURATION")
BEFORE_ROWS=$(cat "$WORK/outbox-before.txt")

# 6. count: let the requests still in flight when wrk stopped finish, then compare
sleep 3
STORED=$(( $(psql -qtA "$SQL" -c "$OUTBOX_EVENTS") - BEFORE_ROWS ))
STORED_ROWS=$(( $(psql -qtA "$SQL" -c "SELECT count(*) FROM outbox WHERE topic = 'registry.resource.v1'") - $(cat "$WORK/outbox-rows-before.txt") ))
OK=$(field "$WRITES" ok)
say "waiting for the outbox relay to drain (max 120 s)"
for _ in $(seq 1 120); do
  PENDING=$(psql -qtA "$SQL" -c "SELECT count(*) FROM outbox WHERE sent_at IS NULL")
  [[ "$PENDING" -eq 0 ]] && break
  sleep 1
done
TOTAL_ROWS=$(psql -qtA "$SQL" -c "$OUTBOX_EVENTS")
KAFKA_RECORDS=$(cd "$REPO" && java -cp "$CP" deploy/bench/BenchInfra.java kafka-count "$KAFKA_BOOTSTRAP" registry.resource.v1 2>/dev/null | tail -1)
METRICS=$(curl -sf "$BASE/q/metrics" || true)
BATCH_COUNT=$(awk '/^registry_device_writes_group_size_count/{print $2}' <<<"$METRICS" | head -1)
BATCH_SUM=$(awk '/^registry_device_writes_group_size_sum/{print $2}' <<<"$METRICS" | head -1)
BATCH_MAX=$(awk '/^registry_device_writes_group_size_max/{print $2}' <<<"$METRICS" | head -1)
RSS_MB=$(( $(ps -o rss= -p "$REGISTRY_PID") / 1024 ))

# 7. raw Kafka producer floor
PRODUCER="skipped"
if [[ "$PRODUCER_RECORDS" -gt 0 ]]; then
  say "raw Kafka producer: $PRODUCER_RECORDS records"
  PRODUCER="$( (cd "$REPO" && timeout 300 java -cp "$CP" deploy/bench/BenchInfra.java producer-floor "$KAFKA_BOOTSTRAP" "$PRODUCER_RECORDS" 2>/dev/null) | grep '^producer_floor' || echo failed) load=\"$(load)\""
fi

W_RATE=$(echo "scale=0; $(field "$WRITES" ok) / $(field "$WRITES" seconds)" | bc)
F_RATE=$(echo "scale=0; $(field "$FLOOR" ok) / $(field "$FLOOR" seconds)" | bc)
RATIO=$(printf '%.2f' "$(echo "scale=4; $W_RATE / $F_RATE" | bc)")
P_RATE=$(echo "scale=0; $(field "$POST_FLOOR" ok) / $(field "$POST_FLOOR" seconds)" | bc)
# a registry jar older than POST /bench/post-floor answers it 404: no second floor then
if [[ "$P_RATE" -gt 0 ]]; then P_RATIO=$(printf '%.2f' "$(echo "scale=4; $W_RATE / $P_RATE" | bc)"); else P_RATIO="n/a (the jar has no POST floor)"; fi
# the issue's two floors together: a write is at least one request to a bare endpoint and one Kafka record,
# so that floor's rate is 1 / (1/F_RATE + 1/K_RATE)
K_RATE=$(sed -nE 's/.* rate=([0-9]+).*/\1/p' <<<"$PRODUCER")
if [[ -n "$K_RATE" && "$K_RATE" -gt 0 ]]; then
  BOTH_RATE=$(echo "scale=10; r = 1 / (1 / $F_RATE + 1 / $K_RATE); scale=0; r / 1" | bc -l)
  BOTH_RATIO="$(printf '%.2f' "$(echo "scale=4; $W_RATE / $BOTH_RATE" | bc -l)") (GET /timestamp and a raw Kafka record per write: $BOTH_RATE/s)"
else
  BOTH_RATIO="n/a (no producer floor)"
fi
per_k() { echo "scale=2; 1000 * $(field "$1" "$2") / $(field "$1" ok)" | bc; } # CPU ms per request
AVG_BATCH=$( [[ -n "$BATCH_COUNT" && "$BATCH_COUNT" != 0* ]] && echo "scale=1; $BATCH_SUM / $BATCH_COUNT" | bc || echo "?")
if [[ "$STORED" -ge "$OK" ]]; then VERDICT="every acknowledged write stored"; else VERDICT="LOST $((OK - STORED)) acknowledged writes"; fi

REGISTRY_OPTS=$(jvm_opts_of registry); REGISTRY_OPTS=${REGISTRY_OPTS:-"none (the JVM defaults)"}
cat <<EOF
RESULT device-writes $(date -u +%Y-%m-%dT%H:%MZ) $(measured registry) | $(machine)
  registry ready in ${READY_S}s (load $READY_LOAD); $DEVICES devices activated in ${ACTIVATE_S}s
  registry JVM options  : $REGISTRY_OPTS (--flags $FLAGS)
  floor  GET /timestamp : $F_RATE req/s    $FLOOR
  floor  POST discarded : $P_RATE req/s    $POST_FLOOR
  writes data_in        : $W_RATE writes/s $WRITES
  ratio writes/floor    : $RATIO (GET /timestamp); $P_RATIO (POST /bench/post-floor); $BOTH_RATIO
  CPU ms per request    : writes: registry $(per_k "$WRITES" cpu_registry_s), PostgreSQL $(per_k "$WRITES" cpu_pg_s), Kafka $(per_k "$WRITES" cpu_kafka_s); floor: registry $(per_k "$FLOOR" cpu_registry_s); POST floor: registry $([[ "$P_RATE" -gt 0 ]] && per_k "$POST_FLOOR" cpu_registry_s || echo n/a)
  count                 : wrk 2xx $OK, outbox events of the run $STORED in $STORED_ROWS rows ($VERDICT; the surplus are requests in flight when wrk stopped); Kafka registry.resource.v1 records $KAFKA_RECORDS of $TOTAL_ROWS outbox events (incl. warm-up), pending rows after drain $PENDING
  group commit          : $BATCH_COUNT commits, avg ${AVG_BATCH} writes/commit, max $BATCH_MAX (whole run incl. warm-up and activations)
  registry RSS after    : ${RSS_MB} MB
  raw Kafka producer    : $PRODUCER
EOF
