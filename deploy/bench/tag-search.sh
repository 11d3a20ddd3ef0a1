#!/usr/bin/env bash
# Tag search at 1,000,000 devices and the CSV import rate of device-registry-service (issue 11, item 4).
# Run `deploy/bench/tag-search.sh --help` for what it does and its options.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
DEVICES=1000000
DURATION=30
CONNECTIONS=16
IMPORT_LINES=10000
WARMUP=5
FLAGS=suite
KEEP=false

usage() {
  cat <<USAGE
Usage: deploy/bench/tag-search.sh [--devices N] [--duration S] [--connections C] [--import-lines L]
                                  [--warmup S] [--flags suite|default|"<jvm options>"] [--keep] [--help]

With its own PostgreSQL (durable), Kafka and token issuer on free ports, the PACKAGED registry
migrates its database; then N devices are bulk-loaded by SQL (generate_series) into its tables:
  device      tag-0000001 ... (status provisioned)
  device_tag  claim_code = the identity on every device; users:<uuid> on 60 % (two devices per user);
              model:m0..m9 (n mod 10); region:r0..r19 (hash of n: independent of model)
then VACUUM ANALYZE. Over HTTP, with an OEM token, wrk -t2 -c<C> -d<S>s (after a warm-up of
--warmup seconds per kind, at 8 connections) rotates over 10,000 sampled queries of each kind and
reports requests/s, p50/p95/p99 and the CPU per request of the registry and of PostgreSQL:
  users     GET /api/devices?tag=users:<id>                       (a user's devices)
  user+tag  GET /api/devices?tag=users:<id>&tag=model:m<k>        (two-tag AND, selective)
  two-tags  GET /api/devices?tag=model:m<k>&tag=region:r<j>       (two-tag AND of common tags, first page)
  floor     GET /timestamp (the registry answers without the database), same wrk settings
The same with -t1 -c1 gives the latency of one request at a time.
Then the provisioning import: POST /api/devices/import of a CSV of L lines
(identity,claim_code,expires), timed, and the devices created counted in the database.

Target (issue 11): p95 < 20 ms for users and the two-tag AND.
Prerequisites: ./mvnw -B -ntp install -DskipTests, wrk, curl, psql. ~8 min (the load is most of it).
  --flags  the registry's JVM options: suite (the local suite's, the default), default (none: the
           JVM's defaults) or the given options
Environment: BENCH_JAVA_OPTS (JVM options added to --flags', e.g. JFR) or BENCH_JVM_REGISTRY
(the registry's whole JVM options, instead of --flags).
USAGE
}

while [[ $# -gt 0 ]]; do
  case "$1" in
    --devices) DEVICES=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    --connections) CONNECTIONS=$2; shift 2 ;;
    --import-lines) IMPORT_LINES=$2; shift 2 ;;
    --warmup) WARMUP=$2; shift 2 ;;
    --flags) FLAGS=$2; shift 2 ;;
    --keep) KEEP=true; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown option: $1 (see --help)" >&2; exit 2 ;;
  esac
done

source "$REPO/deploy/bench/lib.sh"
check_prerequisites registry -- wrk
set_jvm_flags "$FLAGS" registry
setup_work
start_infra registry
start_service registry
await_ready registry
RSS_IDLE=$(rss_mb "${SVC_PID[registry]}")
BASE=$(url_of registry)
SQL="$PG/registry"

say "bulk-loading $DEVICES devices"
t0=$(date +%s.%N)
psql -q -v ON_ERROR_STOP=1 "$SQL" <<SQL
INSERT INTO device (identity, status)
  SELECT 'tag-' || lpad(n::text, 7, '0'), 'provisioned' FROM generate_series(1, $DEVICES) n;
INSERT INTO device_tag (identity, name, value)
  SELECT 'tag-' || lpad(n::text, 7, '0'), 'claim_code', 'tag-' || lpad(n::text, 7, '0') FROM generate_series(1, $DEVICES) n;
INSERT INTO device_tag (identity, name, value)
  SELECT 'tag-' || lpad(n::text, 7, '0'), 'users', md5('user-' || ((n + 1) / 2))::uuid::text
  FROM generate_series(1, $DEVICES * 6 / 10) n;
INSERT INTO device_tag (identity, name, value)
  SELECT 'tag-' || lpad(n::text, 7, '0'), 'model', 'm' || (n % 10) FROM generate_series(1, $DEVICES) n;
INSERT INTO device_tag (identity, name, value)
  SELECT 'tag-' || lpad(n::text, 7, '0'), 'region', 'r' || (abs(hashint4(n)) % 20) FROM generate_series(1, $DEVICES) n;
SQL
LOAD_S=$(printf '%.1f' "$(echo "$(date +%s.%N) - $t0" | bc)")
psql -q "$SQL" -c "VACUUM ANALYZE device" -c "VACUUM ANALYZE device_tag"
COUNTS=$(psql -qtA "$SQL" -c "SELECT (SELECT count(*) FROM device) || ' devices, ' || (SELECT count(*) FROM device_tag) || ' tags'")
say "loaded $COUNTS in ${LOAD_S}s (+ VACUUM ANALYZE)"

# 10,000 sampled queries of each kind
psql -qtA "$SQL" -c "SELECT '/api/devices?tag=users:' || value FROM device_tag WHERE name = 'users' ORDER BY random() LIMIT 10000" >"$WORK/users.paths"
psql -qtA "$SQL" -c "SELECT '/api/devices?tag=users:' || value || '&tag=model:m' || (random() * 9)::int FROM device_tag WHERE name = 'users' ORDER BY random() LIMIT 10000" >"$WORK/user-tag.paths"
psql -qtA "$SQL" -c "SELECT '/api/devices?tag=model:m' || (random() * 9)::int || '&tag=region:r' || (random() * 19)::int FROM generate_series(1, 10000)" >"$WORK/two-tags.paths"
echo "/timestamp" >"$WORK/floor.paths"
token() { cat "$WORK/infra/oem.token"; }
sample=$(head -1 "$WORK/users.paths")
say "sample: GET $sample -> $(curl -s -H "Authorization: Bearer $(token)" "$BASE$sample" | head -c 300)"
[[ $(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $(token)" "$BASE$sample") == 200 ]] || { echo "search failed" >&2; exit 1; }

run() { # <paths> <connections> <seconds>
  local reg0 pg0 out; reg0=$(cpu_s "${SVC_PID[registry]}"); pg0=$(cpu_s $(pg_pids))
  out=$(timeout 600 wrk -t"$(( $2 < 2 ? $2 : 2 ))" -c"$2" -d"$3s" --timeout 10s -s "$BENCH/get-paths.lua" "$BASE" -- "$WORK/$1.paths" "$(token)" | grep '^RESULT' | sed 's/^RESULT //')
  # CPU ms per answered request of the registry and of PostgreSQL: what a search costs, whatever the load
  local ok; ok=$(sed -n 's/^ok=\([0-9]*\).*/\1/p' <<<"$out")
  echo "$out cpu_ms_registry=$(echo "scale=3; 1000 * ($(cpu_s "${SVC_PID[registry]}") - $reg0) / ${ok:-1}" | bc) cpu_ms_pg=$(echo "scale=3; 1000 * ($(cpu_s $(pg_pids)) - $pg0) / ${ok:-1}" | bc)"
}
say "warm-up (${WARMUP}s per kind)"
run users 8 "$WARMUP" >/dev/null; run user-tag 8 "$WARMUP" >/dev/null; run two-tags 8 "$WARMUP" >/dev/null
declare -A R=()
for c in "$CONNECTIONS" 1; do
  for kind in floor users user-tag two-tags; do
    before=$(load)
    R[$kind.$c]="$(run "$kind" "$c" "$DURATION") load=\"$before -> $(load)\""
    say "$kind -c$c: ${R[$kind.$c]}"
  done
done
RSS_LOADED=$(rss_mb "${SVC_PID[registry]}")

# provisioning import: one CSV of IMPORT_LINES devices with a claim code each, expiring in a year
expires=$(( $(date +%s) + 365 * 86400 ))
{ echo "identity,claim_code,expires"; seq -f "imp-%07g" 1 "$IMPORT_LINES" | awk -v e="$expires" '{ print $1 ",code-" $1 "-x7," e }'; } >"$WORK/import.csv"
before=$(load)
t0=$(date +%s.%N)
answer=$(curl -s --max-time 600 -X POST -H "Authorization: Bearer $(token)" -H "Content-Type: text/csv" \
  --data-binary @"$WORK/import.csv" -w ' HTTP %{http_code}' "$BASE/api/devices/import")
IMPORT_S=$(echo "$(date +%s.%N) - $t0" | bc)
created=$(psql -qtA "$SQL" -c "SELECT count(*) FROM device WHERE identity LIKE 'imp-%'")
IMPORT="lines=$IMPORT_LINES seconds=$(printf '%.2f' "$IMPORT_S") rate=$(printf '%.0f' "$(echo "$IMPORT_LINES / $IMPORT_S" | bc -l)")/s created_in_db=$created answer=\"$(echo "$answer" | head -c 120)\" load=\"$before -> $(load)\""
say "import: $IMPORT"

cat <<REPORT
RESULT tag-search $(date -u +%Y-%m-%dT%H:%MZ) $(measured registry) | $(machine)
  registry JVM options: $(o=$(jvm_opts_of registry); echo "${o:-none (the JVM defaults)}") (--flags $FLAGS); warm-up ${WARMUP}s per kind
  registry ready in ${SVC_READY_S[registry]}s, RSS idle ${RSS_IDLE} MB, after the searches ${RSS_LOADED} MB; $COUNTS bulk-loaded in ${LOAD_S}s
$(for c in "$CONNECTIONS" 1; do for kind in floor users user-tag two-tags; do echo "  $kind -c$c: ${R[$kind.$c]}"; done; done)
  import: $IMPORT
REPORT
