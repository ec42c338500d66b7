#!/usr/bin/env bash
# Builds fallback faces for scripts that Inter and League Spartan lack: Arabic, Hebrew
# and Tifinagh (Berber), from Debian's Noto fonts (OFL-1.1, no Reserved Font Name),
# one weight for each bundled face: Regular (400) next to Inter Regular, Bold (700)
# next to Inter Bold, Black (900) next to League Spartan Black. Noto Sans Tifinagh has
# only a Regular. cosmic-text's script fallback only takes a face of the exact weight
# asked for, so the weights matter. Inter 3.19 already covers Latin with Vietnamese,
# Greek (polytonic too) and Cyrillic, so those are not built.
#
# The subsets keep every OpenType layout feature (Arabic joining, lam-alef and the
# other ligatures, harakat and niqqud placement, Tifinagh's liga and rtla) and every
# name record: Noto's Black faces only say "Noto Sans Arabic" in their typographic
# family (name ID 16), which pyftsubset drops by default. Hinting is dropped: the
# renderer draws unhinted outlines. Outputs are plain TrueType, no WOFF.
#
# Writes into target-fonts-staging/ (or the folder given as $1), with each family's
# licence: the package's copyright file, which holds the full OFL text. Pass
# --alternatives to also build the faces the report compares (Noto Kufi Arabic Black,
# Noto Sans Black for Greek and Cyrillic) into alternatives/ there. If hb-shape
# (libharfbuzz-bin) is installed, each subset is checked to shape sample text exactly
# like the full font. Needs apt (Debian/Ubuntu) and python3.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
alternatives=false
out="$here/target-fonts-staging"
for arg in "$@"; do
  case "$arg" in
    --alternatives) alternatives=true ;;
    *) out=$(mkdir -p "$arg" && cd "$arg" && pwd) ;;
  esac
done
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
# fonts-noto-core has Regular and Bold, fonts-noto-extra the other weights.
apt-get download fonts-noto-core fonts-noto-extra >/dev/null
dpkg -x fonts-noto-core_*.deb x
dpkg -x fonts-noto-extra_*.deb x
# Both packages carry the same copyright file; if that ever changes, look again.
cmp -s x/usr/share/doc/fonts-noto-core/copyright x/usr/share/doc/fonts-noto-extra/copyright ||
  { echo 'fonts-noto-core and fonts-noto-extra licences differ' >&2; exit 1; }
python3 -m venv venv
venv/bin/pip install --quiet 'fonttools==4.*'
noto=x/usr/share/fonts/truetype/noto

# Spaces, joiners, bidi marks and isolates, and the dotted circle a shaper puts under a
# mark that has no base.
common="U+0020,U+00A0,U+200C-200F,U+2066-2069,U+25CC"
# Arabic block (Arabic, Persian, Urdu, Pashto, Kurdish, Arabic-Indic digits, harakat)
# and the presentation forms that text pasted from old PDFs is made of (+6 KB a weight).
# Arabic Supplement and Extended-A (U+0750-077F, U+08A0-08FF: African and South Asian
# letters) would add about 38 KB a weight; left out.
arabic="$common,U+0600-06FF,U+FB50-FDFF,U+FE70-FEFF"
# Letters, niqqud and cantillation marks, punctuation (maqaf, geresh, gershayim), the
# precomposed presentation forms and the shekel sign. Without the marks: 6 KB, not 15.
hebrew="$common,U+0591-05C7,U+05D0-05EA,U+05EF-05F4,U+FB1D-FB4F,U+20AA"
# Tifinagh block (Neo-Tifinagh as in Morocco and Algeria, Tuareg letters, the
# consonant joiner U+2D7F) and the combining marks Tuareg writes over it.
tifinagh="$common,U+2D30-2D7F,U+0301-0302,U+0304,U+0306-0307,U+0309,U+0323,U+0331"
# Alternative only: Greek and Cyrillic in a black weight for poster captions, which
# otherwise fall back to Inter Bold, and the Berber Latin letters League Spartan lacks
# (ɛ ɣ ḍ ḥ ṛ ṣ ṭ ẓ ṯ ḏ, with capitals), which otherwise come from Inter Bold mid-word.
# Monotonic Greek only: polytonic (U+1F00-1FFF) would add 13 KB, Cyrillic Supplement
# and combining marks 29 KB.
greek_cyrillic="U+0020,U+00A0,U+0370-03FF,U+0400-04FF,U+0190,U+0194,U+025B,U+0263,U+1E0C-1E0F,U+1E24-1E25,U+1E5A-1E5B,U+1E62-1E63,U+1E6C-1E6F,U+1E92-1E93"

built=()
subset() { # source-file unicodes output-file
  venv/bin/pyftsubset "$noto/$1" --unicodes="$2" \
    --layout-features='*' --name-IDs='*' --no-hinting \
    --output-file="$3"
  built+=("$1:$3")
}

for weight in Regular Bold Black; do
  subset "NotoSansArabic-$weight.ttf" "$arabic" "$out/NotoSansArabic-$weight-Relais.ttf"
  subset "NotoSansHebrew-$weight.ttf" "$hebrew" "$out/NotoSansHebrew-$weight-Relais.ttf"
done
subset NotoSansTifinagh-Regular.ttf "$tifinagh" "$out/NotoSansTifinagh-Regular-Relais.ttf"
for family in NotoSansArabic NotoSansHebrew NotoSansTifinagh; do
  cp x/usr/share/doc/fonts-noto-core/copyright "$out/$family-LICENSE.txt"
done

if $alternatives; then
  mkdir -p "$out/alternatives"
  subset NotoKufiArabic-Black.ttf "$arabic" "$out/alternatives/NotoKufiArabic-Black-Relais.ttf"
  subset NotoSans-Black.ttf "$greek_cyrillic" "$out/alternatives/NotoSans-Black-GreekCyrillicBerber-Relais.ttf"
  cp x/usr/share/doc/fonts-noto-extra/copyright "$out/alternatives/NotoKufiArabic-LICENSE.txt"
  cp x/usr/share/doc/fonts-noto-extra/copyright "$out/alternatives/NotoSans-LICENSE.txt"
fi

# Each subset must shape sample text exactly like the full font: same clusters,
# advances and offsets, no .notdef. Glyph ids differ, so they are not compared.
if command -v hb-shape >/dev/null; then
  samples=("مرحبا بالعالم" "لا إله، ﻻ؟ بِسْمِ ٱللَّٰهِ ١٢٣" "پیروزی گفتگو"
    "שלום" "שָׁלוֹם עוֹלָם" "ⵜⴰⵎⴰⵣⵉⵖⵜ" "ⴰⵣⵓⵍ ⴼⵍⵍⴰⵡⵏ" "ΨΗΦΙΣΤΕ Ελλάδα" "ГОЛОСУЙТЕ Україна" "ɣ ṭṭ ẓḍ ɛ Ɣ Ɛ ḥ ṛ ṣ")
  shape() { hb-shape --no-glyph-names --output-format=json "$1" "$2" \
    | venv/bin/python -c 'import json,sys; print([(g["cl"],g["ax"],g["dx"],g["dy"]) for g in json.load(sys.stdin)])'; }
  notdef() { hb-shape --no-glyph-names --no-positions --no-clusters "$1" "$2" | grep -Eq '(\[|\|)0(\||\])'; }
  failed=0
  for pair in "${built[@]}"; do
    src="$noto/${pair%%:*}" dst="${pair#*:}"
    for text in "${samples[@]}"; do
      notdef "$src" "$text" && continue # the full font lacks this script: not its sample
      if [ "$(shape "$src" "$text")" != "$(shape "$dst" "$text")" ] || notdef "$dst" "$text"; then
        echo "shapes differently from the full font: $(basename "$dst") on '$text'" >&2
        failed=1
      fi
    done
  done
  [ "$failed" = 0 ] || exit 1
  echo "every subset shapes its samples like the full font"
fi
ls -l "$out"/*.ttf "$out"/*-LICENSE.txt
if $alternatives; then ls -l "$out"/alternatives/; fi
