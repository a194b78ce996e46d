#!/usr/bin/env bash
# The issue-4 scale benchmark, end to end: generate the corpus, import it, start the server on the
# index and time the first answered request, run the default query mix with 4 and 16 clients and the
# $match / CDS benchmark, and record the server's heap. Results go to the output folder (JSON, PNG,
# logs); the README's Performance section quotes them.
#
#   scripts/bench-scale.sh [studies] [output folder]      (defaults: 570000, target/scale)
#
# IMPORT_OPTS adds options to the import (e.g. --merge-segments); SERVER_OPTS adds JVM options to
# the server (e.g. -Dtrialfhir.store.page-cache-docs=0 to measure without the page cache); WARM=0
# skips reading the index into the page cache before start-up.
# Needs target/trialfhir.jar (mvn -B -q package -DskipTests), ../shared/data/ctgov/v2 for the
# templates, about 12 GB of disk and a free port 8089. Every step is bounded in time.
set -euo pipefail
cd "$(dirname "$0")/.."
STUDIES=${1:-570000}
OUT=${2:-target/scale}
JAR=target/trialfhir.jar
PORT=${PORT:-8089}
HEAP=${HEAP:-2g}
DURATION=${DURATION:-60}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)

log() { printf '%s %s\n' "$(date -u +%H:%M:%S)" "$*" | tee -a "$OUT/steps.log"; }

if [[ ! -f "$OUT/corpus.zip" ]]; then
  log "generating $STUDIES studies"
  java -Xmx1g -jar "$JAR" bench corpus --studies "$STUDIES" --out "$OUT/corpus.zip"
fi

if [[ ! -f "$OUT/index/CURRENT" ]]; then
  log "importing with -Xmx$HEAP"
  TIME=()
  if [[ -x /usr/bin/time ]]; then TIME=(/usr/bin/time -v -o "$OUT/import-time.txt"); fi
  # shellcheck disable=SC2086 # IMPORT_OPTS: further import options, e.g. --merge-segments
  ${TIME[@]+"${TIME[@]}"} java "-Xmx$HEAP" -Xlog:gc:file="$OUT/import-gc.log" -jar "$JAR" import --no-progress \
    ${IMPORT_OPTS:-} --index "$OUT/index" "$OUT/corpus.zip" 2>&1 | tee "$OUT/import.log"
  du -sb "$OUT/index" | tee "$OUT/index-size.txt"
fi

if [[ "${WARM:-1}" == 1 ]]; then
  # As right after an import: the index files in the OS page cache (a host that reclaims idle page
  # cache otherwise makes the first minutes of a run read from disk). WARM=0 skips this.
  log "reading the index once into the page cache"
  find "$OUT/index/" -type f -exec cat {} + > /dev/null
fi

log "starting the server on the index"
START=$(date +%s%N)
java "-Xmx$HEAP" ${SERVER_OPTS:-} -jar "$JAR" serve --index "$OUT/index" --port "$PORT" > "$OUT/serve.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
BASE="http://127.0.0.1:$PORT/fhir"
for _ in $(seq 1 1200); do
  if curl -s -o /dev/null -w '%{http_code}' "$BASE/ResearchStudy?_count=1" 2>/dev/null | grep -q 200; then
    break
  fi
  sleep 0.05
done
END=$(date +%s%N)
log "first answered search after $(( (END - START) / 1000000 )) ms" | tee "$OUT/startup.txt"

printf 'count-active 1 ResearchStudy?status=active&_summary=count\n' > "$OUT/count-mix.txt"
log "_summary=count on status=active, 1 client, 20s"
java -Xmx1g -jar "$JAR" bench search --target "$BASE" --mix "$OUT/count-mix.txt" --concurrency 1 \
  --duration 20 --warmup 3 --out "$OUT/count-active-c1.json" | tee "$OUT/count-active-c1.txt" || true

for C in 1 4 16; do
  log "query mix, $C clients, ${DURATION}s"
  java -Xmx1g -jar "$JAR" bench search --target "$BASE" --concurrency "$C" --duration "$DURATION" \
    --warmup 10 --out "$OUT/search-c$C.json" --plot "$OUT/search-c$C.png" | tee "$OUT/search-c$C.txt" || true
done

log "\$match and CDS patient-view, 1 client, ${DURATION}s"
java -Xmx1g -jar "$JAR" bench match --target "$BASE" --concurrency 1 --duration "$DURATION" \
  --warmup 10 --out "$OUT/match.json" --plot "$OUT/match.png" | tee "$OUT/match.txt" || true

log "server heap after the runs (live data after a full GC)"
jcmd "$SERVER" GC.run > /dev/null
jcmd "$SERVER" GC.heap_info | tee "$OUT/heap.txt"
kill "$SERVER"
wait "$SERVER" 2>/dev/null || true
log "done: $OUT"
