"""Build ``app.ico`` (Windows) and ``app.png`` from ``app.svg``: ``python resources/icons/make_ico.py``.

Renders the SVG with Qt at 256 px and lets Pillow write the multi-size icon (16-256 px).
"""

from __future__ import annotations

import io
import os
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PIL import Image
    from PySide6.QtCore import QBuffer, QIODevice, Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication([])
    renderer = QSvgRenderer(str(HERE / "app.svg"))
    image = QImage(256, 256, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    buf = QBuffer()
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buf, "PNG")
    png = bytes(buf.data())
    (HERE / "app.png").write_bytes(png)
    Image.open(io.BytesIO(png)).save(HERE / "app.ico", sizes=[(16, 16), (24, 24), (32, 32), (48, 48), (64, 64),
                                                              (128, 128), (256, 256)])


if __name__ == "__main__":
    main()
