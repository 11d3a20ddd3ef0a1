#!/usr/bin/env bash
# Claims per second, their latency, and claim -> registry shows the owner (issue 11, item 5).
# Run `deploy/bench/claims.sh --help` for what it does and its options.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
KEEP=false

usage() {
  cat <<USAGE
Usage: deploy/bench/claims.sh [--claims N] [--connections C] [--duration S] [--warmup S] [--rates "R ..."] [--keep] [--help]

With its own PostgreSQL (durable, a database per service), Kafka and token issuer on free ports,
runs the PACKAGED registry and claim-service (both trusting the bench's issuer, which mints N user
tokens, one fresh user each). Devices come the product's way: CSV imports into the registry
(POST /api/devices/import, at most 10,000 lines each, identity,claim_code,expires; timed), whose
registry.device.v1 events build claim-service's projection (the script waits until claim-service
knows every code). Then wrk -t2 -c<C> -d<S>s posts POST /api/claims {code} (deploy/bench/claims.lua):
user i claims code i (one device each, never twice), each from its own client address
(X-Forwarded-For, as the gateway sets it), after a warm-up (--warmup S, default 180 s, at the same
connections) on codes the run does not use: the JVMs compile the claim path while it runs (claim-service's
JIT threads took 1.24 ms of its 4.38 ms of CPU per claim after 5 s of warm-up, 0.72-0.88 ms after 20 s,
0.47-0.59 ms after 60 s, and still ~0.1 of a core 4 minutes in: a running service is measured, not a starting one;
the report gives the compiler threads' share of a core in the warm-up's last 30 s: near 0 once the JIT is done.
On a slow machine 180 s are not enough: 2026-11-27 the JIT still took 0.21-0.46 ms per claim after 180 s, 0.07 after 420 s).
Reported: claims/s, p50/p95/p99, the answers that were not 200, the transactions each database
committed, the rows it wrote and the index scans it started per claim (pg_stat_database,
pg_stat_user_tables: not disturbed by the machine's load as the CPU figures are), and the time from claim-service's
decision (its ledger entry) to the registry's tags-changed event with the owner
(deploy/bench/OwnerVisible.java: claim.ownership.v1 -> registry -> its outbox -> Kafka); the CPU
claim-service, the registry, PostgreSQL and Kafka spent per claim during the run and in each open loop,
claim-service's by thread kind and PostgreSQL's by process kind (backends, autovacuum, WAL writer, ...); RSS.
wrk is a closed loop: C claims in flight at any time; the rate is what C connections get.
The floor, in the same run (once the registry has applied the closed loop's owners): the same
requests (tokens, bodies, connections, duration; 60 s of warm-up) against the floor app (deploy/bench/floor, with
claim-service's JVM options or BENCH_JVM_FLOOR), whose POST /floor/user checks the token as the
services do, reads the JSON on a worker thread and answers without doing anything: claims/s as a
ratio to it, and its CPU per request next to claim-service's per claim.
--rates "300 400": then (after 10 s at 200/s, not reported) for each rate an open loop of S seconds at that many claims/s
(deploy/bench/ClaimsAtRate.java: claim i is due at start + i/R whatever the answers before it, and
its latency counts from when it was due; at most 64 in flight, as wrk2's fixed connections: a claim
due while all are busy waits for one, and that wait counts), on codes and users of their own: the latency at a rate
below, at and above what the closed loop reached, and the CPU per claim at each rate, and the client's JVM's
(it runs on the same cores); and where its claims over 100 ms fell: how many, in how many of its seconds, its
three worst seconds (UTC) with their count, and PostgreSQL's checkpoints meanwhile (a stall shows as a few
seconds holding most of them, queueing as every second holding some).

Targets (issue 11): 500 claims/s with p99 < 100 ms; claim -> registry shows the owner p99 < 500 ms.
Prerequisites: ./mvnw -B -ntp install -DskipTests, wrk, curl, psql. ~12 min (mostly minting
tokens, importing and projecting ~230,000 devices, and the warm-up).
Environment: BENCH_JVM_CLAIM, BENCH_JVM_REGISTRY (or BENCH_JAVA_OPTS for both): JVM options,
e.g. BENCH_JVM_CLAIM=-XX:StartFlightRecording=filename=/tmp/claims.jfr to profile claim-service (with
BENCH_JVM_FLOOR="": the floor app takes claim-service's options otherwise, and its recording overwrites the file);
BENCH_CLAIM_JAR, BENCH_REGISTRY_JAR: another packaged service (a copy of its quarkus-app folder) to
compare builds. BENCH_PG_SETTINGS="name=value ...": more PostgreSQL settings (e.g.
"shared_preload_libraries=pg_stat_statements").
USAGE
}

CLAIMS=0
WARMUP=180
CONNECTIONS=32
DURATION=20
RATES=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --claims) CLAIMS=$2; shift 2 ;;
    --connections) CONNECTIONS=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    --warmup) WARMUP=$2; shift 2 ;;
    --rates) RATES=$2; shift 2 ;;
    --keep) KEEP=true; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown option: $1 (see --help)" >&2; exit 2 ;;
  esac
done


# the open loops' claims come after the closed loop's
OPEN=0
for r in $RATES; do OPEN=$(( OPEN + r * DURATION )); done
(( OPEN == 0 )) || OPEN=$(( OPEN + 2000 )) # ClaimsAtRate's warm-up: 10 s at 200/s
WARM_LINES=$(( WARMUP * 1000 )) # the warm-up never runs out of codes (a burst reached 1,141/s; sustained ~600/s)
RUN_LINES=$(( DURATION * 2000 > 13000 ? DURATION * 2000 : 13000 )) # codes for 2,000 claims/s (the closed loop reached ~600/s); claims.lua sends an unknown code past the end
(( CLAIMS >= WARM_LINES + RUN_LINES + OPEN )) || CLAIMS=$(( WARM_LINES + RUN_LINES + OPEN ))

source "$REPO/deploy/bench/lib.sh"
# BENCH_CLAIM_JAR: another packaged claim-service (as BENCH_REGISTRY_JAR for the registry), to compare two builds
eval "lib_$(declare -f jar_of)" # lib.sh's jar_of, kept as lib_jar_of
jar_of() { if [[ "$1" == claim && -n "${BENCH_CLAIM_JAR:-}" ]]; then echo "$BENCH_CLAIM_JAR"; else lib_jar_of "$1"; fi; }
check_prerequisites registry claim floor -- wrk
setup_work
start_infra --users "$CLAIMS" registry claim
start_service registry; start_service claim
await_ready registry; await_ready claim
token() { cat "$WORK/infra/oem.token"; }

# devices: CSV imports of at most 10,000 lines (registry.importing.max-lines)
expires=$(( $(date +%s) + 365 * 86400 ))
seq -f "clm-%07g" 1 "$CLAIMS" | awk '{ printf "K%s-%05d-Q7W\t%s\n", substr($1, 5), NR * 7 % 99991, $1 }' >"$WORK/codes.txt"
split -l 10000 -d "$WORK/codes.txt" "$WORK/part-"
IMPORTS=""
for part in "$WORK"/part-*; do
  { echo "identity,claim_code,expires"; awk -F'\t' -v e="$expires" '{ print $2 "," $1 "," e }' "$part"; } >"$part.csv"
  lines=$(grep -c . "$part")
  before=$(load); t0=$(date +%s.%N)
  answer=$(curl -s --max-time 600 -X POST -H "Authorization: Bearer $(token)" -H "Content-Type: text/csv" \
    --data-binary @"$part.csv" -w ' HTTP %{http_code}' "$(url_of registry)/api/devices/import")
  s=$(echo "$(date +%s.%N) - $t0" | bc)
  IMPORTS+="    $lines lines in $(printf '%.2f' "$s")s = $(printf '%.0f' "$(echo "$lines / $s" | bc -l)")/s, answer $(echo "$answer" | head -c 100), load $before -> $(load)"$'\n'
  say "import: $lines lines in $(printf '%.2f' "$s")s ($answer)"
done
t0=$(date +%s.%N)
for _ in $(seq 1 600); do
  known=$(psql -qtA "$PG/claim" -c "SELECT count(*) FROM claim_code")
  [[ "$known" -ge "$CLAIMS" ]] && break
  sleep 1
done
[[ "$known" -ge "$CLAIMS" ]] || { echo "claim-service knows only $known of $CLAIMS codes after 600 s" >&2; exit 1; }
PROJECTION_S=$(printf '%.1f' "$(echo "$(date +%s.%N) - $t0" | bc)")
say "claim-service knows all $CLAIMS codes (${PROJECTION_S}s after the last import answered)"
sleep 5
RSS_BEFORE="claim $(rss_mb "${SVC_PID[claim]}") MB, registry $(rss_mb "${SVC_PID[registry]}") MB"

# "token TAB code" per line: the last WARM_LINES for the warm-up, the rest for the run
paste <(cut -f2 "$WORK/infra/users.txt") <(cut -f1 "$WORK/codes.txt") >"$WORK/claims.txt"
tail -"$WARM_LINES" "$WORK/claims.txt" >"$WORK/warm.txt"; head -n $(( CLAIMS - WARM_LINES - OPEN )) "$WORK/claims.txt" >"$WORK/run.txt"
sed -n "$(( CLAIMS - WARM_LINES - OPEN + 1 )),$(( CLAIMS - WARM_LINES ))p" "$WORK/claims.txt" >"$WORK/open.txt"
say "warm-up: ${WARMUP} s"
wrk -t2 -c"$CONNECTIONS" -d"${WARMUP}s" --timeout 10s -s "$BENCH/claims.lua" "$(url_of claim)" -- "$WORK/warm.txt" 2 >"$WORK/warm-up.out" &
WARM_PID=$!
# how far the JIT got: claim-service's compiler threads' CPU in the warm-up's last 30 s
jit_ticks() { thread_cpu "${SVC_PID[claim]}" | awk '$1 == "jit" {print $2}'; }
if (( WARMUP > 40 )); then
  sleep $(( WARMUP - 30 )); JIT0=$(jit_ticks)
  wait "$WARM_PID"; JIT1=$(jit_ticks)
  WARM_JIT="claim-service's JIT threads in the warm-up's last 30 s: $(echo "scale=1; 100 * (${JIT1:-0} - ${JIT0:-0}) / $(getconf CLK_TCK) / 30" | bc) % of a core"
else
  wait "$WARM_PID"
fi
say "  $(grep '^RESULT' "$WORK/warm-up.out")"
[[ -z "${WARM_JIT:-}" ]] || say "  $WARM_JIT"
sleep 2
say "claims: wrk -t2 -c$CONNECTIONS -d${DURATION}s"
# "database commits rows index-scans" per line: transactions committed, rows inserted + updated +
# deleted, index scans started (about one per statement that finds, locks or upserts rows by key)
db_work() {
  local db
  for db in claim registry; do
    psql -qtA -F ' ' "$PG/$db" -c "SELECT current_database(), (SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()),
      (SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0) FROM pg_stat_user_tables),
      (SELECT coalesce(sum(idx_scan), 0) FROM pg_stat_user_tables)"
  done
}
DB0=$(db_work)
BEFORE=$(load)
KAFKA_PID=$(sed -n 's/^KAFKA_PID=//p' "$WORK/infra/infra.env")
CPU0=("$(cpu_s "${SVC_PID[claim]}")" "$(cpu_s "${SVC_PID[registry]}")" "$(cpu_s $(pg_pids))" "$(cpu_s "$KAFKA_PID")")
THREADS0=$(thread_cpu "${SVC_PID[claim]}"); PG_KINDS0=$(pg_cpu)
CLOSED_T0=$(date +%s%3N)
RESULT=$(timeout 600 wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --timeout 10s -s "$BENCH/claims.lua" "$(url_of claim)" -- "$WORK/run.txt" 2 | grep '^RESULT')
CLOSED_T1=$(date +%s%3N)
AFTER=$(load)
sleep 1 # the statistics counters lag behind the commits
DB1=$(db_work)
CPU1=("$(cpu_s "${SVC_PID[claim]}")" "$(cpu_s "${SVC_PID[registry]}")" "$(cpu_s $(pg_pids))" "$(cpu_s "$KAFKA_PID")")
THREADS1=$(thread_cpu "${SVC_PID[claim]}"); PG_KINDS1=$(pg_cpu)
say "$RESULT"
OK=$(echo "$RESULT" | sed -n 's/.* ok=\([0-9]*\).*/\1/p')
per_claim() { # CPU ms per claim answered ("-" when none was)
  if [[ "${OK:-0}" -gt 0 ]]; then echo "scale=2; 1000 * (${CPU1[$1]} - ${CPU0[$1]}) / $OK" | bc; else echo "-"; fi
}
CPU_PER_CLAIM="claim-service $(per_claim 0), registry $(per_claim 1), PostgreSQL $(per_claim 2), Kafka $(per_claim 3)"
CLAIM_THREADS=$( [[ "${OK:-0}" -gt 0 ]] && thread_cpu_per "$THREADS0" "$THREADS1" "$OK" )
PG_KINDS=$( [[ "${OK:-0}" -gt 0 ]] && thread_cpu_per "$PG_KINDS0" "$PG_KINDS1" "$OK" )
# per claim answered in the closed loop (the registry's include applying the owners meanwhile)
DB_PER_CLAIM=$(join <(echo "$DB0") <(echo "$DB1") | while read -r db c0 r0 i0 c1 r1 i1; do
  echo "$db $(echo "scale=2; ($c1 - $c0) / $OK" | bc) commits, $(echo "scale=2; ($r1 - $r0) / $OK" | bc) rows written, $(echo "scale=2; ($i1 - $i0) / $OK" | bc) index scans"
done | paste -sd';' - | sed 's/;/; /g')
RSS_AFTER="claim $(rss_mb "${SVC_PID[claim]}") MB, registry $(rss_mb "${SVC_PID[registry]}") MB"

# The floor of a claim, in the same run: the closed loop's very requests (same tokens, bodies and
# connections) against the floor app (deploy/bench/floor, claim-service's JVM options), whose
# POST /floor/user checks the token with quarkus-oidc as the services do, reads the JSON on a worker
# thread and answers, doing nothing else. After the registry has applied the closed loop's owners.
claimed=$(psql -qtA "$PG/claim" -c "SELECT count(*) FROM ownership_ledger WHERE action = 'claimed'")
for _ in $(seq 1 120); do
  [[ $(psql -qtA "$PG/registry" -c "SELECT count(*) FROM device_tag WHERE name = 'users'") -ge "$claimed" ]] && break
  sleep 1
done
export BENCH_JVM_FLOOR="${BENCH_JVM_FLOOR-$(jvm_opts_of claim)}"
start_service floor; await_ready floor
# the bare floor app is compiled within a minute (its JIT threads' share of a request: 0.00-0.01 ms after 60 s)
wrk -t2 -c"$CONNECTIONS" -d"$(( WARMUP < 60 ? WARMUP : 60 ))s" --timeout 10s -s "$BENCH/claims.lua" "$(url_of floor)" -- "$WORK/warm.txt" 2 /floor/user >/dev/null
FLOOR_BEFORE=$(load); FLOOR_CPU0=$(cpu_s "${SVC_PID[floor]}"); FLOOR_THREADS0=$(thread_cpu "${SVC_PID[floor]}")
FLOOR=$(timeout 600 wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --timeout 10s -s "$BENCH/claims.lua" "$(url_of floor)" -- "$WORK/run.txt" 2 /floor/user | grep '^RESULT')
FLOOR_CPU1=$(cpu_s "${SVC_PID[floor]}"); FLOOR_THREADS1=$(thread_cpu "${SVC_PID[floor]}")
say "floor (POST /floor/user): $FLOOR"
stop_service floor
FLOOR_OK=$(echo "$FLOOR" | sed -n 's/.* ok=\([0-9]*\).*/\1/p')
FLOOR_NON2XX=$(echo "$FLOOR" | sed -n 's/.* non2xx=\([0-9]*\).*/\1/p')
[[ "${FLOOR_OK:-0}" -gt 0 && "${FLOOR_NON2XX:-1}" -eq 0 ]] || { echo "the floor answered $FLOOR" >&2; exit 1; }
rate_of() { echo "$1" | sed -n 's/.* rate=\([0-9]*\).*/\1/p'; }
FLOOR_REPORT="floor (the same requests, POST /floor/user of the floor app: token checked, JSON read, nothing done): ${FLOOR#RESULT } load \"$FLOOR_BEFORE\" -> \"$(load)\"
    claims/s as a ratio to the floor: $(printf '%.2f' "$(echo "scale=4; $(rate_of "$RESULT") / $(rate_of "$FLOOR")" | bc)"); the floor's CPU ms per request: $(echo "scale=3; 1000 * ($FLOOR_CPU1 - $FLOOR_CPU0) / $FLOOR_OK" | bc) (claim-service per claim: $(per_claim 0))
    the floor's by threads: $(thread_cpu_per "$FLOOR_THREADS0" "$FLOOR_THREADS1" "$FLOOR_OK")"
OPEN_RESULTS=""
if [[ -n "$RATES" ]]; then
  sleep 2
  say "open loops: $RATES claims/s, ${DURATION}s each (after 10 s at 200/s, not reported)"
  before=$(load)
  OPEN_T0=$(date +%s%3N)
  # shellcheck disable=SC2086
  while read -r line; do
    if [[ "$line" == START* ]]; then
      before=$(load)
      CLIENT_PID=$(pgrep -f "ClaimsAtRate.java $(url_of claim)" | head -1)
      CPU0=("$(cpu_s "${SVC_PID[claim]}")" "$(cpu_s "${SVC_PID[registry]}")" "$(cpu_s $(pg_pids))" "$(cpu_s "$KAFKA_PID")" "$(cpu_s "$CLIENT_PID")")
      THREADS0=$(thread_cpu "${SVC_PID[claim]}"); PG_KINDS0=$(pg_cpu)
      LOOP_T0=$(date -u '+%Y-%m-%d %H:%M:%S')
      continue
    fi
    if [[ "$line" == RESULT_TAIL* ]]; then
      # the checkpoints in PostgreSQL's log (BenchInfra: log_checkpoints, pg/log/postgresql.log) that
      # started or completed during the loop, and one that started before and was still on
      CHECKPOINTS=$(awk -v a="$LOOP_T0" -v b="$(date -u '+%Y-%m-%d %H:%M:%S')" \
        'match($0, /20[0-9][0-9]-[0-9][0-9]-[0-9][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9][.][0-9]+ UTC .*LOG: +checkpoint (starting|complete).*/) {
           l = substr($0, RSTART, RLENGTH); t = substr(l, 1, 19); sub(/ UTC \[[0-9]+\] LOG: +/, " ", l); l = "      " substr(l, 12)
           if (t < a) { before = (l ~ /starting/) ? l : "" } else if (t <= b) { if (before != "") print before; before = ""; print l } }
         END { if (before != "") print before }' "$WORK/infra/pg/log/postgresql.log" 2>/dev/null || true)
      [[ -n "$CHECKPOINTS" ]] && CHECKPOINTS=$'\n'"$CHECKPOINTS" || CHECKPOINTS=" none"
      OPEN_RESULTS+="    claims over 100 ms: ${line#RESULT_TAIL }; PostgreSQL's checkpoints meanwhile:$CHECKPOINTS"$'\n'
      continue
    fi
    CPU1=("$(cpu_s "${SVC_PID[claim]}")" "$(cpu_s "${SVC_PID[registry]}")" "$(cpu_s $(pg_pids))" "$(cpu_s "$KAFKA_PID")" "$(cpu_s "$CLIENT_PID")")
    THREADS1=$(thread_cpu "${SVC_PID[claim]}"); PG_KINDS1=$(pg_cpu)
    OK=$(echo "$line" | sed -n 's/.* ok=\([0-9]*\).*/\1/p')
    say "$line"
    OPEN_RESULTS+="  open loop: ${line#RESULT } load \"$before\" -> \"$(load)\""$'\n'
    OPEN_RESULTS+="    CPU ms per claim: claim-service $(per_claim 0), registry $(per_claim 1), PostgreSQL $(per_claim 2), Kafka $(per_claim 3); the client's JVM (ClaimsAtRate, same cores) $(per_claim 4)"$'\n'
    OPEN_RESULTS+="    claim-service's by threads: $(thread_cpu_per "$THREADS0" "$THREADS1" "$OK"); PostgreSQL's by processes: $(thread_cpu_per "$PG_KINDS0" "$PG_KINDS1" "$OK")"$'\n'
  done < <(java "$BENCH/ClaimsAtRate.java" "$(url_of claim)" "$WORK/open.txt" "$DURATION" $RATES | grep --line-buffered -E '^(START|RESULT)')
fi
psql -qtA -F $'\t' "$PG/claim" -c "SELECT identity, user_id, (extract(epoch FROM recorded_at) * 1000)::bigint FROM ownership_ledger WHERE action = 'claimed'" >"$WORK/ledger.txt"
say "claims in claim-service's ledger: $(grep -c . "$WORK/ledger.txt"); reading registry.device.v1"
VISIBLE=$(java -cp "$CP" "$BENCH/OwnerVisible.java" "$KAFKA_BOOTSTRAP" "$WORK/ledger.txt" 2>"$WORK/owner-visible.log" | grep '^RESULT')
# the same for the claims decided during the measured closed loop only, and during the open loops
# (all of the above include the warm-up's, when the machine ran flat out for minutes)
awk -F '\t' -v a="$CLOSED_T0" -v b="$CLOSED_T1" '$3 >= a && $3 <= b' "$WORK/ledger.txt" >"$WORK/ledger-closed.txt"
VISIBLE_CLOSED=$(java -cp "$CP" "$BENCH/OwnerVisible.java" "$KAFKA_BOOTSTRAP" "$WORK/ledger-closed.txt" 2>>"$WORK/owner-visible.log" | grep '^RESULT')
VISIBLE_OPEN=""
if [[ -n "$RATES" ]]; then
  awk -F '\t' -v a="$OPEN_T0" '$3 >= a' "$WORK/ledger.txt" >"$WORK/ledger-open.txt"
  VISIBLE_OPEN="
  the open loops' claims only: $(java -cp "$CP" "$BENCH/OwnerVisible.java" "$KAFKA_BOOTSTRAP" "$WORK/ledger-open.txt" 2>>"$WORK/owner-visible.log" | grep '^RESULT' | sed 's/^RESULT //')"
fi
owners=$(psql -qtA "$PG/registry" -c "SELECT count(*) FROM device_tag WHERE name = 'users'")

cat <<REPORT
RESULT claims $(date -u +%Y-%m-%dT%H:%MZ) $(measured registry claim) | $(machine)
  ready: registry ${SVC_READY_S[registry]}s, claim ${SVC_READY_S[claim]}s (started together)
  imports (POST /api/devices/import):
${IMPORTS}  claim-service projection complete ${PROJECTION_S}s after the last import
  warm-up (wrk -t2 -c$CONNECTIONS -d${WARMUP}s): $(grep '^RESULT' "$WORK/warm-up.out" | sed 's/^RESULT //')${WARM_JIT:+
    $WARM_JIT}
  claims (wrk -t2 -c$CONNECTIONS -d${DURATION}s): ${RESULT#RESULT } load "$BEFORE" -> "$AFTER"
  $FLOOR_REPORT
${OPEN_RESULTS}  CPU ms per claim during the run (the registry's and PostgreSQL's include applying the owners meanwhile): $CPU_PER_CLAIM
    claim-service's by threads: $CLAIM_THREADS
    PostgreSQL's by processes: $PG_KINDS
  PostgreSQL per claim during the closed loop: $DB_PER_CLAIM
  all claims of the run (warm-up included): ${VISIBLE#RESULT }
  the measured closed loop's claims only: ${VISIBLE_CLOSED#RESULT }${VISIBLE_OPEN}
  claims in claim-service's ledger: $(grep -c . "$WORK/ledger.txt"); devices with an owner in the registry: $owners
  RSS before: $RSS_BEFORE; after: $RSS_AFTER
REPORT
