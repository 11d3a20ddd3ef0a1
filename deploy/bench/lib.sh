# The benchmark scripts' one library (sourced, not run). Expects REPO; sets WORK.
#
# The infrastructure is BenchInfra.java: PostgreSQL (durable) with one database and login role per
# service the script runs (name = role = password, as the local suite), Kafka, the testkit's token
# issuer, free ports never used by the local suite. Each service runs PACKAGED
# (<module>/target/quarkus-app/quarkus-run.jar, from a hard-linked snapshot) on a free port, with
# the local suite's wiring. A script:
#
#   source "$REPO/deploy/bench/lib.sh"
#   check_prerequisites registry claim -- wrk    # the services' jars, then the commands it needs
#   setup_work                                   # temporary folder; everything stops on exit
#   start_infra registry claim                   # [--users N] [services...] (default: all six)
#   start_service registry; await_ready registry # or start_registry: the same plus BASE, SQL, ...
#
# Environment: KEEP=true keeps the folder; BENCH_JVM_<NAME> (e.g. BENCH_JVM_REGISTRY) the JVM
# options of one service, else BENCH_JAVA_OPTS; BENCH_APPCDS=false runs without the build's AppCDS archive; BENCH_REGISTRY_JAR another packaged registry (e.g.
# one packaged with -Dquarkus.package.output-directory=bench-app, which leaves target/quarkus-app
# to the local suite).
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
    floor) echo deploy/bench/floor ;; # the floor app: bare Quarkus (REST, JSON, bearer tokens, health)
    *) echo "$1-service" ;;
  esac
}
jar_of() {
  if [[ "$1" == registry && -n "${BENCH_REGISTRY_JAR:-}" ]]; then echo "$BENCH_REGISTRY_JAR"; return; fi
  echo "$REPO/$(module_of "$1")/target/quarkus-app/quarkus-run.jar"
}
# what was measured: HEAD and the build time of each jar used (the jar may be older than HEAD)
measured() { # <services...>
  local s out="commit $(git -C "$REPO" rev-parse --short HEAD)"
  for s in "$@"; do out+=", $s jar built $(date -u -r "$WORK/apps/$s/quarkus-run.jar" +%Y-%m-%dT%H:%MZ)"; done
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
# CPU seconds (user + system, all threads, plus reaped children) used so far by the given pids
cpu_s() {
  local ticks=0 p
  for p in "$@"; do
    [[ -r /proc/$p/stat ]] && ticks=$((ticks + $(sed 's/.*) //' "/proc/$p/stat" | awk '{print $12 + $13 + $14 + $15}')))
  done
  echo "scale=2; $ticks / $(getconf CLK_TCK)" | bc
}
# CPU ticks of a JVM's threads by kind, one "kind ticks" per line (thread names of Quarkus, Vert.x,
# Kafka and HotSpot): what a process's CPU per operation is spent on (thread_cpu before and after)
thread_cpu() { # <pid>
  local f
  for f in /proc/"$1"/task/*/stat; do
    sed -E 's/^[0-9]+ \((.*)\) . (.*)$/\1|\2/' "$f" 2>/dev/null
  done | awk -F'|' '{
    split($2, a, " "); n = $1; t = a[11] + a[12] # utime + stime (the fields after the state start at ppid)
    if (n ~ /^vert\.x-eventl/) k = "event-loop" # /proc keeps 15 characters of a name
    else if (n ~ /^executor-thread/) k = "workers"
    else if (n ~ /^claim\.claims-|^registry\.devic/) k = "group-commit" # the GroupCommit writers of the kit
    else if (n ~ /kafka|outbox-relay/) k = "kafka+relay"
    else if (n ~ /CompilerThre|Compiler Thread/) k = "jit"
    else if (n ~ /GC|G1|VM Thread/) k = "gc+vm"
    else k = "other"
    s[k] += t
  } END { for (k in s) print k, s[k] }' | sort
}
# the difference of two thread_cpu outputs as "kind ms-per-op, ..." for n operations
thread_cpu_per() { # <before> <after> <n>
  join <(echo "$1") <(echo "$2") | awk -v n="$3" -v hz="$(getconf CLK_TCK)" '
    { printf "%s%s %.2f", (NR > 1 ? ", " : ""), $1, 1000 * ($3 - $2) / hz / n } END { print "" }'
}

# the benchmark's PostgreSQL: the postmaster and its children (backends, WAL writer, checkpointer)
pg_pids() {
  local pm; pm=$(head -1 "$WORK/infra/pg/postmaster.pid")
  echo "$pm $(pgrep -P "$pm" | tr '\n' ' ')"
}

# CPU ticks of the benchmark's PostgreSQL by kind of process, one "kind ticks" per line (pg_cpu
# before and after, then thread_cpu_per): client backends, autovacuum (its workers are short-lived:
# those that exited are in the postmaster's "exited children", with the connections that closed:
# a backend that exits between the two readings moves its CPU from "backends" to "exited"),
# WAL writer, checkpointer and background writer, the rest
pg_cpu() {
  local pm p title; pm=$(head -1 "$WORK/infra/pg/postmaster.pid")
  {
    printf '%s 0\n' autovacuum backends checkpoint+bgwriter walwriter
    sed 's/.*) //' "/proc/$pm/stat" | awk '{print "exited", $14 + $15; print "other", $12 + $13}'
    for p in $(pgrep -P "$pm"); do
      title=$(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null) || continue
      [[ -r /proc/$p/stat ]] || continue
      { sed 's/.*) //' "/proc/$p/stat" 2>/dev/null || true; } | awk -v t="$title" '{
        k = "other"
        if (t ~ /autovacuum/) k = "autovacuum"
        else if (t ~ /walwriter|wal writer/) k = "walwriter"
        else if (t ~ /checkpointer|background writer/) k = "checkpoint+bgwriter"
        else if (t ~ /^postgres: [^ ]+ [^ ]+ [0-9.]+\(/) k = "backends"
        print k, $12 + $13 + $14 + $15 }' 2>/dev/null || true
    done
  } | awk '{s[$1] += $2} END {for (k in s) print k, s[k]}' | sort
}

check_prerequisites() { # <services...> [-- <commands...>]
  local s
  while [[ $# -gt 0 && "$1" != -- ]]; do
    [[ -f "$(jar_of "$1")" ]] || { echo "missing $(jar_of "$1"): run ./mvnw -B -ntp install -DskipTests" >&2; exit 1; }
    shift
  done
  [[ $# -gt 0 ]] && shift
  for s in "$@" curl psql java bc; do command -v "$s" >/dev/null || { echo "missing: $s" >&2; exit 1; }; done
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

cleanup() {
  set +e
  local s kp pp
  for s in "${!SVC_PID[@]}"; do stop_service "$s"; done
  if [[ -n "$INFRA_PID" ]]; then
    touch "$WORK/infra/stop"
    for _ in $(seq 1 40); do kill -0 "$INFRA_PID" 2>/dev/null || break; sleep 1; done
    kill "$INFRA_PID" 2>/dev/null
  fi
  # leftovers if the launcher died hard: the Kafka child and the postmaster, by their recorded pids
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

# PostgreSQL (a database per service) + Kafka + token issuer (BenchInfra.java); sources infra.env
# (PG_PORT, KAFKA_BOOTSTRAP, KAFKA_PID, ISSUER_URL, TOKEN_ISSUER, OEM_TOKEN, SMTP_PORT, PORT_<NAME>);
# sets PG (the server's URL: "$PG/<database>"), PG_DURABILITY, PG_PID. --users N: N user tokens in
# $WORK/infra/users.txt ("userId TAB token"); a fresh OEM token every minute in $WORK/infra/oem.token.
start_infra() { # [--users N] [services...]
  local users=0
  if [[ "${1:-}" == --users ]]; then users=$2; shift 2; fi
  local services=("$@"); [[ ${#services[@]} -gt 0 ]] || services=("${SERVICES[@]}")
  local extra=""; [[ "$users" -gt 0 ]] && extra=" ($users user tokens)"
  say "starting PostgreSQL (databases: ${services[*]}), Kafka and a token issuer$extra"
  local list; list=$(IFS=,; echo "${services[*]}")
  (cd "$REPO" && exec java -cp "$CP" deploy/bench/BenchInfra.java start "$WORK/infra" --services "$list" --users "$users") >"$WORK/infra.log" 2>&1 &
  INFRA_PID=$!
  local wait_s=$(( 300 + users / 1000 )) # minting takes ~1 ms of CPU per token (232,000 in ~240 s)
  for _ in $(seq 1 "$wait_s"); do
    [[ -f "$WORK/infra/infra.env" ]] && break
    kill -0 "$INFRA_PID" 2>/dev/null || { tail -20 "$WORK/infra.log" >&2; exit 1; }
    sleep 1
  done
  [[ -f "$WORK/infra/infra.env" ]] || { echo "infrastructure not ready in $wait_s s" >&2; tail -20 "$WORK/infra.log" >&2; exit 1; }
  # shellcheck disable=SC1091
  source "$WORK/infra/infra.env"
  PG="postgresql://postgres@127.0.0.1:$PG_PORT"
  # what the server really runs with (the figures are only "durable" if both are on)
  PG_DURABILITY=$(psql -qtA "$PG/postgres" -c "SELECT 'fsync=' || current_setting('fsync') || ' synchronous_commit=' || current_setting('synchronous_commit')")
  PG_PID=$(head -1 "$WORK/infra/pg/postmaster.pid")
  say "PostgreSQL 127.0.0.1:$PG_PORT ($PG_DURABILITY), Kafka $KAFKA_BOOTSTRAP, issuer $ISSUER_URL"
}

port_of() { local v="PORT_${1^^}"; [[ -n "${!v:-}" ]] || { echo "no port for $1: not in start_infra's services" >&2; exit 1; }; echo "${!v}"; }
url_of() { echo "http://127.0.0.1:$(port_of "$1")"; }

# JVM options of a service: BENCH_JVM_<NAME> (e.g. BENCH_JVM_REGISTRY), else BENCH_JAVA_OPTS, else none
jvm_opts_of() { local v="BENCH_JVM_${1^^}"; echo "${!v-${BENCH_JAVA_OPTS:-}}"; }

# the local suite's JVM options of a service, read from deploy/local's ServiceProcess (one source of truth)
suite_jvm_options() { # <name>
  local n=$1; [[ "$n" == registry ]] && n=device-registry
  java -cp "$REPO/deploy/local/target/classes" io.everycloud.local.ServiceProcess "$n" 2>/dev/null
}

# sets BENCH_JVM_<NAME> of each service not already given one: --flags suite (the local suite's
# options), default (none: the JVM's defaults) or the given options; BENCH_JAVA_OPTS is added to each
set_jvm_flags() { # <suite|default|"options"> <services...>
  local flags=$1 s v opts; shift
  for s in "$@"; do
    v="BENCH_JVM_${s^^}"
    [[ -n "${!v-}" ]] && continue
    case "$flags" in
      suite) opts=$(suite_jvm_options "$s") || true
             [[ -n "$opts" ]] || { echo "cannot read the local suite's JVM options (deploy/local not built?)" >&2; exit 1; } ;;
      default) opts="" ;;
      *) opts=$flags ;;
    esac
    export "$v=$opts${BENCH_JAVA_OPTS:+ $BENCH_JAVA_OPTS}"
  done
}

# starts the packaged service (does not wait); the wiring is the local suite's, on this run's ports
start_service() { # <name>
  local name=$1 jar="$WORK/apps/$1/quarkus-run.jar" port; port=$(port_of "$1")
  # a hard-linked snapshot of quarkus-app (as the local suite does): a rebuild of the module while
  # the bench runs replaces files under target/, not under the running service
  if [[ ! -f "$jar" ]]; then
    mkdir -p "$WORK/apps"
    cp -al "$(dirname "$(jar_of "$name")")" "$WORK/apps/$name" 2>/dev/null || cp -a "$(dirname "$(jar_of "$name")")" "$WORK/apps/$name"
    [[ -f "$jar" ]] || mv "$WORK/apps/$name/$(basename "$(jar_of "$name")")" "$jar"
  fi
  local opts; opts=$(jvm_opts_of "$name")
  # the build's AppCDS archive, as the local suite uses it (deploy/local ServiceProcess): it records
  # the class path relative to quarkus-app/, so the service runs from its snapshot folder.
  # BENCH_APPCDS=false measures without it; a dynamic archive in the options replaces it (startup.sh
  # trains one per service by default, as the local suite does).
  local cds=""
  if [[ "${BENCH_APPCDS:-true}" == true && -f "$WORK/apps/$name/app-cds.jsa" && "$opts" != *SharedArchiveFile* \
        && "$opts" != *ArchiveClassesAtExit* ]]; then
    cds="-XX:SharedArchiveFile=app-cds.jsa"
  fi
  # OpenJDK 17 crashes when a class file load hook (a Java agent, a flight recording started with the
  # JVM) meets an archived class of a multi-release jar (JDK-8343427; deploy/local ServiceProcess
  # .classFileHooked): such a run maps no application archive and trains none
  if [[ " $opts ${JAVA_TOOL_OPTIONS:-} ${JDK_JAVA_OPTIONS:-} " =~ -javaagent:|-agentpath:|-agentlib:|StartFlightRecording ]]; then
    cds=""
    opts=$(echo "$opts" | sed -E 's/ ?-XX:(SharedArchiveFile|ArchiveClassesAtExit)=[^ ]*//g')
    say "$name: a Java agent or flight recording starts with the JVM: no class-data archive"
  fi
  # the portal calls the others; only the services this run started have a port
  local portal=() s
  if [[ "$name" == portal ]]; then
    for s in user registry claim firmware; do
      local v="PORT_${s^^}"; [[ -n "${!v:-}" ]] && portal+=("PORTAL_SERVICES_${s^^}_URL=$(url_of "$s")")
    done
  fi
  SVC_T0[$name]=$EPOCHREALTIME
  # shellcheck disable=SC2086
  (cd "$WORK/apps/$name" && exec env \
    QUARKUS_HTTP_HOST=127.0.0.1 QUARKUS_HTTP_PORT="$port" \
    QUARKUS_DATASOURCE_JDBC_URL="jdbc:postgresql://127.0.0.1:$PG_PORT/$name" \
    QUARKUS_DATASOURCE_USERNAME="$name" QUARKUS_DATASOURCE_PASSWORD="$name" \
    KAFKA_BOOTSTRAP_SERVERS="$KAFKA_BOOTSTRAP" \
    EVERYCLOUD_ISSUER_URL="$ISSUER_URL" EVERYCLOUD_TOKEN_ISSUER="$TOKEN_ISSUER" \
    EVERYCLOUD_PRODUCT_ID=bench-product EVERYCLOUD_PUBLIC_URL=http://localhost:8080 \
    EVERYCLOUD_ADMIN_EMAIL=admin@everycloud.local EVERYCLOUD_ADMIN_PASSWORD=bench-admin-password-1 \
    QUARKUS_MAILER_HOST=127.0.0.1 QUARKUS_MAILER_PORT="$SMTP_PORT" QUARKUS_MAILER_MOCK=true \
    QUARKUS_MAILER_FROM=noreply@everycloud.local NOTIFICATION_MAIL_FROM_ADDRESS=noreply@everycloud.local \
    "${portal[@]}" \
    java $opts $cds -jar "$(basename "$jar")") >"$WORK/$name.log" 2>&1 &
  SVC_PID[$name]=$!
}

# 0 when GET /q/health/ready on 127.0.0.1:<port> answers 200. Bash's own /dev/tcp and read: a probe
# starts no process.
ready_probe() { # <port>
  local status=""
  { printf 'GET /q/health/ready HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&7; read -r -t 2 status <&7 || true; } \
    2>/dev/null 7<>"/dev/tcp/127.0.0.1/$1" || return 1
  [[ $status == "HTTP/1."?" 200"* ]]
}

# the poller of the benches before 2026-11-28 09:40 (curl, date and sleep every ~0.1 s), kept to compare
# with the figures it took: BENCH_POLLER=curl
curl_probe() { # <port>
  curl -sf -o /dev/null --max-time 2 "http://127.0.0.1:$1/q/health/ready" && return 0
  date +%s >/dev/null; sleep 0.03; return 1 # with await_ready's 20 ms: the old loop's date and 50-ms sleep
}

# waits for /q/health/ready (a probe every 20 ms); sets SVC_READY_S[name] = seconds from process start.
# Neither the probes nor the pauses start a process: on this machine a curl, date or sleep costs 13-34 ms
# of CPU, and the loop that ran one of each every ~0.1 s took half a core from the start it measured
# (docs/benchmarks.md, "A readiness poller that took half a core").
await_ready() { # <name> [timeout s]
  local name=$1 deadline=$(( SECONDS + ${2:-180} )) port pause probe=ready_probe; port=$(port_of "$name")
  [[ ${BENCH_POLLER:-} == curl ]] && probe=curl_probe
  exec {pause}<> <(:) # a pipe that never answers: read -t on it is a pause without a process
  until "$probe" "$port"; do
    kill -0 "${SVC_PID[$name]}" 2>/dev/null || { exec {pause}>&-; echo "$name exited:" >&2; tail -30 "$WORK/$name.log" >&2; exit 1; }
    [[ $SECONDS -lt $deadline ]] || { exec {pause}>&-; echo "$name not ready in ${2:-180} s" >&2; tail -30 "$WORK/$name.log" >&2; exit 1; }
    read -r -t 0.02 -u "$pause" _ || true
  done
  local now=$EPOCHREALTIME
  exec {pause}>&-
  SVC_READY_S[$name]=$(printf '%.2f' "$(echo "$now - ${SVC_T0[$name]}" | bc)")
  say "$name ready in ${SVC_READY_S[$name]}s (RSS $(rss_mb "${SVC_PID[$name]}") MB)"
}

# the registry alone, started and ready; sets REGISTRY_PID, BASE (its URL), SQL (its database),
# READY_S and READY_LOAD (the load average when it became ready)
start_registry() {
  start_service registry
  await_ready registry
  REGISTRY_PID=${SVC_PID[registry]}
  BASE=$(url_of registry)
  SQL="$PG/registry"
  READY_S=${SVC_READY_S[registry]}
  READY_LOAD=$(load)
}

# open provisioning (what PUT /api/product {"provisioning":"open"} stores), then N activations;
# writes $WORK/tokens.txt (token per line) and $WORK/devices.txt (identity TAB token)
activate_devices() { # <n>
  psql -q -v ON_ERROR_STOP=1 "$PG/registry" -c "UPDATE product_setting SET provisioning = 'open', updated_at = now() WHERE id = 1"
  sleep 2 # the registry caches the product settings for one second
  say "activating $1 devices"
  mkdir -p "$WORK/tokens"
  local t0; t0=$(date +%s.%N)
  seq -f "bench-%06g" 1 "$1" | xargs -P 8 -I{} \
    curl -sf --max-time 30 -X POST --data-urlencode "id={}" -o "$WORK/tokens/{}" "$(url_of registry)/provision/activate"
  ACTIVATE_S=$(printf '%.1f' "$(echo "$(date +%s.%N) - $t0" | bc)")
  (cd "$WORK/tokens" && find . -type f -name 'bench-*' -print0 | xargs -0 awk '{ f = FILENAME; sub(/^\.\//, "", f); print f "\t" $0 }') \
    | sort >"$WORK/devices.txt"
  cut -f2 "$WORK/devices.txt" >"$WORK/tokens.txt"
  local got; got=$(grep -c . "$WORK/tokens.txt")
  [[ "$got" -eq "$1" ]] || { echo "only $got of $1 devices activated" >&2; exit 1; }
  say "activated $1 devices in ${ACTIVATE_S}s"
}
