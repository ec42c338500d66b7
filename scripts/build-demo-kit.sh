#!/bin/sh
# Rebuilds the embedded demo kit with the organizer tools, exactly as an organizer
# would: draw the source folder (assets + kit.toml), make a throwaway key pair, build
# and sign a .relais file, keep the public key, destroy the secret key.
#
# Run after changing the demo drawings (and bump kit::demo::VERSION), or when the test
# `kit::the_embedded_demo_kit_matches_a_fresh_drawing` says the drawings changed.
# Usage: scripts/build-demo-kit.sh [path/to/relais]   (default: builds it without the
# desktop feature)
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
if [ $# -ge 1 ]; then
    relais=$1
else
    cargo build --quiet --no-default-features --bin relais
    relais="${CARGO_TARGET_DIR:-$root/target}/debug/relais"
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
export RELAIS_DATA_DIR="$work/data"
"$relais" kit demo-source --out "$work/src" >/dev/null
"$relais" kit keygen --unencrypted --out "$work/keys" >/dev/null
out=src-tauri/kit/demo
rm -f "$work/relais-demo.relais"
"$relais" kit build "$work/src" --key "$work/keys/relais-kit.key" --out "$work/relais-demo.relais"
"$relais" kit verify "$work/relais-demo.relais" --pubkey "$work/keys/relais-kit.pub" >/dev/null
cp "$work/relais-demo.relais" "$out/relais-demo.relais"
cp "$work/keys/relais-kit.pub" "$out/relais-demo.pub"
# The secret key dies with $work (trap above): nobody can sign another demo kit with it.
rm -f "$work/keys/relais-kit.key"
ls -l "$out"
