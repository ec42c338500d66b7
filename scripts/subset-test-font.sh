#!/usr/bin/env bash
# Rebuilds tests/fixtures/fonts/DejaVuSerif-Bold-Relais.ttf, the font the tests ship in
# kits: Debian's DejaVu Serif Bold (Bitstream Vera licence + public domain changes, text
# beside it) cut down to Latin with French punctuation, plus Armenian, which no bundled
# face has (so a test can see where a missing character's fallback comes from). A serif
# looks nothing like the bundled faces, so a test can tell it was used. Needs apt
# (Debian/Ubuntu) and python3.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
apt-get download fonts-dejavu-core >/dev/null
dpkg -x fonts-dejavu-core_*.deb x
python3 -m venv venv
venv/bin/pip install --quiet 'fonttools==4.*'
venv/bin/pyftsubset x/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf \
  --unicodes="U+0020-007E,U+00A0-00FF,U+0152-0153,U+0178,U+2010-2027,U+202F,U+2030-203A,U+20AC,U+0531-0556,U+0561-0587" \
  --layout-features='*' --output-file="$here/tests/fixtures/fonts/DejaVuSerif-Bold-Relais.ttf"
ls -l "$here/tests/fixtures/fonts/DejaVuSerif-Bold-Relais.ttf"
