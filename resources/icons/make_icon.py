"""Draw Maillage's application icon: a stylised mesh « M » (nodes joined by links).

Run ``python resources/icons/make_icon.py`` to regenerate ``maillage.png`` (256 px),
``maillage-<N>.png`` (16 to 128 px) and ``maillage.ico`` (the same sizes, PNG-compressed
entries, for Windows and the installer). The drawing is plain QtGui (no display needed: the
script sets ``QT_QPA_PLATFORM=offscreen``); the ICO container is written by hand.
"""

from __future__ import annotations

import os
import struct
from pathlib import Path

HERE = Path(__file__).resolve().parent

# Colours: deep blue background, white links, warm orange nodes.
BACKGROUND = "#1f4e79"
BACKGROUND_LIGHT = "#2e6da4"
LINK = "#ffffff"
NODE = "#f28c28"

# The « M », in unit coordinates: foot, top-left, valley, top-right, foot.
NODES = [(0.22, 0.76), (0.22, 0.26), (0.50, 0.56), (0.78, 0.26), (0.78, 0.76)]
M_LINKS = [(0, 1), (1, 2), (2, 3), (3, 4)]
MESH_LINKS = [(0, 2), (2, 4), (1, 3)]  # the thin cross-links that make it a mesh
SIZES = (16, 24, 32, 48, 64, 128, 256)


def render_png(size: int) -> bytes:
    """One square PNG of the icon, ``size`` pixels wide."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QRectF, Qt
    from PySide6.QtGui import QBrush, QColor, QImage, QLinearGradient, QPainter, QPen

    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    s = float(size)

    gradient = QLinearGradient(0, 0, 0, s)
    gradient.setColorAt(0.0, QColor(BACKGROUND_LIGHT))
    gradient.setColorAt(1.0, QColor(BACKGROUND))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QBrush(gradient))
    margin = s * 0.04
    painter.drawRoundedRect(QRectF(margin, margin, s - 2 * margin, s - 2 * margin), s * 0.2, s * 0.2)

    def point(i: int) -> QPointF:
        x, y = NODES[i]
        return QPointF(x * s, y * s)

    thin = QPen(QColor(255, 255, 255, 150), max(1.0, s * 0.025))
    thin.setCapStyle(Qt.PenCapStyle.RoundCap)
    painter.setPen(thin)
    if size >= 32:  # the mesh is noise at favicon sizes
        for a, b in MESH_LINKS:
            painter.drawLine(point(a), point(b))

    thick = QPen(QColor(LINK), max(1.5, s * 0.075))
    thick.setCapStyle(Qt.PenCapStyle.RoundCap)
    thick.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    painter.setPen(thick)
    for a, b in M_LINKS:
        painter.drawLine(point(a), point(b))

    radius = max(1.5, s * 0.075)
    painter.setPen(QPen(QColor(LINK), max(1.0, s * 0.025)))
    painter.setBrush(QColor(NODE))
    for i in range(len(NODES)):
        painter.drawEllipse(point(i), radius, radius)
    painter.end()

    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())


def ico_bytes(pngs: dict[int, bytes]) -> bytes:
    """An ICO file holding the given PNG images (supported since Windows Vista)."""
    sizes = sorted(pngs)
    header = struct.pack("<HHH", 0, 1, len(sizes))
    offset = len(header) + 16 * len(sizes)
    entries, blobs = [], []
    for size in sizes:
        blob = pngs[size]
        dim = 0 if size >= 256 else size  # 0 means 256 in an ICO directory entry
        entries.append(struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(blob), offset))
        blobs.append(blob)
        offset += len(blob)
    return header + b"".join(entries) + b"".join(blobs)


def main() -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance() or QGuiApplication([])  # noqa: F841 - QImage needs it for fonts
    pngs = {size: render_png(size) for size in SIZES}
    (HERE / "maillage.png").write_bytes(pngs[256])
    for size in SIZES:
        if size != 256:
            (HERE / f"maillage-{size}.png").write_bytes(pngs[size])
    (HERE / "maillage.ico").write_bytes(ico_bytes(pngs))
    print(f"Icônes écrites dans {HERE}")


if __name__ == "__main__":
    main()
