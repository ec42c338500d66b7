#!/usr/bin/env bash
# Times `relais render` against ImageMagick, Pillow, ffmpeg and gifsicle on the same
# generated inputs, in one run on this machine, and prints sizes and ratios.
# Task everywhere: a two-line caption, white with a black outline, bottom centre, then
# encode. Inputs are generated here (never committed). Usage: bench/compare.sh [runs]
set -euo pipefail

RUNS="${1:-3}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
WORK="${COMPARE_DIR:-$(mktemp -d /tmp/relais-compare.XXXXXX)}"
FONT="$ROOT/src-tauri/render/fonts/Inter-Bold.otf"
LINE1="Tous à la manif dimanche !"
LINE2="On lâche rien"
TEXT="$LINE1"$'\n'"$LINE2"
PY=/usr/bin/python3

need=()
command -v convert >/dev/null || need+=(imagemagick)
command -v ffmpeg >/dev/null || need+=(ffmpeg)
command -v gifsicle >/dev/null || need+=(gifsicle)
"$PY" -c 'import PIL' 2>/dev/null || need+=(python3-pil)
if ((${#need[@]})); then
    echo "installing from Debian: ${need[*]}" >&2
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
    $SUDO apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >&2
fi

echo "building relais (release, --no-default-features)" >&2
(cd "$ROOT" && cargo build --release --no-default-features --bin relais >&2)
RELAIS="${CARGO_TARGET_DIR:-$ROOT/target}/release/relais"
export RELAIS_HOME="$WORK/home"

cd "$WORK"
echo "inputs and outputs in $WORK" >&2
if [ ! -s anim800.gif ]; then
    convert -seed 7 -size 1080x1350 plasma:tomato-steelblue -blur 0x1 photo.png
    convert photo.png -quality 90 photo.jpg
    convert -seed 11 -size 1000x1250 plasma:gold-navy -blur 0x1 -resize 4000x5000! -attenuate 0.4 +noise Gaussian -quality 90 poster.jpg
    ffmpeg -v error -f lavfi -t 4 -i "mandelbrot=s=480x480:rate=15:maxiter=300" \
        -filter_complex "split[a][b];[a]palettegen[p];[b][p]paletteuse" -loop 0 -y anim480.gif
    # A typical GIF: a still photo with a moving, colour-shifting part.
    ffmpeg -v error -loop 1 -t 11 -i photo.png -f lavfi -t 11 -i "gradients=s=240x240:speed=0.05:rate=15:seed=1" \
        -filter_complex "[0]scale=800:450,format=rgb24[b];[1]format=rgb24[g];[b][g]overlay=x='mod(t*60,560)':y=100:shortest=1,fps=15,trim=end_frame=150,split[a][c];[a]palettegen[p];[c][p]paletteuse" \
        -loop 0 -y anim800.gif
fi

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
# time_it NAME cmd... : runs the command RUNS times, records the median seconds.
declare -A TIME SIZE
time_it() {
    local name="$1" out="$2"; shift 2
    local times=()
    for _ in $(seq "$RUNS"); do
        local start end
        start=$(date +%s.%N)
        "$@" >/dev/null 2>&1 || { echo "FAILED: $name: $*" >&2; return 1; }
        end=$(date +%s.%N)
        times+=("$(echo "$end - $start" | bc -l)")
    done
    TIME[$name]=$(printf '%s\n' "${times[@]}" | median)
    SIZE[$name]=$(stat -c %s "$out")
}

cat > pil_caption.py <<'PYEOF'
import sys
from PIL import Image, ImageDraw, ImageFont
src, dst, font_path, text = sys.argv[1:5]
im = Image.open(src).convert("RGB")
w, h = im.size
size = h // 20
font = ImageFont.truetype(font_path, size)
draw = ImageDraw.Draw(im)
draw.multiline_text((w / 2, h - 40), text, font=font, fill="white", anchor="md",
                    align="center", stroke_width=max(1, size // 12), stroke_fill="black")
kw = {"quality": 90} if dst.endswith(".jpg") else {}
im.save(dst, **kw)
PYEOF

im_still() { # in out height
    local pt=$(($3 / 20)); local sw=$((pt / 12 > 0 ? pt / 12 : 1))
    convert "$1" -gravity south -font "$FONT" -pointsize "$pt" -stroke black -strokewidth "$sw" \
        -fill white -annotate +0+40 "$TEXT" -stroke none -annotate +0+40 "$TEXT" -quality 90 "$2"
}
im_gif() { # in out height
    local pt=$(($3 / 20)); local sw=$((pt / 12 > 0 ? pt / 12 : 1))
    convert "$1" -coalesce -gravity south -font "$FONT" -pointsize "$pt" -stroke black \
        -strokewidth "$sw" -fill white -annotate +0+40 "$TEXT" -stroke none -annotate +0+40 "$TEXT" \
        -layers Optimize "$2"
}
ff_gif() { # in out height
    local pt=$(($3 / 20)); local bw=$((pt / 12 > 0 ? pt / 12 : 1))
    printf '%s' "$TEXT" > caption.txt
    ffmpeg -v error -i "$1" -filter_complex \
        "drawtext=fontfile=$FONT:textfile=caption.txt:fontsize=$pt:fontcolor=white:borderw=$bw:bordercolor=black:x=(w-tw)/2:y=h-th-40,split[a][b];[a]palettegen[p];[b][p]paletteuse" \
        -loop 0 -y "$2"
}
relais() { "$RELAIS" render --image "$1" --text "$TEXT" -o "$2" "${@:3}"; }

rows=()
still() { # label in ext height
    local label="$1" in="$2" ext="$3" h="$4"
    time_it "$label/relais" "r_$label.$ext" relais "$in" "r_$label.$ext"
    time_it "$label/imagemagick" "im_$label.$ext" im_still "$in" "im_$label.$ext" "$h"
    time_it "$label/pillow" "pil_$label.$ext" "$PY" pil_caption.py "$in" "pil_$label.$ext" "$FONT" "$TEXT"
    rows+=("$label")
}
anim() { # label in height
    local label="$1" in="$2" h="$3"
    time_it "$label/relais" "r_$label.gif" relais "$in" "r_$label.gif"
    time_it "$label/imagemagick" "im_$label.gif" im_gif "$in" "im_$label.gif" "$h"
    time_it "$label/ffmpeg" "ff_$label.gif" ff_gif "$in" "ff_$label.gif" "$h"
    time_it "$label/gifsicle" "gs_$label.gif" gifsicle -O3 "im_$label.gif" -o "gs_$label.gif"
    rows+=("$label")
}

still png-1080x1350 photo.png png 1350
still jpg-1080x1350 photo.jpg jpg 1350
still jpg-4000x5000 poster.jpg jpg 5000
anim gif-480x480x60 anim480.gif 480
anim gif-800x450x150 anim800.gif 450

ratio() { echo "scale=2; $1 / $2" | bc -l | sed 's/^\./0./'; }
printf '\n%-18s %-12s %9s %11s %12s %12s\n' input tool "time s" bytes "relais/time" "relais/size"
for label in "${rows[@]}"; do
    for tool in relais imagemagick pillow ffmpeg gifsicle; do
        key="$label/$tool"
        [ -n "${TIME[$key]:-}" ] || continue
        if [ "$tool" = relais ]; then
            printf '%-18s %-12s %9.3f %11d %12s %12s\n' "$label" "$tool" "${TIME[$key]}" "${SIZE[$key]}" "-" "-"
        else
            note=""
            [ "$tool" = gifsicle ] && note=" (-O3 on IM output)"
            printf '%-18s %-12s %9.3f %11d %12s %12s%s\n' "$label" "$tool" "${TIME[$key]}" "${SIZE[$key]}" \
                "$(ratio "${TIME[$label/relais]}" "${TIME[$key]}")" \
                "$(ratio "${SIZE[$label/relais]}" "${SIZE[$key]}")" "$note"
        fi
    done
done
echo
echo "Goals: stills relais/imagemagick time <= 0.33 and relais/pillow time <= 0.50 with size <= 1;"
echo "GIF relais/ffmpeg time <= 1 and relais/imagemagick size <= 1 (ImageMagick output is -layers Optimize)."
