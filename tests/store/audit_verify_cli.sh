#!/usr/bin/env bash
# Tests the shipped binary: `vertebro audit verify` accepts a clean demonstration database
# (exit 0, "verified") and, after the file is edited with the sqlite3 shell behind vertebro's
# back, exits 3 and names the first entry that does not fit ("BROKEN at entry N").
# Usage: audit_verify_cli.sh VERTEBRO [SQLITE3]
set -euo pipefail

vertebro=$1
sqlite=${2:-sqlite3}
work=$(mktemp -d "${TMPDIR:-/tmp}/vertebro-audit-cli.XXXXXX")
trap 'rm -rf "$work"' EXIT

failures=0
fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

# verify DB -> sets rc and out
verify() {
  rc=0
  out=$("$vertebro" audit verify --db "$1" 2>&1) || rc=$?
}

expect_verified() {
  local name=$1 db=$2
  verify "$db"
  [[ $rc -eq 0 ]] || fail "$name: exit $rc, expected 0: $out"
  [[ $out == *verified* ]] || fail "$name: output does not say verified: $out"
}

expect_broken() {
  local name=$1 db=$2 entry=$3
  verify "$db"
  if [[ $rc -eq 3 && $out == *"BROKEN at entry $entry:"* ]]; then
    echo "ok: $name -> $out"
  else
    fail "$name: expected exit 3 and 'BROKEN at entry $entry', got exit $rc: $out"
  fi
}

# A copy of the clean database with the append-only triggers removed, then `sql` applied.
tampered() {
  local name=$1 sql=$2 copy="$work/$1.db"
  "$sqlite" "$clean" ".backup '$copy'"
  "$sqlite" "$copy" "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete; $sql" \
    || fail "$name: sqlite3 could not apply: $sql"
  echo "$copy"
}

clean="$work/clean.db"
"$vertebro" demo-data --db "$clean" >"$work/demo.out" 2>&1 \
  || { cat "$work/demo.out" >&2; echo "FAIL: demo-data" >&2; exit 1; }
expect_verified "clean" "$clean"

last=$("$sqlite" "$clean" "SELECT MAX(seq) FROM audit_log;")
count=$("$sqlite" "$clean" "SELECT COUNT(*) FROM audit_log;")
[[ $last -ge 20 && $last -eq $count ]] || fail "demo data left $count entries, last seq $last"
[[ $out == *"$count entries"* ]] || fail "verify does not report $count entries: $out"

# While the triggers stand, the file refuses edits to the trail.
if "$sqlite" "$clean" "UPDATE audit_log SET detail = '{}' WHERE seq = 3;" 2>"$work/err"; then
  fail "UPDATE on audit_log was allowed"
fi
grep -q "append-only" "$work/err" || fail "UPDATE refused without naming append-only: $(cat "$work/err")"
if "$sqlite" "$clean" "DELETE FROM audit_log WHERE seq = 3;" 2>"$work/err"; then
  fail "DELETE on audit_log was allowed"
fi
grep -q "append-only" "$work/err" || fail "DELETE refused without naming append-only: $(cat "$work/err")"
expect_verified "clean after refused edits" "$clean"

# Removing the triggers alone changes no entry.
expect_verified "triggers dropped" "$(tampered triggers_dropped "")"

expect_broken "changed" "$(tampered changed \
  "UPDATE audit_log SET detail = '{\"patients\":0}' WHERE seq = 7;")" 7
expect_broken "changed user" "$(tampered changed_user \
  "UPDATE audit_log SET user_id = 99 WHERE seq = 12;")" 12
expect_broken "deleted middle" "$(tampered deleted_middle \
  "DELETE FROM audit_log WHERE seq = 10;")" 11
expect_broken "deleted last" "$(tampered deleted_last \
  "DELETE FROM audit_log WHERE seq = $last;")" "$last"
expect_broken "inserted" "$(tampered inserted \
  "INSERT INTO audit_log SELECT seq + 1, at, user_id, username, 'read', record_type, record_id,
   patient_id, site_id, detail, hash, hash FROM audit_log WHERE seq = $last;")" $((last + 1))
expect_broken "reordered" "$(tampered reordered \
  "UPDATE audit_log SET seq = -1 WHERE seq = 4; UPDATE audit_log SET seq = 4 WHERE seq = 5;
   UPDATE audit_log SET seq = 5 WHERE seq = -1;")" 4

if [[ $failures -ne 0 ]]; then
  echo "$failures check(s) failed" >&2
  exit 1
fi
echo "all audit verify checks passed"
