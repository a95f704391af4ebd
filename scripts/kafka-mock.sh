#!/usr/bin/env bash
# kafka-mock.sh start [N] | stop — librdkafka's mock cluster (Debian package kcat) for wire-level
# tests: prints the bootstrap servers on start. Files in $KAFKA_MOCK_DIR (default /tmp/kafka-mock).
set -euo pipefail
DIR=${KAFKA_MOCK_DIR:-/tmp/kafka-mock}
mkdir -p "$DIR"
case "${1:-start}" in
  start)
    N=${2:-3}
    rm -f "$DIR/bootstrap"
    setsid bash -c "sleep infinity | kcat -b 127.0.0.1:1 -X test.mock.num.brokers=$N -d mock -P -t __keepalive 2>&1 \
      | grep --line-buffered -oP '(?<=bootstrap.servers=)[^ ]+' > '$DIR/bootstrap'" </dev/null >/dev/null 2>&1 &
    echo $! > "$DIR/pgid"
    for _ in $(seq 1 100); do [ -s "$DIR/bootstrap" ] && break; sleep 0.05; done
    head -1 "$DIR/bootstrap"
    ;;
  stop)
    [ -f "$DIR/pgid" ] && kill -- -"$(cat "$DIR/pgid")" 2>/dev/null || true
    rm -f "$DIR/pgid"
    ;;
esac
