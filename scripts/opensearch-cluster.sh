#!/usr/bin/env bash
# A real 2-node OpenSearch cluster on loopback ports, for the tests, CI and a developer.
#
#   scripts/opensearch-cluster.sh start    fetch (once), unpack (once), start 2 nodes, wait for yellow/green
#   scripts/opensearch-cluster.sh status   print the cluster health; exit 1 when it does not answer
#   scripts/opensearch-cluster.sh stop     stop both nodes (data is kept; `reset` removes it)
#   scripts/opensearch-cluster.sh kill N   stop node N (1 or 2) at once, as a crash would (for failover tests)
#   scripts/opensearch-cluster.sh node N   start node N again (after `kill`)
#   scripts/opensearch-cluster.sh reset    stop and delete the nodes' data
#
# Why this shape: the minimal distribution ("integ-test-zip") is on Maven Central, which CI may reach, and it is
# a plain zip that needs only Java 17. It ships no analysis module, so the script adds `analysis-common` (stemmer,
# ascii folding, synonyms, word delimiter: the analysis our template uses) from Maven Central as a module, exactly
# as the full distribution lays it out. OpenSearch refuses to run as root; as root the nodes run as an unprivileged
# user (`opensearch`, created if missing) from a folder that user owns.
#
# Settings (environment): OPENSEARCH_VERSION (2.19.6), OPENSEARCH_HTTP_PORT (9200: nodes on 9200 and 9201),
# OPENSEARCH_TRANSPORT_PORT (9300), OPENSEARCH_HEAP (512m), NEWS_SEARCH_CACHE (where the zip and the nodes live:
# ~/.cache/news-search, or /var/cache/news-search as root), OPENSEARCH_USER (opensearch, as root only).
set -euo pipefail

VERSION="${OPENSEARCH_VERSION:-2.19.6}"
HTTP_PORT="${OPENSEARCH_HTTP_PORT:-9200}"
TRANSPORT_PORT="${OPENSEARCH_TRANSPORT_PORT:-9300}"
HEAP="${OPENSEARCH_HEAP:-512m}"
RUN_USER="${OPENSEARCH_USER:-opensearch}"
if [ "$(id -u)" = 0 ]; then
  CACHE="${NEWS_SEARCH_CACHE:-/var/cache/news-search}"
else
  CACHE="${NEWS_SEARCH_CACHE:-$HOME/.cache/news-search}"
fi
HOME_DIR="$CACHE/opensearch-$VERSION"          # the unpacked distribution
CLUSTER_DIR="$CACHE/cluster-$HTTP_PORT"        # data, logs and pid files of the two nodes
CLUSTER_NAME="news-search-$HTTP_PORT"
URL="http://127.0.0.1:$HTTP_PORT"

say() { echo "opensearch-cluster: $*" >&2; }

as_runner() {
  # Run a command as the user the nodes run as (ourselves, unless we are root).
  if [ "$(id -u)" = 0 ]; then runuser -u "$RUN_USER" -- "$@"; else "$@"; fi
}

fetch() {
  # One artifact from Maven Central into the cache, once.
  local coords="$1" file="$2"
  [ -s "$CACHE/$file" ] && return 0
  command -v mvn >/dev/null || { say "Maven (mvn) is needed to fetch $coords once; install it (apt-get install maven)"; exit 2; }
  say "fetching $coords from Maven Central (once)"
  mvn -q -B dependency:copy -Dartifact="$coords" -DoutputDirectory="$CACHE" >"$CACHE/mvn.log" 2>&1 || {
    say "could not fetch $coords:"; grep -m3 ERROR "$CACHE/mvn.log" >&2 || cat "$CACHE/mvn.log" >&2; exit 2; }
}

install() {
  mkdir -p "$CACHE"
  if [ "$(id -u)" = 0 ] && ! id "$RUN_USER" >/dev/null 2>&1; then
    useradd --system --no-create-home --shell /usr/sbin/nologin "$RUN_USER"
  fi
  [ -x "$HOME_DIR/bin/opensearch" ] && [ -f "$HOME_DIR/modules/analysis-common/plugin-descriptor.properties" ] && return 0
  command -v java >/dev/null || { say "Java 17 is needed (apt-get install openjdk-17-jre-headless)"; exit 2; }
  fetch "org.opensearch.distribution.integ-test-zip:opensearch:$VERSION:zip" "opensearch-$VERSION.zip"
  fetch "org.opensearch.plugin:analysis-common:$VERSION:jar" "analysis-common-$VERSION.jar"
  rm -rf "$HOME_DIR.tmp" && mkdir -p "$HOME_DIR.tmp"
  (cd "$HOME_DIR.tmp" && unzip -q "$CACHE/opensearch-$VERSION.zip")
  local mod="$HOME_DIR.tmp/opensearch-$VERSION/modules/analysis-common"
  mkdir -p "$mod"
  cp "$CACHE/analysis-common-$VERSION.jar" "$mod/"
  # The module's descriptor, as the full distribution has it, less `extended.plugins=lang-painless`: painless
  # only adds script filters, which we do not use, and would need its own jars.
  cat >"$mod/plugin-descriptor.properties" <<EOF
description=Adds "built in" analyzers to OpenSearch.
version=$VERSION
name=analysis-common
classname=org.opensearch.analysis.common.CommonAnalysisPlugin
java.version=11
opensearch.version=$VERSION
custom.foldername=
extended.plugins=
has.native.controller=false
EOF
  mv "$HOME_DIR.tmp/opensearch-$VERSION" "$HOME_DIR" && rmdir "$HOME_DIR.tmp"
  [ "$(id -u)" = 0 ] && chown -R "$RUN_USER" "$HOME_DIR"
  return 0
}

health() { curl -fsS --max-time 5 "$URL/_cluster/health?wait_for_status=yellow&timeout=1s" 2>/dev/null; }

node_pid() { local f="$CLUSTER_DIR/node-$1.pid"; [ -s "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null && cat "$f"; }

start_node() {
  local n="$1"
  node_pid "$n" >/dev/null && return 0
  mkdir -p "$CLUSTER_DIR/node-$n/data" "$CLUSTER_DIR/node-$n/logs"
  [ "$(id -u)" = 0 ] && chown -R "$RUN_USER" "$CLUSTER_DIR"
  local t1=$TRANSPORT_PORT t2=$((TRANSPORT_PORT + 1))
  local java_home="${OPENSEARCH_JAVA_HOME:-${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}}"
  as_runner env OPENSEARCH_JAVA_HOME="$java_home" OPENSEARCH_JAVA_OPTS="-Xms$HEAP -Xmx$HEAP" OPENSEARCH_TMPDIR="$CLUSTER_DIR/node-$n" \
    "$HOME_DIR/bin/opensearch" -d -p "$CLUSTER_DIR/node-$n.pid" \
    -Ecluster.name="$CLUSTER_NAME" -Enode.name="node-$n" \
    -Enetwork.host=127.0.0.1 -Ehttp.port=$((HTTP_PORT + n - 1)) -Etransport.port=$((TRANSPORT_PORT + n - 1)) \
    -Ediscovery.seed_hosts="127.0.0.1:$t1,127.0.0.1:$t2" -Ecluster.initial_cluster_manager_nodes=node-1,node-2 \
    -Epath.data="$CLUSTER_DIR/node-$n/data" -Epath.logs="$CLUSTER_DIR/node-$n/logs" \
    -Eaction.destructive_requires_name=false -Ecluster.routing.allocation.disk.threshold_enabled=false \
    >"$CLUSTER_DIR/node-$n.out" 2>&1 || { say "node-$n did not start:"; tail -20 "$CLUSTER_DIR/node-$n.out" >&2; exit 1; }
}

wait_for() {
  local want="$1" deadline=$((SECONDS + ${OPENSEARCH_START_TIMEOUT:-180}))
  until curl -fsS --max-time 5 "$URL/_cluster/health?wait_for_nodes=$want&wait_for_status=yellow&timeout=2s" >/dev/null 2>&1; do
    if [ $SECONDS -ge $deadline ]; then
      say "the cluster did not reach yellow with $want nodes in time; last log lines:"
      tail -5 "$CLUSTER_DIR"/node-*/logs/"$CLUSTER_NAME".log >&2 2>/dev/null || true; exit 1
    fi
    sleep 1
  done
}

stop_node() {
  local n="$1" signal="${2:-TERM}" pid
  pid="$(node_pid "$n")" || return 0
  kill "-$signal" "$pid" 2>/dev/null || true
  for _ in $(seq 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
  rm -f "$CLUSTER_DIR/node-$n.pid"
}

case "${1:-}" in
  start)
    if health >/dev/null && node_pid 1 >/dev/null && node_pid 2 >/dev/null; then say "already running at $URL"; exit 0; fi
    install
    start_node 1; start_node 2
    wait_for 2
    say "2 nodes up at $URL (and :$((HTTP_PORT + 1)))";;
  status)
    health || { say "no cluster answers at $URL"; exit 1; }; echo;;
  stop)
    stop_node 2; stop_node 1;;
  kill)
    stop_node "${2:?which node: 1 or 2}" KILL;;
  node)
    start_node "${2:?which node: 1 or 2}"; wait_for 2;;
  reset)
    stop_node 2; stop_node 1; rm -rf "$CLUSTER_DIR";;
  url)
    echo "$URL";;
  *)
    sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 2;;
esac
