#!/usr/bin/env python3
"""Draws Relais's icon (a forward-relay chevron pair on a tricolour-leaning gradient)
into icons/source.png with the standard library only, then lets the Tauri CLI derive
every size the bundle config needs: `python3 scripts/make-icons.py && npx tauri icon
icons/source.png -o icons`."""
import math
import struct
import sys
import zlib
from pathlib import Path

SIZE = 1024
SS = 3  # supersampling per axis, for smooth edges without a rasterizer


def rounded_rect_sdf(x, y, half, radius):
    qx = abs(x) - half + radius
    qy = abs(y) - half + radius
    outside = math.hypot(max(qx, 0.0), max(qy, 0.0))
    return outside + min(max(qx, qy), 0.0) - radius


def chevron_sdf(x, y, cx, width, height, thickness):
    # A ">" made of two segments meeting at (cx + width/2, 0).
    tip = (cx + width / 2, 0.0)
    best = 1e9
    for end in ((cx - width / 2, -height / 2), (cx - width / 2, height / 2)):
        ax, ay = end
        bx, by = tip
        px, py = x - ax, y - ay
        dx, dy = bx - ax, by - ay
        t = max(0.0, min(1.0, (px * dx + py * dy) / (dx * dx + dy * dy)))
        best = min(best, math.hypot(px - dx * t, py - dy * t))
    return best - thickness / 2


def pixel(u, v):
    # u, v in [-1, 1]
    bg = rounded_rect_sdf(u, v, 0.86, 0.22)
    if bg > 0:
        return (0, 0, 0, 0)
    t = (u + v + 2) / 4  # diagonal gradient
    a = (43, 58, 140)  # deep blue
    b = (229, 72, 77)  # warm red
    r, g, bl = (round(a[i] + (b[i] - a[i]) * t) for i in range(3))
    front = chevron_sdf(u, v, 0.16, 0.42, 0.86, 0.17)
    back = chevron_sdf(u, v, -0.30, 0.42, 0.86, 0.17)
    if front <= 0:
        return (255, 255, 255, 255)
    if back <= 0:
        return (255, 255, 255, 150)
    return (r, g, bl, 255)


def render():
    rows = []
    for py in range(SIZE):
        row = bytearray([0])
        for px in range(SIZE):
            acc = [0, 0, 0, 0]
            for sy in range(SS):
                for sx in range(SS):
                    u = ((px + (sx + 0.5) / SS) / SIZE) * 2 - 1
                    v = ((py + (sy + 0.5) / SS) / SIZE) * 2 - 1
                    r, g, b, a = pixel(u, v)
                    if a and a < 255:  # translucent white over the gradient
                        base = pixel_bg(u, v)
                        k = a / 255
                        r, g, b = (round(base[i] * (1 - k) + 255 * k) for i in range(3))
                        a = 255
                    acc[0] += r * a
                    acc[1] += g * a
                    acc[2] += b * a
                    acc[3] += a
            n = SS * SS
            alpha = acc[3] / n
            if acc[3]:
                row += bytes((round(acc[0] / acc[3]), round(acc[1] / acc[3]), round(acc[2] / acc[3]), round(alpha)))
            else:
                row += bytes((0, 0, 0, 0))
        rows.append(bytes(row))
    return b"".join(rows)


def pixel_bg(u, v):
    t = (u + v + 2) / 4
    a = (43, 58, 140)
    b = (229, 72, 77)
    return tuple(round(a[i] + (b[i] - a[i]) * t) for i in range(3))


def write_png(path, raw):
    def chunk(kind, data):
        c = struct.pack(">I", len(data)) + kind + data
        return c + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", SIZE, SIZE, 8, 6, 0, 0, 0)
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")
    Path(path).write_bytes(png)


if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent / "icons" / "source.png")
    write_png(out, render())
    print(f"wrote {out}")
