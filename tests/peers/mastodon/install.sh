#!/usr/bin/env bash
# Installs the Mastodon test peer (mastodon-mock, PyPI, MIT) into
# tests/peers/mastodon/.venv from PyPI only, hash-checked.
#
# Idempotent: skipped when .venv was built from the same requirements.txt
# (sha256 stamp) by the same python3. RELAIS_PEERS_FORCE=1 rebuilds it.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"
start_s=$(date +%s.%N)
elapsed() { awk -v a="$start_s" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}'; }

python=${PYTHON:-python3}
want="$(sha256sum requirements.txt | cut -d' ' -f1) $("$python" -c 'import sys; print(sys.version.split()[0])')"
stamp=.venv/.relais-install-stamp

if [[ "${RELAIS_PEERS_FORCE:-0}" != 1 && -f "$stamp" && "$(cat "$stamp")" == "$want" \
      && -x .venv/bin/python ]] && .venv/bin/python -c 'import mastodon_mock' 2>/dev/null; then
  echo "mastodon peer: already installed (${want:0:12}), $(elapsed) s"
  exit 0
fi

echo "mastodon peer: installing (${want:0:12}) ..." >&2
rm -rf .venv
"$python" -m venv .venv
.venv/bin/python -m pip install --quiet --no-input --require-hashes --only-binary=:all: \
  --no-deps -r requirements.txt
.venv/bin/python -m pip check >&2
.venv/bin/python -c 'import mastodon_mock, sys; print("mastodon_mock", mastodon_mock.__version__ if hasattr(mastodon_mock, "__version__") else "?", "on", sys.version.split()[0], file=sys.stderr)'
echo "$want" > "$stamp"
echo "mastodon peer: installed in $(elapsed) s"
