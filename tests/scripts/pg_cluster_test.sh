#!/usr/bin/env bash
# scripts/pg-cluster from a clone inside a folder only its owner may enter (mode 700, like
# root's home or a mktemp -d folder): the throwaway cluster must still start and answer, leave
# only pointer files in the build tree, move to the next port when its port is taken, and be
# gone after stop. Run as root, as ctest does here, the server runs as `nobody`, who cannot
# enter the private folder: a cluster placed under the clone would fail to start.
#   pg_cluster_test.sh SOURCE_DIR PORT
set -euo pipefail

src=$1
port=$2

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

private=$(mktemp -d)
chmod 700 "$private"
clone="$private/clone"
trap '"$clone/scripts/pg-cluster" stop "$clone/build/b" >/dev/null 2>&1 || true
      "$clone/scripts/pg-cluster" stop "$clone/build/a" >/dev/null 2>&1 || true
      rm -rf "$private"' EXIT
mkdir -p "$clone/scripts" "$clone/build"
cp "$src/scripts/pg-cluster" "$clone/scripts/"

uri_a=$("$clone/scripts/pg-cluster" start "$clone/build/a" "$port") || fail "start from a mode-700 folder"
[[ "$(cat "$clone/build/a/uri")" == "$uri_a" ]] || fail "the URI file does not hold the printed URI"
answer=$(psql "$uri_a" -Atc "SELECT current_setting('fsync') || ' ' || current_user") ||
  fail "the cluster does not answer at $uri_a"
[[ "$answer" == "on vb" ]] || fail "unexpected answer: $answer"

# The build tree holds pointers only; the cluster is in its own folder under the temp dir.
[[ -z "$(find "$clone/build/a" -mindepth 1 -not -name uri -not -name cluster)" ]] ||
  fail "the build tree holds more than the pointer files: $(ls "$clone/build/a")"
cluster_a=$(cat "$clone/build/a/cluster")
[[ -d "$cluster_a/data" && "$cluster_a" != "$private"* ]] || fail "cluster folder: $cluster_a"
if [[ "$(id -u)" -eq 0 ]]; then
  [[ "$(stat -c %U "$cluster_a")" == nobody ]] || fail "$cluster_a is not owned by nobody"
fi

# A second cluster asking for the same port gets the next free one.
uri_b=$("$clone/scripts/pg-cluster" start "$clone/build/b" "$port") || fail "second start"
[[ "$uri_b" != "$uri_a" ]] || fail "both clusters report $uri_a"
psql "$uri_b" -Atc "SELECT 1" >/dev/null || fail "the second cluster does not answer at $uri_b"
cluster_b=$(cat "$clone/build/b/cluster")

"$clone/scripts/pg-cluster" stop "$clone/build/b"
"$clone/scripts/pg-cluster" stop "$clone/build/a"
for gone in "$clone/build/a" "$clone/build/b" "$cluster_a" "$cluster_b"; do
  [[ ! -e "$gone" ]] || fail "$gone is still there after stop"
done
if psql "$uri_a" -Atc "SELECT 1" >/dev/null 2>&1; then fail "the server still answers after stop"; fi
echo "pg-cluster: started from a mode-700 folder at $uri_a and $uri_b, stopped and removed"
