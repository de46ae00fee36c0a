#!/usr/bin/env bash
# Fetch pinned third-party front-end files from the npm registry into static/vendor/,
# checking each tarball against the integrity string committed in scripts/assets.lock.
# Test-only files (axe-core, for the browser tests' accessibility checks) come the same way
# from scripts/test_assets.lock into tests/e2e/vendor/: outside static/, never served.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
lock="$root/scripts/assets.lock"
vendor="$root/static/vendor"

fetch_npm() {  # name version integrity path-in-package destination
  local tmp tgz actual
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack "$1@$2" --silent >/dev/null 2>&1)
  tgz=$(ls "$tmp"/*.tgz)
  actual=$(python3 -c 'import base64,hashlib,sys; print("sha512-"+base64.b64encode(hashlib.sha512(open(sys.argv[1],"rb").read()).digest()).decode())' "$tgz")
  if [ "$actual" != "$3" ]; then
    echo "integrity mismatch for $1@$2: got $actual" >&2; rm -rf "$tmp"; return 1
  fi
  tar -xzf "$tgz" -C "$tmp" "package/$4"
  install -D -m 644 "$tmp/package/$4" "$5"
  rm -rf "$tmp"
}

fetch_lock() {  # lock-file destination-folder
  grep -v '^\s*#' "$1" | while read -r name version integrity path dest; do
    [ -n "$name" ] || continue
    stamp="$2/.$name-$version"
    if [ -f "$2/$dest" ] && [ -f "$stamp" ]; then continue; fi
    echo "fetching $name@$version"
    fetch_npm "$name" "$version" "$integrity" "$path" "$2/$dest"
    touch "$stamp"
  done
}

fetch_lock "$lock" "$vendor"
fetch_lock "$root/scripts/test_assets.lock" "$root/tests/e2e/vendor"
