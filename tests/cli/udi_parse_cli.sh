#!/usr/bin/env bash
# Tests the shipped binary: `vertebro udi parse` reads one scan per line on standard input and
# writes one JSON object per line, in order, in the shape of issue 16 (docs/traceability.md).
# The expected lines are in tests/data/udi/parse.jsonl; the scans beside them in parse.txt,
# where \x1D stands for the GS separator a scanner sends.
# Usage: udi_parse_cli.sh VERTEBRO DATA_DIR
set -euo pipefail

vertebro=$1
data=$2
work=$(mktemp -d "${TMPDIR:-/tmp}/vertebro-udi-cli.XXXXXX")
trap 'rm -rf "$work"' EXIT

# The scans, with \x1D made a real GS and CRLF line ends on the last line (a Windows file).
sed 's/\\x1D/\x1d/g' "$data/parse.txt" > "$work/in"
printf '0109506000134352\r\n' >> "$work/in"
rc=0
"$vertebro" udi parse < "$work/in" > "$work/out" 2> "$work/err" || rc=$?
if [[ $rc -ne 0 ]]; then
  echo "FAIL: exit $rc: $(cat "$work/err")" >&2
  exit 1
fi
if ! diff -u "$data/parse.jsonl" "$work/out"; then
  echo "FAIL: the output differs from $data/parse.jsonl" >&2
  exit 1
fi
lines_in=$(wc -l < "$work/in")
lines_out=$(wc -l < "$work/out")
[[ $lines_in -eq $lines_out ]] || { echo "FAIL: $lines_in scans, $lines_out lines" >&2; exit 1; }
# An empty input gives an empty output and success.
[[ -z "$("$vertebro" udi parse < /dev/null)" ]] || { echo "FAIL: output for no input" >&2; exit 1; }
echo "udi parse: $lines_out lines as expected"
