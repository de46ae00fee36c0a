#!/usr/bin/env bash
# Fetch pinned third-party front-end files from the npm registry into static/vendor/,
# checking each tarball against the integrity string committed in scripts/assets.lock.
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

grep -v '^\s*#' "$lock" | while read -r name version integrity path dest; do
  [ -n "$name" ] || continue
  stamp="$vendor/.$name-$version"
  if [ -f "$vendor/$dest" ] && [ -f "$stamp" ]; then continue; fi
  echo "fetching $name@$version"
  fetch_npm "$name" "$version" "$integrity" "$path" "$vendor/$dest"
  touch "$stamp"
done
