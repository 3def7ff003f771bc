#!/usr/bin/python3
"""Draws resources/sample.png, vlmscope's built-in sample image (our own, public domain).

A 512x384 RGB landscape: sky gradient, sun, two hills, a house with a door and windows, a
tree. Only the Python standard library is used (zlib + struct PNG writer), so it runs anywhere:

    /usr/bin/python3 resources/make_sample_image.py [output.png]
"""
import math
import struct
import sys
import zlib

WIDTH, HEIGHT = 512, 384


def lerp(a, b, t):
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b))


def sky(y):
    return lerp((70, 130, 210), (200, 225, 245), y / (HEIGHT * 0.7))


def hill_top(x, centre, height, width):
    """Height of a smooth cosine hill at column x (smaller y = higher)."""
    d = (x - centre) / width
    if abs(d) >= 1:
        return HEIGHT
    return HEIGHT - height * (0.5 + 0.5 * math.cos(math.pi * d))


def inside_circle(x, y, cx, cy, r):
    return (x - cx) ** 2 + (y - cy) ** 2 <= r * r


def inside_rect(x, y, left, top, right, bottom):
    return left <= x < right and top <= y < bottom


def inside_roof(x, y):
    # Triangle over the house: apex (300, 190), base from (240, 240) to (360, 240).
    return 190 <= y < 240 and abs(x - 300) <= (y - 190) * 60 / 50


def pixel(x, y):
    if inside_roof(x, y):
        return (150, 45, 40)
    if inside_rect(x, y, 250, 240, 350, 320):
        if inside_rect(x, y, 290, 275, 312, 320):
            return (95, 60, 30)  # door
        if inside_rect(x, y, 262, 255, 282, 275) or inside_rect(x, y, 320, 255, 340, 275):
            return (250, 230, 140)  # lit windows
        return (225, 205, 170)  # walls
    if inside_rect(x, y, 128, 250, 138, 300):
        return (100, 70, 40)  # trunk
    if inside_circle(x, y, 133, 240, 26):
        return (40, 120, 50)  # crown
    near = hill_top(x, 380, 150, 330)
    far = hill_top(x, 120, 190, 300)
    if y >= near:
        shade = (y - near) / HEIGHT
        return lerp((90, 170, 70), (50, 120, 40), shade)
    if y >= far:
        shade = (y - far) / HEIGHT
        return lerp((120, 160, 90), (80, 130, 70), shade)
    if inside_circle(x, y, 420, 80, 36):
        return (255, 220, 90)
    if inside_circle(x, y, 420, 80, 44):
        return lerp((255, 220, 90), sky(y), 0.5)  # halo
    return sky(y)


def png_chunk(kind, data):
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


def encode_png(rows):
    # Filter type 2 (Up) makes the vertical sky gradient and flat areas compress well.
    raw = bytearray()
    previous = bytes(WIDTH * 3)
    for row in rows:
        raw.append(2)
        raw.extend((a - b) & 0xFF for a, b in zip(row, previous))
        previous = row
    header = struct.pack(">IIBBBBB", WIDTH, HEIGHT, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header)
            + png_chunk(b"IDAT", zlib.compress(bytes(raw), 9)) + png_chunk(b"IEND", b""))


def main():
    output = sys.argv[1] if len(sys.argv) > 1 else "sample.png"
    rows = [bytes(c for x in range(WIDTH) for c in pixel(x, y)) for y in range(HEIGHT)]
    with open(output, "wb") as f:
        f.write(encode_png(rows))


if __name__ == "__main__":
    main()
