#!/usr/bin/env bash
# Rebuilds src-tauri/render/fonts/NotoColorEmoji-Relais.ttf: Debian's Noto Color Emoji
# (OFL-1.1) cut down to the emoji volunteers actually put on campaign visuals, flags and
# skin tones included, so the app stays small. Needs apt (Debian/Ubuntu) and python3.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
apt-get download fonts-noto-color-emoji >/dev/null
dpkg -x fonts-noto-color-emoji_*.deb x
python3 -m venv venv
venv/bin/pip install --quiet 'fonttools==4.*'
# A curated set: what volunteers put on campaign visuals (votes, hands, hearts, faces,
# arrows, megaphones, checks), every flag (regional indicators), the keycap and ZWJ
# joiners. Skin-tone variants are left out for size; issue #4 revisits the set.
venv/bin/pyftsubset x/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf \
  --unicodes="U+203C,U+2049,U+2705,U+2714,U+2716,U+274C,U+2753,U+2757,U+2764,U+2763,U+27A1,U+2B05-2B07,U+2B50,U+2600,U+2614,U+2615,U+261D,U+2620,U+262E,U+2639,U+263A,U+2696,U+2697,U+26A0,U+26A1,U+26D4,U+26F3,U+2708,U+2709,U+270A-270D,U+270F,U+2712,U+2728,U+2744,U+2B55,U+23F0,U+23F3,U+231B,U+1F308,U+1F30D-1F30F,U+1F31E,U+1F331,U+1F333,U+1F337,U+1F339,U+1F33B,U+1F340,U+1F381,U+1F389,U+1F38A,U+1F393,U+1F3C1,U+1F3C3,U+1F3DB,U+1F3E0,U+1F3EB,U+1F3F3,U+1F3F4,U+1F308,U+1F440,U+1F442,U+1F446-1F450,U+1F464-1F46A,U+1F476,U+1F48C,U+1F493-1F49F,U+1F4A1,U+1F4A5,U+1F4AA,U+1F4AC,U+1F4AF,U+1F4B6,U+1F4C5,U+1F4C6,U+1F4CC,U+1F4CD,U+1F4DD,U+1F4E2,U+1F4E3,U+1F4E8,U+1F4E9,U+1F4F1,U+1F4F8,U+1F50A,U+1F514,U+1F525,U+1F5E3,U+1F5F3,U+1F600-1F64F,U+1F680,U+1F6A8,U+1F6B2,U+1F6D1,U+1F90C-1F91F,U+1F929,U+1F932,U+1F970,U+1F973,U+1F97A,U+1F9E1,U+1F9E9,U+1FAC2,U+1FAF6,U+1F1E6-1F1FF,U+200D,U+FE0F,U+20E3,U+0023,U+002A,U+0030-0039" \
  --layout-features='*' --output-file="$here/src-tauri/render/fonts/NotoColorEmoji-Relais.ttf"
ls -l "$here/src-tauri/render/fonts/NotoColorEmoji-Relais.ttf"
