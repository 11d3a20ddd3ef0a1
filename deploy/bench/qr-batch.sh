#!/usr/bin/env bash
# QR batch of 10,000 codes as a ZIP from claim-service: time and memory (issue 11, item 7).
# Run `deploy/bench/qr-batch.sh --help` for what it does and its options.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
DEVICES=10000
ROUNDS=2
KEEP=false

usage() {
  cat <<USAGE
Usage: deploy/bench/qr-batch.sh [--devices N] [--rounds R] [--keep] [--help]

With its own PostgreSQL (durable), Kafka and token issuer on free ports, runs the PACKAGED
registry and claim-service; imports N devices with claim codes into the registry
(POST /api/devices/import), waits until claim-service's projection knows them all, then R times
POST /api/qr/batch {"identities":[...N...]} as the OEM, and for each: the time to the last byte,
the ZIP's size and entry count (index.csv + N PNGs), claim-service's RSS and heap in use after a
full GC (jcmd) before and after, and its largest RSS sampled every 100 ms during the batch.
Target (issue 11): memory flat (the ZIP is streamed: the heap after a batch is the heap before it).
Prerequisites: ./mvnw -B -ntp install -DskipTests, curl, psql, jcmd, unzip. ~3 min.
Environment: BENCH_JVM_CLAIM (JVM options of claim-service, e.g. the local suite's -Xmx192m ...).
USAGE
}

while [[ $# -gt 0 ]]; do
  case "$1" in
    --devices) DEVICES=$2; shift 2 ;;
    --rounds) ROUNDS=$2; shift 2 ;;
    --keep) KEEP=true; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown option: $1 (see --help)" >&2; exit 2 ;;
  esac
done
[[ "$DEVICES" =~ ^[0-9]+$ && "$DEVICES" -ge 1 && "$DEVICES" -le 10000 ]] || { echo "--devices: 1..10000" >&2; exit 2; }

source "$REPO/deploy/bench/lib.sh"
check_prerequisites registry claim -- unzip jcmd
setup_work
start_infra registry claim
start_service registry; start_service claim
await_ready registry; await_ready claim
token() { cat "$WORK/infra/oem.token"; }
CLAIM_PID=${SVC_PID[claim]}

expires=$(( $(date +%s) + 365 * 86400 ))
{ echo "identity,claim_code,expires"; seq -f "qr-%07g" 1 "$DEVICES" | awk -v e="$expires" '{ print $1 ",QR" substr($1, 4) "-K7W2-Q9XP," e }'; } >"$WORK/import.csv"
curl -sf --max-time 600 -X POST -H "Authorization: Bearer $(token)" -H "Content-Type: text/csv" \
  --data-binary @"$WORK/import.csv" "$(url_of registry)/api/devices/import" >/dev/null
for _ in $(seq 1 600); do
  known=$(psql -qtA "$PG/claim" -c "SELECT count(*) FROM device")
  [[ "$known" -ge "$DEVICES" ]] && break
  sleep 1
done
[[ "$known" -ge "$DEVICES" ]] || { echo "claim-service knows only $known of $DEVICES devices" >&2; exit 1; }
seq -f "qr-%07g" 1 "$DEVICES" | awk 'BEGIN { printf "{\"identities\":[" } { printf "%s\"%s\"", (NR > 1 ? "," : ""), $1 } END { print "]}" }' >"$WORK/batch.json"
say "claim-service knows $DEVICES devices; heap and RSS idle"
sleep 5
ROWS=""
for round in $(seq 1 "$ROUNDS"); do
  heap_before=$(heap_used_mb "$CLAIM_PID"); rss_before=$(rss_mb "$CLAIM_PID")
  before=$(load)
  ( peak=0; while [[ ! -f "$WORK/done" ]]; do r=$(rss_mb "$CLAIM_PID"); (( r > peak )) && peak=$r; echo "$peak" >"$WORK/peak"; sleep 0.1; done ) &
  sampler=$!
  t0=$(date +%s.%N)
  code=$(curl -s --max-time 900 -X POST -H "Authorization: Bearer $(token)" -H "Content-Type: application/json" \
    --data-binary @"$WORK/batch.json" -o "$WORK/batch.zip" -w '%{http_code}' "$(url_of claim)/api/qr/batch")
  s=$(printf '%.1f' "$(echo "$(date +%s.%N) - $t0" | bc)")
  touch "$WORK/done"; wait "$sampler"; rm -f "$WORK/done"
  [[ "$code" == 200 ]] || { echo "batch answered $code: $(head -c 300 "$WORK/batch.zip")" >&2; exit 1; }
  entries=$(unzip -Z1 "$WORK/batch.zip" | grep -c .)
  pngs=$(unzip -Z1 "$WORK/batch.zip" | grep -c '\.png$')
  size=$(( $(stat -c %s "$WORK/batch.zip") / 1024 ))
  rss_after=$(rss_mb "$CLAIM_PID"); heap_after=$(heap_used_mb "$CLAIM_PID")
  ROWS+="  round $round: ${s}s for $DEVICES codes ($(printf '%.0f' "$(echo "$DEVICES / $s" | bc -l)")/s), ZIP ${size} KiB, $entries entries ($pngs PNG); heap after GC ${heap_before} -> ${heap_after} MB; RSS ${rss_before} -> peak $(cat "$WORK/peak") -> ${rss_after} MB; load $before -> $(load)"$'\n'
  say "round $round: ${s}s, $entries entries, heap ${heap_before} -> ${heap_after} MB, RSS ${rss_before} -> peak $(cat "$WORK/peak") -> ${rss_after} MB"
done

cat <<REPORT
RESULT qr-batch $(date -u +%Y-%m-%dT%H:%MZ) $(measured claim) | $(machine)
  claim-service JVM options: "$(jvm_opts_of claim)"; ready in ${SVC_READY_S[claim]}s
${ROWS}
REPORT
