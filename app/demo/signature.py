"""Deterministic hand-written-looking signatures as small PNG images, in pure Python.

The signing kiosk stores each captured signature as a PNG blob addressed by its SHA-256;
the demo needs a few such images. A signature here is a smooth random stroke (a sum of
sines drifting left to right, with a few loops) drawn with a round pen on a white
greyscale canvas, then encoded with :mod:`zlib` and :mod:`struct` only.
"""

from __future__ import annotations

import hashlib
import math
import random
import struct
import zlib

WIDTH = 240
HEIGHT = 80


def _chunk(tag: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))


def encode_png(pixels: bytearray, width: int, height: int) -> bytes:
    """An 8-bit greyscale PNG of ``pixels`` (row-major, one byte per pixel)."""
    raw = bytearray()
    for y in range(height):
        raw.append(0)  # filter type: none
        raw += pixels[y * width:(y + 1) * width]
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(bytes(raw), 6))
        + _chunk(b"IEND", b"")
    )


def signature_png(seed: int, width: int = WIDTH, height: int = HEIGHT) -> bytes:
    """A signature-like stroke, always the same for the same ``seed``."""
    rng = random.Random(seed)
    pixels = bytearray(b"\xff" * (width * height))
    ink = rng.randint(10, 60)
    # A few harmonics give the stroke its rhythm; loops come from a circular term.
    waves = [(rng.uniform(0.5, 2.0) * 2 * math.pi, rng.uniform(2, 7), rng.uniform(0, 6.3))
             for _ in range(2)]
    loops = rng.randint(7, 12)
    left, right = 14, width - 14
    mid = height / 2 + rng.uniform(-4, 4)
    # Letter heights vary along the name; a capital opens it.
    heights = [rng.uniform(8, 18) for _ in range(loops + 1)]
    heights[0] = rng.uniform(22, 30)
    steps = 450
    points = []
    for i in range(steps + 1):
        t = i / steps
        phase = loops * t
        k = min(int(phase), loops)
        angle = 2 * math.pi * phase
        ry = heights[k]
        x = left + (right - left) * t + (right - left) / loops * 0.45 * math.cos(angle)
        y = mid - ry * 0.5 * (1 - math.cos(angle)) + ry * 0.25
        for freq, amp, wphase in waves:
            y += amp * math.sin(freq * t + wphase)
        points.append((x, y))
    # A final flourish underneath.
    y0 = min(height - 8.0, mid + rng.uniform(14, 22))
    x0 = left + rng.uniform(0, 30)
    for i in range(80):
        t = i / 79
        points.append((x0 + (right - x0 - rng.uniform(0, 20)) * t, y0 - 3 * math.sin(t * 3)))

    # A round-ish pen: the centre pixel and its four neighbours in full ink.
    pen = ((0, 0), (1, 0), (-1, 0), (0, 1), (0, -1))
    visited: set[tuple[int, int]] = set()
    for (xa, ya), (xb, yb) in zip(points, points[1:]):
        n = max(1, int(max(abs(xb - xa), abs(yb - ya))))
        for k in range(n + 1):
            ix = int(xa + (xb - xa) * k / n)
            iy = int(ya + (yb - ya) * k / n)
            if (ix, iy) in visited:
                continue
            visited.add((ix, iy))
            for dx, dy in pen:
                px, py = ix + dx, iy + dy
                if 0 <= px < width and 0 <= py < height:
                    pixels[py * width + px] = ink
    return encode_png(pixels, width, height)


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
