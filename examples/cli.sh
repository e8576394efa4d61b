#!/usr/bin/env bash
# The influx-async CLI: write line protocol, CSV or NDJSON files, then delete.
# influx-async is the bin of influxdb-client-async (npm install -g, or npx influx-async).
# Uses INFLUXDB_V2_URL, INFLUXDB_V2_TOKEN and INFLUXDB_V2_ORG (or --host, --token, --org).
set -euo pipefail
bucket=${INFLUX_BUCKET:-my-bucket}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

printf 'cpu,host=a usage=1.5 1767225600000000000\ncpu,host=b usage=2.5 1767225600000000000\n' >"$dir/cpu.lp"
printf 'time,room,celsius\n2026-01-01T00:00:00Z,kitchen,21.5\n' >"$dir/rooms.csv"

influx-async write -b "$bucket" "$dir/cpu.lp"
influx-async write -b "$bucket" -m temperature --tag-columns room --timestamp-column time "$dir/rooms.csv"
influx-async delete -b "$bucket" --start 2026-01-01T00:00:00Z --stop 2026-01-02T00:00:00Z --predicate '_measurement="cpu" AND host="a"'
