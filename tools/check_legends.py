"""Check the legend of every map sheet of the demo county against what the sheet draws (#14).

For each theme and for the county and each township of the demo county, the sheet is drawn
(A4, vector PDF) and its legend read back from the PDF with ``pdftotext -bbox`` (poppler):

- every layer and class drawn in the map frame has a legend line (its label from the style
  table, or that label qualified by its source: ``公园绿地（土地利用现状）``; a base layer
  listed in one line by its own label covers its classes);
- nothing is listed that is not drawn;
- no label is listed twice;
- the three control lines come first, in the order 生态保护红线, 永久基本农田, 城镇开发边界;
- the heading extracts as 图例 and every legend word lies inside the legend box.

What was drawn is read from the artists of every map frame (a style class's path that meets the view;
``gid`` is the style id, ``layer:class``), and labelled from the theme's styles, not from the
legend code; rasters (an image per layer) are taken from the recorded legend entries.

Usage::

    .venv/bin/python tools/check_legends.py [--units all|county|NAME ...] [--out DIR]

Prints one line per sheet (seconds, legend lines, problems) and exits 1 when any sheet has
a problem. ``tests/render/test_legend_complete.py`` runs the same check on a subset.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path
from typing import Any

MM_PER_PT = 25.4 / 72
#: legend labels of the demo county's boundaries: its admin units are townships (9-digit codes)
DEMO_LABELS = {"admin_units": "乡镇（街道）界", "highlight": "本乡镇范围"}
CONTROL_LINES = ("生态保护红线", "永久基本农田", "城镇开发边界")
_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')


@dataclass
class Word:
    text: str
    x0: float  # mm from the sheet's left, bottom-up like the sheet Axes
    y0: float
    x1: float
    y1: float


@dataclass
class Drawn:
    """One drawn layer: its own label (a categorized layer's heading) and its classes' labels."""

    label: str
    classes: set[str] = field(default_factory=set)
    extra: set[str] = field(default_factory=set)  # raster legend words (title, class names)


def pdf_words(pdf: Path) -> tuple[list[Word], float]:
    """The words of page 1 of ``pdf`` with their boxes in mm (y up), and the page height in mm."""
    out = subprocess.run(["pdftotext", "-bbox", "-f", "1", "-l", "1", str(pdf), "-"], check=True,
                         capture_output=True, text=True).stdout
    m = re.search(r'<page width="([\d.]+)" height="([\d.]+)"', out)
    assert m, "pdftotext gave no page"
    h_mm = float(m.group(2)) * MM_PER_PT
    words = []
    for x0, y0, x1, y1, text in _WORD.findall(out):
        words.append(Word(unescape(text), float(x0) * MM_PER_PT, h_mm - float(y1) * MM_PER_PT,
                          float(x1) * MM_PER_PT, h_mm - float(y0) * MM_PER_PT))
    return words, h_mm


def legend_frame(fig: Any) -> tuple[float, float, float, float]:
    """(x0, y0, x1, y1) in mm of the panel section whose title is 图例 (from the sheet's artists)."""
    from matplotlib.patches import Rectangle
    from matplotlib.text import Text

    sheet = next(a for a in fig.axes if a.get_label() == "sheet")
    titles = [t for t in sheet.findobj(Text) if t.get_gid() == "panel-title" and t.get_text().replace("　", "") == "图例"]
    assert titles, "no legend title on the sheet"
    tx, ty = titles[0].get_position()
    for r in sheet.patches:
        if isinstance(r, Rectangle) and r.get_gid() == "panel-frame":
            x0, y0 = r.get_xy()
            x1, y1 = x0 + r.get_width(), y0 + r.get_height()
            if x0 <= tx <= x1 and y0 <= ty <= y1:
                return (x0, y0, x1, y1)
    raise AssertionError("no frame around the legend title")


def drawn_layers(fig: Any, theme: Any, labels: dict[str, str], code_system: str = "sandiao") -> dict[str, Drawn]:
    """What the map frame of ``fig`` shows, by layer key, labelled from the theme's styles."""
    from matplotlib.image import AxesImage
    from matplotlib.patches import PathPatch
    from matplotlib.transforms import Bbox

    from greenplan.render.draw import legend_entries
    from greenplan.render.export import map_axes
    from greenplan.render.styles import resolve_style

    # every map frame ("map", and "map:<kind>" on the scenario's 现状 | 方案 sheet)
    frames = [a for a in fig.axes if a.get_label() == "map" or a.get_label().startswith("map:")] or [map_axes(fig)]
    keys = set(theme.layer_keys)
    out: dict[str, Drawn] = {}

    def style_of(key: str):
        if key == "highlight":
            return resolve_style("highlight", {"label": labels["highlight"]})
        over = {"label": labels[key]} if key in labels else None
        return theme.style_for(key, over, code_system=code_system)

    children = []
    for ax in frames:
        x0, x1 = ax.get_xlim()
        y0, y1 = ax.get_ylim()
        children += [(ax, Bbox.from_extents(x0, y0, x1, y1), a) for a in ax.get_children()]
    for ax, view, a in children:
        gid = a.get_gid() or ""
        key, _, cid = gid.partition(":")
        if key not in keys and key != "highlight":
            continue
        if isinstance(a, PathPatch):
            if key == "highlight" and a.get_facecolor()[3] > 0:
                continue  # the white veil over the rest of the county
            if not a.get_path().intersects_bbox(view, filled=a.get_fill()):
                continue  # a class whose paths lie outside the frame is not drawn
            style = style_of(key)
            d = out.setdefault(key, Drawn(style.label))
            if cid:
                cat = next((c for c in style.categories if c.id == gid), None)
                d.classes.add(cat.label if cat is not None else style.other_label)
            else:
                d.classes.add(style.label)
        elif isinstance(a, AxesImage) and (cid == "" or cid == "subpixel"):
            # a raster, or a layer's features smaller than a pixel: take what was recorded
            recorded = [e for e in legend_entries(ax) if e.key == key]
            d = out.setdefault(key, Drawn(recorded[0].group or recorded[0].style.label if recorded else key))
            d.extra |= {e.style.label for e in recorded} | {e.group for e in recorded if e.group}
            d.extra |= {t for e in recorded if e.ramp for _, t in e.ramp[1]}
    return out


def check_sheet(fig: Any, pdf: Path, theme: Any, labels: dict[str, str] = DEMO_LABELS) -> tuple[list[str], list[str]]:
    """(problems, legend words in reading order) of one sheet saved as ``pdf``."""
    problems: list[str] = []
    words, _ = pdf_words(pdf)
    lx0, ly0, lx1, ly1 = legend_frame(fig)
    inside = [w for w in words if lx0 <= (w.x0 + w.x1) / 2 <= lx1 and ly0 <= (w.y0 + w.y1) / 2 <= ly1]
    for w in inside:
        if w.x0 < lx0 - 0.2 or w.x1 > lx1 + 0.2 or w.y0 < ly0 - 0.2 or w.y1 > ly1 + 0.2:
            problems.append(f"legend text outside the legend box: {w.text}")
    heads = [w for w in inside if w.text == "图例"]
    if len(heads) != 1:
        problems.append(f"heading 图例 not extracted as one word: {[w.text for w in inside[:3]]}")
    # reading order: column by column (words starting at about the same x), top to bottom
    # (a heading starts a swatch's width left of its labels: starts within 8 mm of the
    # previous one belong to the same column; colour bar tick values are left out)
    lines = [w for w in inside if w.text != "图例" and not _numeric(w.text)]
    cols: list[float] = []
    last = -1e9
    for x in sorted(w.x0 for w in lines):
        if x - last > 8.0:
            cols.append(x)
        last = x

    def col_of(w: Word) -> int:
        return max((i for i, c in enumerate(cols) if w.x0 >= c - 0.01), default=0)

    entries = sorted(lines, key=lambda w: (col_of(w), -w.y1))
    texts = [w.text for w in entries if not _numeric(w.text)]
    drawn = drawn_layers(fig, theme, labels)
    # nothing twice
    dupes = sorted({t for t in texts if texts.count(t) > 1})
    if dupes:
        problems.append(f"listed twice: {'、'.join(dupes)}")
    listed = set(texts)

    def base_label(t: str) -> str:
        return re.sub(r"（[^（）]*）$", "", t) if t.endswith("）") else t

    plain = listed | {base_label(t) for t in listed}
    # everything drawn is listed
    for key, d in sorted(drawn.items()):
        collapsed = d.label in listed
        for c in sorted(d.classes | d.extra):
            if c not in plain and not collapsed and not _numeric(c):
                problems.append(f"drawn but not in the legend: {key} {c}")
    # nothing listed that is not drawn
    allowed = set()
    for d in drawn.values():
        allowed |= d.classes | d.extra | {d.label, _continued(d.label)}
    for t in texts:
        if t not in allowed and base_label(t) not in allowed:
            problems.append(f"in the legend but not drawn: {t}")
    # the control lines first, in their order
    lines = [t for t in texts if t in CONTROL_LINES]
    if lines != [c for c in CONTROL_LINES if c in lines] or texts[:len(lines)] != lines:
        problems.append(f"control lines not first in order: {texts[:4]}")
    return problems, texts


def _continued(heading: str) -> str:
    """A heading repeated atop the next column: 河流水系（续）, 土地利用现状（底图，续）."""
    return f"{heading[:-1]}，续）" if heading.endswith("）") else f"{heading}（续）"


def _numeric(t: str) -> bool:
    return bool(re.fullmatch(r"[-−+]?[\d.,]+%?", t))


def main(argv: list[str] | None = None) -> int:
    from greenplan.core.project import read_project
    from greenplan.core.resources import sample_dir
    from greenplan.jobs.export import load_map_data
    from greenplan.jobs.sheet import draw_sheet, township_sheet
    from greenplan.render.export import save_map
    from greenplan.render.themes import THEME_IDS, get_theme

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--units", nargs="*", default=["all"], help="county, township names or codes, or all")
    ap.add_argument("--out", type=Path, help="keep the PDFs here (default: a temporary folder)")
    ap.add_argument("--dpi", type=float, default=72)
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    project, _ = read_project(sample_dir() / "demo_county.greenplan.toml")
    themes = [get_theme(t) for t in THEME_IDS]
    data = load_map_data(project, themes)
    units: list[str | None] = []
    for u in args.units:
        if u == "all":
            units += [None, *[str(n) for n in data.layers["admin_units"]["name"]]]
        else:
            units.append(None if u == "county" else u)
    print(f"loaded in {time.perf_counter() - t0:.1f} s; {len(units)} units x {len(themes)} themes")
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        out = args.out or Path(tmp)
        out.mkdir(parents=True, exist_ok=True)
        for unit in units:
            for theme in themes:
                t = time.perf_counter()
                fig = draw_sheet(data, township_sheet(data, theme, unit), paper="A4", dpi=args.dpi)
                pdf = out / f"{unit or '全县'}_{theme.id}.pdf"
                save_map(fig, pdf)
                problems, texts = check_sheet(fig, pdf, theme)
                failed += bool(problems)
                status = "ok" if not problems else "; ".join(problems)
                print(f"{unit or '全县':<6} {theme.id:<14} {time.perf_counter() - t:4.1f} s  {len(texts):2d} lines  {status}")
    print(f"{failed} sheet(s) with problems; total {time.perf_counter() - t0:.0f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
