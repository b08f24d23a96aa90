#!/usr/bin/env bash
# Writes the age and version of a snapshot directory's LATEST manifest in Prometheus text format
# for node_exporter's textfile collector. Run from cron or a systemd timer every minute:
#   snapshot-age.sh /data/engram/snapshots /var/lib/node_exporter/textfile/engram_snapshot.prom
set -euo pipefail
DIR="${1:?snapshot directory}"
OUT="${2:?output .prom file}"
LATEST="$DIR/LATEST"
TMP="$OUT.$$"
{
  echo "# HELP engram_snapshot_latest_created_seconds Creation time (Unix seconds) of the snapshot LATEST names."
  echo "# TYPE engram_snapshot_latest_created_seconds gauge"
  echo "# HELP engram_snapshot_latest_version Version LATEST names."
  echo "# TYPE engram_snapshot_latest_version gauge"
  echo "# HELP engram_snapshot_latest_hot_rows Hot rows of the snapshot LATEST names."
  echo "# TYPE engram_snapshot_latest_hot_rows gauge"
  if [[ -f "$LATEST" ]]; then
    created_ms=$(grep -o '"createdAt" *: *[0-9]*' "$LATEST" | grep -o '[0-9]*$')
    version=$(grep -o '"version" *: *[0-9]*' "$LATEST" | head -n 1 | grep -o '[0-9]*$')
    hot=$(grep -o '"hotRows" *: *[0-9]*' "$LATEST" | grep -o '[0-9]*$')
    echo "engram_snapshot_latest_created_seconds{dir=\"$DIR\"} $((created_ms / 1000))"
    echo "engram_snapshot_latest_version{dir=\"$DIR\"} $version"
    echo "engram_snapshot_latest_hot_rows{dir=\"$DIR\"} $hot"
  fi
} >"$TMP"
mv "$TMP" "$OUT"
