# Shared parts of the benchmark scripts (sourced, not run): infrastructure, the packaged registry,
# device activation, and stopping everything on exit. Expects REPO, and sets WORK.
# shellcheck shell=bash

BENCH="$REPO/deploy/bench"
# the packaged registry; BENCH_REGISTRY_JAR measures another build (e.g. one packaged with
# -Dquarkus.package.output-directory=bench-app, which leaves target/quarkus-app to the local suite)
JAR=${BENCH_REGISTRY_JAR:-"$REPO/device-registry-service/target/quarkus-app/quarkus-run.jar"}
CP="$REPO/deploy/local/target/classes:$REPO/deploy/local/target/lib/*"
KEEP=${KEEP:-false}
INFRA_PID=""
REGISTRY_PID=""

load() { cut -d' ' -f1-3 /proc/loadavg; }
say() { echo "[$(date -u +%H:%M:%S) load $(load)] $*" >&2; }
machine() { echo "$(nproc) cores, $(free -m | awk '/^Mem:/{print $2}') MiB"; }
# what was measured: the packaged jar (its build time) and the checkout's HEAD (the jar may be older)
measured() { echo "commit $(git -C "$REPO" rev-parse --short HEAD), registry jar built $(date -u -r "$JAR" +%Y-%m-%dT%H:%MZ), PostgreSQL $PG_DURABILITY"; }

# CPU seconds (user + system, all threads, plus reaped children) used so far by the given pids
cpu_s() {
  local ticks=0 p
  for p in "$@"; do
    [[ -r /proc/$p/stat ]] && ticks=$((ticks + $(sed 's/.*) //' "/proc/$p/stat" | awk '{print $12 + $13 + $14 + $15}')))
  done
  echo "scale=2; $ticks / $(getconf CLK_TCK)" | bc
}
# the benchmark's PostgreSQL: the postmaster and its children (backends, WAL writer, checkpointer)
pg_pids() {
  local pm; pm=$(head -1 "$WORK/infra/pg/postmaster.pid")
  echo "$pm $(pgrep -P "$pm" | tr '\n' ' ')"
}

check_prerequisites() { # <commands...>
  for need in "$@" curl psql java bc; do
    command -v "$need" >/dev/null || { echo "missing: $need" >&2; exit 1; }
  done
  [[ -f "$JAR" ]] || { echo "missing $JAR: run ./mvnw -B -ntp install -DskipTests" >&2; exit 1; }
  compgen -G "$REPO/deploy/local/target/lib/everycloud-testkit-*.jar" >/dev/null \
    || { echo "missing deploy/local/target/lib: run ./mvnw -B -ntp install -DskipTests" >&2; exit 1; }
}

cleanup() {
  set +e
  if [[ -n "$REGISTRY_PID" ]] && kill -0 "$REGISTRY_PID" 2>/dev/null; then
    kill "$REGISTRY_PID"; for _ in $(seq 1 30); do kill -0 "$REGISTRY_PID" 2>/dev/null || break; sleep 1; done
    kill -9 "$REGISTRY_PID" 2>/dev/null
  fi
  if [[ -n "$INFRA_PID" ]]; then
    touch "$WORK/infra/stop"
    for _ in $(seq 1 40); do kill -0 "$INFRA_PID" 2>/dev/null || break; sleep 1; done
    kill "$INFRA_PID" 2>/dev/null
  fi
  # leftovers if the helper died hard: the Kafka child and the postmaster, by their recorded pids
  if [[ -f "$WORK/infra/infra.env" ]]; then
    kp=$(sed -n 's/^KAFKA_PID=//p' "$WORK/infra/infra.env"); kill -0 "$kp" 2>/dev/null && kill -9 "$kp"
  fi
  if [[ -f "$WORK/infra/pg/postmaster.pid" ]]; then
    pp=$(head -1 "$WORK/infra/pg/postmaster.pid"); kill -0 "$pp" 2>/dev/null && kill "$pp"
  fi
  if [[ "$KEEP" == true ]]; then say "kept $WORK"; else rm -rf "$WORK"; fi
}

setup_work() {
  WORK=$(mktemp -d /tmp/everycloud-bench.XXXXXX)
  trap cleanup EXIT
  trap 'exit 130' INT TERM
  say "work folder $WORK; machine: $(machine)"
}

# PostgreSQL + Kafka + token issuer (BenchInfra.java); sources their ports into this shell
start_infra() {
  say "starting PostgreSQL, Kafka and a token issuer"
  (cd "$REPO" && exec java -cp "$CP" deploy/bench/BenchInfra.java start "$WORK/infra") >"$WORK/infra.log" 2>&1 &
  INFRA_PID=$!
  for _ in $(seq 1 180); do
    [[ -f "$WORK/infra/infra.env" ]] && break
    kill -0 "$INFRA_PID" 2>/dev/null || { tail -20 "$WORK/infra.log" >&2; exit 1; }
    sleep 1
  done
  [[ -f "$WORK/infra/infra.env" ]] || { echo "infrastructure not ready in 180 s" >&2; tail -20 "$WORK/infra.log" >&2; exit 1; }
  # shellcheck disable=SC1091
  source "$WORK/infra/infra.env"
  SQL="postgresql://postgres@127.0.0.1:$PG_PORT/registry"
  # what the server really runs with (the figures are only "durable" if both are on)
  PG_DURABILITY=$(psql -qtA "$SQL" -c "SELECT 'fsync=' || current_setting('fsync') || ' synchronous_commit=' || current_setting('synchronous_commit')")
  say "PostgreSQL 127.0.0.1:$PG_PORT ($PG_DURABILITY), Kafka $KAFKA_BOOTSTRAP, issuer $ISSUER_URL"
}

# the packaged registry on a free port; sets REGISTRY_PID, BASE, READY_S, READY_LOAD
start_registry() {
  say "starting the registry on 127.0.0.1:$REGISTRY_PORT"
  local t0; t0=$(date +%s.%N)
  # shellcheck disable=SC2086
  env QUARKUS_HTTP_HOST=127.0.0.1 QUARKUS_HTTP_PORT="$REGISTRY_PORT" \
    QUARKUS_DATASOURCE_JDBC_URL="jdbc:postgresql://127.0.0.1:$PG_PORT/registry" \
    QUARKUS_DATASOURCE_USERNAME=registry QUARKUS_DATASOURCE_PASSWORD=registry \
    KAFKA_BOOTSTRAP_SERVERS="$KAFKA_BOOTSTRAP" \
    EVERYCLOUD_ISSUER_URL="$ISSUER_URL" EVERYCLOUD_TOKEN_ISSUER="$TOKEN_ISSUER" \
    java ${BENCH_JAVA_OPTS:-} -jar "$JAR" >"$WORK/registry.log" 2>&1 &
  REGISTRY_PID=$!
  BASE="http://127.0.0.1:$REGISTRY_PORT"
  for _ in $(seq 1 180); do
    curl -sf -o /dev/null "$BASE/q/health/ready" && break
    kill -0 "$REGISTRY_PID" 2>/dev/null || { tail -30 "$WORK/registry.log" >&2; exit 1; }
    sleep 1
  done
  curl -sf -o /dev/null "$BASE/q/health/ready" || { echo "registry not ready in 180 s" >&2; exit 1; }
  READY_S=$(printf '%.1f' "$(echo "$(date +%s.%N) - $t0" | bc)")
  READY_LOAD=$(load)
  say "registry ready in ${READY_S}s"
}

# open provisioning (what PUT /api/product {"provisioning":"open"} stores), then N activations;
# writes $WORK/tokens.txt (token per line) and $WORK/devices.txt (identity TAB token)
activate_devices() { # <n>
  psql -q -v ON_ERROR_STOP=1 "$SQL" -c "UPDATE product_setting SET provisioning = 'open', updated_at = now() WHERE id = 1"
  sleep 2 # the registry caches the product settings for one second
  say "activating $1 devices"
  mkdir -p "$WORK/tokens"
  local t0; t0=$(date +%s.%N)
  seq -f "bench-%06g" 1 "$1" | xargs -P 8 -I{} \
    curl -sf --max-time 30 -X POST --data-urlencode "id={}" -o "$WORK/tokens/{}" "$BASE/provision/activate"
  ACTIVATE_S=$(printf '%.1f' "$(echo "$(date +%s.%N) - $t0" | bc)")
  (cd "$WORK/tokens" && find . -type f -name 'bench-*' -print0 | xargs -0 awk '{ f = FILENAME; sub(/^\.\//, "", f); print f "\t" $0 }') \
    | sort >"$WORK/devices.txt"
  cut -f2 "$WORK/devices.txt" >"$WORK/tokens.txt"
  local got; got=$(grep -c . "$WORK/tokens.txt")
  [[ "$got" -eq "$1" ]] || { echo "only $got of $1 devices activated" >&2; exit 1; }
  say "activated $1 devices in ${ACTIVATE_S}s"
}
