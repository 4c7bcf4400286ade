#!/usr/bin/env bash
# Start or stop a throw-away Neo4j Community server for ecograph's Neo4j tests.
#
#   scripts/neo4j-test-server.sh start    # prints: export NEO4J_URI=bolt://127.0.0.1:PORT
#   scripts/neo4j-test-server.sh status
#   scripts/neo4j-test-server.sh stop
#
# Typical use:   eval "$(scripts/neo4j-test-server.sh start)"; pytest ...; scripts/neo4j-test-server.sh stop
#
# The server is neo4j-server/Launcher.java on the classpath of neo4j-server/pom.xml
# (org.neo4j:neo4j from Maven Central, resolved by mvn into the local Maven repository;
# nothing is downloaded from anywhere else and no jar is committed).  Bolt listens on
# 127.0.0.1 on a free port chosen by the operating system, without TLS or auth; the
# database lives in a fresh temporary directory that `stop` deletes.
#
# Only the export line goes to stdout; progress and errors go to stderr.
#
# Environment (all optional):
#   NEO4J_TEST_STATE_DIR     where pid/uri/log files live       (default: <repo>/.neo4j)
#   NEO4J_TEST_PORT          fixed Bolt port instead of a free one (default: 0 = any free port)
#   NEO4J_TEST_TIMEOUT       seconds to wait for the ready line    (default: 180)
#   NEO4J_TEST_HEAP          JVM -Xmx                               (default: 1g)
#   NEO4J_TEST_PAGECACHE_MB  page cache size in MiB                 (default: 128)
#   NEO4J_JAVA               java executable of a JDK 17 or 21 (default: JAVA_HOME, then an
#                            installed JDK 17, then `java` on PATH)
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
server_dir="$repo/neo4j-server"
state_dir="${NEO4J_TEST_STATE_DIR:-$repo/.neo4j}"
pid_file="$state_dir/server.pid"
uri_file="$state_dir/uri"
env_file="$state_dir/env.sh"
data_file="$state_dir/data_dir"
log_file="$state_dir/server.log"
classpath_file="$server_dir/cp.txt"

say() { echo "neo4j-test-server: $*" >&2; }
die() { say "error: $*"; exit 1; }

java_major() {  # prints the major version of the given java executable
    "$1" -XshowSettings:properties -version 2>&1 |
        sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p'
}

find_java() {
    local candidate
    for candidate in "${NEO4J_JAVA:-}" "${JAVA_HOME:+$JAVA_HOME/bin/java}" \
        /usr/lib/jvm/java-17-openjdk*/bin/java /usr/lib/jvm/*-17-*/bin/java \
        /usr/lib/jvm/java-21-openjdk*/bin/java "$(command -v java || true)"; do
        [[ -n "$candidate" && -x "$candidate" ]] || continue
        case "$(java_major "$candidate")" in
            17 | 21) ;;
            *) continue ;;
        esac
        # running Launcher.java as a source file needs the JDK's compiler module, not just a JRE
        if [[ "$("$candidate" --list-modules 2>/dev/null || true)" == *jdk.compiler@* ]]; then
            echo "$candidate"
            return 0
        fi
    done
    die "Neo4j 5.26 needs a Java 17 or 21 JDK (e.g. apt-get install openjdk-17-jdk-headless; or set NEO4J_JAVA)"
}

running_pid() {  # prints the server's pid if it is alive
    [[ -f "$pid_file" ]] || return 1
    local pid
    pid="$(cat "$pid_file")"
    [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

resolve_classpath() {
    # Re-resolve when the pom changed or a cached jar vanished (e.g. a cleaned ~/.m2).
    if [[ -s "$classpath_file" && "$classpath_file" -nt "$server_dir/pom.xml" ]] &&
        tr ':' '\n' <"$classpath_file" | while read -r jar; do [[ -f "$jar" ]] || exit 1; done; then
        return 0
    fi
    command -v mvn >/dev/null || die "mvn (Maven) is needed to fetch Neo4j from Maven Central"
    say "resolving Neo4j jars with Maven (first run downloads ~140 MB) ..."
    local started=$SECONDS
    (cd "$server_dir" && mvn -B -q -Dstyle.color=never dependency:build-classpath \
        -Dmdep.outputFile="$state_dir/cp.txt.tmp" >&2) ||
        die "mvn could not resolve neo4j-server/pom.xml"
    mv "$state_dir/cp.txt.tmp" "$classpath_file"
    say "classpath ready in $((SECONDS - started)) s"
}

start() {
    local pid
    if pid="$(running_pid)"; then
        say "already running (pid $pid)"
        wait_ready "$pid"
        return 0
    fi
    mkdir -p "$state_dir"
    resolve_classpath
    local java data_dir
    java="$(find_java)"
    data_dir="$(mktemp -d "${TMPDIR:-/tmp}/ecograph-neo4j.XXXXXX")"
    echo "$data_dir" >"$data_file"
    : >"$log_file"

    # The add-opens flags are the ones Neo4j's own start script passes; embedded
    # Neo4j fails with a LinkageError on java.nio without them.
    nohup "$java" \
        "-Xmx${NEO4J_TEST_HEAP:-1g}" -XX:+UseSerialGC \
        "-Decograph.neo4j.pagecache.mb=${NEO4J_TEST_PAGECACHE_MB:-128}" \
        --add-opens=java.base/java.nio=ALL-UNNAMED \
        --add-opens=java.base/java.io=ALL-UNNAMED \
        --add-opens=java.base/sun.nio.ch=ALL-UNNAMED \
        --add-opens=java.base/java.util.concurrent=ALL-UNNAMED \
        --enable-native-access=ALL-UNNAMED \
        -Dio.netty.tryReflectionSetAccessible=true \
        -cp "$(cat "$classpath_file")" "$server_dir/Launcher.java" \
        "$data_dir" "${NEO4J_TEST_PORT:-0}" >>"$log_file" 2>&1 </dev/null &
    pid=$!
    echo "$pid" >"$pid_file"
    wait_ready "$pid"
}

wait_ready() {  # waits for the ready line of server $1, then prints the export line
    local pid="$1" timeout="${NEO4J_TEST_TIMEOUT:-180}" started=$SECONDS uri=""
    while ((SECONDS - started < timeout)); do
        uri="$(sed -n 's/^NEO4J_READY \(bolt:\/\/.*\)$/\1/p' "$log_file" 2>/dev/null || true)"
        [[ -n "$uri" ]] && break
        if ! kill -0 "$pid" 2>/dev/null; then
            say "server exited before it was ready; its output:"
            cat "$log_file" >&2 || true
            cleanup
            exit 1
        fi
        sleep 0.5
    done
    if [[ -z "$uri" ]]; then
        say "server not ready after ${timeout} s; its output:"
        cat "$log_file" >&2 || true
        local debug_log
        debug_log="$(cat "$data_file" 2>/dev/null)/logs/debug.log"
        [[ -f "$debug_log" ]] && { say "debug.log (tail):"; tail -n 50 "$debug_log" >&2; }
        stop
        exit 1
    fi
    echo "$uri" >"$uri_file"
    echo "export NEO4J_URI=$uri" >"$env_file"
    say "ready at $uri after $((SECONDS - started)) s (pid $pid, data in $(cat "$data_file"))"
    cat "$env_file"
}

cleanup() {
    if [[ -f "$data_file" ]]; then
        local data_dir
        data_dir="$(cat "$data_file")"
        # Only ever delete a directory this script created.
        [[ "$data_dir" == */ecograph-neo4j.* ]] && rm -rf -- "$data_dir"
    fi
    rm -f "$pid_file" "$uri_file" "$env_file" "$data_file"
}

stop() {
    local pid
    if pid="$(running_pid)"; then
        kill -TERM "$pid"
        local waited=0
        while kill -0 "$pid" 2>/dev/null && ((waited < 60)); do
            sleep 0.5
            waited=$((waited + 1))
        done
        if kill -0 "$pid" 2>/dev/null; then
            say "server did not stop within 30 s; killing pid $pid"
            kill -KILL "$pid" 2>/dev/null || true
        fi
        say "stopped (pid $pid)"
    else
        say "not running"
    fi
    cleanup
}

status() {
    local pid
    if pid="$(running_pid)"; then
        say "running (pid $pid) at $(cat "$uri_file" 2>/dev/null)"
    else
        say "not running"
        return 1
    fi
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    status) status ;;
    *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
