# Shared parts of the benchmarks that run several services (tag-search.sh, claims.sh, qr-batch.sh,
# startup.sh); sourced, not run. Expects REPO; sets WORK. The infrastructure is BenchSuite.java
# (PostgreSQL durable with one database per service, Kafka, token issuer, free ports); each service
# runs PACKAGED (<module>/target/quarkus-app/quarkus-run.jar) on a free port.
# shellcheck shell=bash

BENCH="$REPO/deploy/bench"
CP="$REPO/deploy/local/target/classes:$REPO/deploy/local/target/lib/*"
KEEP=${KEEP:-false}
INFRA_PID=""
declare -A SVC_PID=() SVC_READY_S=() SVC_T0=()
SERVICES=(registry claim user firmware portal notification)

load() { cut -d' ' -f1-3 /proc/loadavg; }
say() { echo "[$(date -u +%H:%M:%S) load $(load)] $*" >&2; }
machine() { echo "$(nproc) cores, $(free -m | awk '/^Mem:/{print $2}') MiB"; }
module_of() {
  case "$1" in
    registry) echo device-registry-service ;;
    *) echo "$1-service" ;;
  esac
}
jar_of() { echo "$REPO/$(module_of "$1")/target/quarkus-app/quarkus-run.jar"; }
# what was measured: HEAD and the build time of each jar used
measured() { # <services...>
  local s out="commit $(git -C "$REPO" rev-parse --short HEAD)"
  for s in "$@"; do out+=", $s jar $(date -u -r "$WORK/apps/$s/quarkus-run.jar" +%H:%MZ)"; done
  echo "$out, PostgreSQL $PG_DURABILITY"
}
rss_mb() { echo $(( $(ps -o rss= -p "$1" 2>/dev/null || echo 0) / 1024 )); }
# Java heap in use after a full GC, MB (jcmd GC.run, then GC.heap_info; Metaspace lines not counted)
heap_used_mb() {
  jcmd "$1" GC.run >/dev/null 2>&1 || true
  jcmd "$1" GC.heap_info 2>/dev/null | awk '
    /Metaspace|class space/ { next }
    / used / { for (i = 1; i <= NF; i++) if ($i == "used") { v = $(i+1); sub(/K,?$/, "", v); s += v } }
    END { printf "%d\n", s / 1024 }'
}
# proportional set size of a process and its children, MB (PostgreSQL: shared buffers counted once)
pss_tree_mb() {
  local pids; pids=$(ps -o pid= --ppid "$1"; echo "$1")
  for p in $pids; do awk '/^Pss:/ {print $2}' "/proc/$p/smaps_rollup" 2>/dev/null; done | awk '{s += $1} END {print int(s / 1024)}'
}

check_suite_prerequisites() { # <services...> then "--" <commands...>
  local s
  while [[ $# -gt 0 && "$1" != -- ]]; do
    [[ -f "$(jar_of "$1")" ]] || { echo "missing $(jar_of "$1"): run ./mvnw -B -ntp install -DskipTests" >&2; exit 1; }
    shift
  done
  [[ $# -gt 0 ]] && shift
  for s in "$@" curl psql java bc jcmd; do command -v "$s" >/dev/null || { echo "missing: $s" >&2; exit 1; }; done
  compgen -G "$REPO/deploy/local/target/lib/everycloud-testkit-*.jar" >/dev/null \
    || { echo "missing deploy/local/target/lib: run ./mvnw -B -ntp install -DskipTests" >&2; exit 1; }
}

stop_service() { # <name>
  local pid=${SVC_PID[$1]:-}
  [[ -n "$pid" ]] || return 0
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid"; for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  unset "SVC_PID[$1]"
}

suite_cleanup() {
  set +e
  local s
  for s in "${!SVC_PID[@]}"; do stop_service "$s"; done
  if [[ -n "$INFRA_PID" ]]; then
    touch "$WORK/infra/stop"
    for _ in $(seq 1 40); do kill -0 "$INFRA_PID" 2>/dev/null || break; sleep 1; done
    kill "$INFRA_PID" 2>/dev/null
  fi
  if [[ -f "$WORK/infra/suite.env" ]]; then
    kp=$(sed -n 's/^KAFKA_PID=//p' "$WORK/infra/suite.env"); kill -0 "$kp" 2>/dev/null && kill -9 "$kp"
  fi
  if [[ -f "$WORK/infra/pg/postmaster.pid" ]]; then
    pp=$(head -1 "$WORK/infra/pg/postmaster.pid"); kill -0 "$pp" 2>/dev/null && kill "$pp"
  fi
  if [[ "$KEEP" == true ]]; then say "kept $WORK"; else rm -rf "$WORK"; fi
}

suite_setup_work() {
  WORK=$(mktemp -d /tmp/everycloud-bench.XXXXXX)
  trap suite_cleanup EXIT
  trap 'exit 130' INT TERM
  say "work folder $WORK; machine: $(machine)"
}

# PostgreSQL (six databases) + Kafka + token issuer; sources suite.env; [users] user tokens in $WORK/infra/users.txt
start_suite_infra() { # [users]
  say "starting PostgreSQL, Kafka and a token issuer${1:+ (and $1 user tokens)}"
  (cd "$REPO" && exec java -cp "$CP" deploy/bench/BenchSuite.java start "$WORK/infra" "${1:-0}") >"$WORK/infra.log" 2>&1 &
  INFRA_PID=$!
  for _ in $(seq 1 300); do
    [[ -f "$WORK/infra/suite.env" ]] && break
    kill -0 "$INFRA_PID" 2>/dev/null || { tail -20 "$WORK/infra.log" >&2; exit 1; }
    sleep 1
  done
  [[ -f "$WORK/infra/suite.env" ]] || { echo "infrastructure not ready in 300 s" >&2; tail -20 "$WORK/infra.log" >&2; exit 1; }
  # shellcheck disable=SC1091
  source "$WORK/infra/suite.env"
  PG="postgresql://postgres@127.0.0.1:$PG_PORT"
  PG_DURABILITY=$(psql -qtA "$PG/postgres" -c "SELECT 'fsync=' || current_setting('fsync') || ' synchronous_commit=' || current_setting('synchronous_commit')")
  PG_PID=$(head -1 "$WORK/infra/pg/postmaster.pid")
  say "PostgreSQL 127.0.0.1:$PG_PORT ($PG_DURABILITY), Kafka $KAFKA_BOOTSTRAP, issuer $ISSUER_URL"
}

port_of() { local v="PORT_${1^^}"; echo "${!v}"; }
url_of() { echo "http://127.0.0.1:$(port_of "$1")"; }

# JVM options of a service: BENCH_JVM_<NAME> (e.g. BENCH_JVM_REGISTRY), else BENCH_JAVA_OPTS, else none
jvm_opts_of() { local v="BENCH_JVM_${1^^}"; echo "${!v-${BENCH_JAVA_OPTS:-}}"; }

# starts the packaged service (does not wait); the wiring is the local suite's, on this run's ports
start_service() { # <name>
  local name=$1 jar="$WORK/apps/$1/quarkus-run.jar"
  # a hard-linked snapshot of quarkus-app (as the local suite does): a rebuild of the module while
  # the bench runs replaces files under target/, not under the running service
  if [[ ! -f "$jar" ]]; then
    mkdir -p "$WORK/apps"
    cp -al "$(dirname "$(jar_of "$name")")" "$WORK/apps/$name" 2>/dev/null || cp -a "$(dirname "$(jar_of "$name")")" "$WORK/apps/$name"
  fi
  local opts; opts=$(jvm_opts_of "$name")
  SVC_T0[$name]=$(date +%s.%N)
  # shellcheck disable=SC2086
  (cd "$REPO/$(module_of "$name")" && exec env \
    QUARKUS_HTTP_HOST=127.0.0.1 QUARKUS_HTTP_PORT="$(port_of "$name")" \
    QUARKUS_DATASOURCE_JDBC_URL="jdbc:postgresql://127.0.0.1:$PG_PORT/$name" \
    QUARKUS_DATASOURCE_USERNAME="$name" QUARKUS_DATASOURCE_PASSWORD="$name" \
    KAFKA_BOOTSTRAP_SERVERS="$KAFKA_BOOTSTRAP" \
    EVERYCLOUD_ISSUER_URL="$ISSUER_URL" EVERYCLOUD_TOKEN_ISSUER="$TOKEN_ISSUER" \
    EVERYCLOUD_PRODUCT_ID=bench-product EVERYCLOUD_PUBLIC_URL=http://localhost:8080 \
    EVERYCLOUD_ADMIN_EMAIL=admin@everycloud.local EVERYCLOUD_ADMIN_PASSWORD=bench-admin-password-1 \
    QUARKUS_MAILER_HOST=127.0.0.1 QUARKUS_MAILER_PORT="$SMTP_PORT" QUARKUS_MAILER_MOCK=true \
    QUARKUS_MAILER_FROM=noreply@everycloud.local NOTIFICATION_MAIL_FROM_ADDRESS=noreply@everycloud.local \
    PORTAL_SERVICES_USER_URL="$(url_of user)" PORTAL_SERVICES_REGISTRY_URL="$(url_of registry)" \
    PORTAL_SERVICES_CLAIM_URL="$(url_of claim)" PORTAL_SERVICES_FIRMWARE_URL="$(url_of firmware)" \
    java $opts -jar "$jar") >"$WORK/$name.log" 2>&1 &
  SVC_PID[$name]=$!
}

# waits for /q/health/ready (polling every 50 ms); sets SVC_READY_S[name] = seconds from process start
await_ready() { # <name> [timeout s]
  local name=$1 deadline=$(( $(date +%s) + ${2:-180} )) url; url="$(url_of "$name")/q/health/ready"
  until curl -sf -o /dev/null --max-time 2 "$url"; do
    kill -0 "${SVC_PID[$name]}" 2>/dev/null || { echo "$name exited:" >&2; tail -30 "$WORK/$name.log" >&2; exit 1; }
    [[ $(date +%s) -lt $deadline ]] || { echo "$name not ready in ${2:-180} s" >&2; tail -30 "$WORK/$name.log" >&2; exit 1; }
    sleep 0.05
  done
  SVC_READY_S[$name]=$(printf '%.2f' "$(echo "$(date +%s.%N) - ${SVC_T0[$name]}" | bc)")
  say "$name ready in ${SVC_READY_S[$name]}s (RSS $(rss_mb "${SVC_PID[$name]}") MB)"
}
