"""Files around the batch maps: file names, the manifest, up-to-date checks, the combined PDF
and the index (``index.csv`` / ``index.xlsx``).

The manifest (``manifest.json`` in the output folder) maps each output's path (relative,
``/``-separated) to the hash of the options it was drawn with. An output is up to date
when it exists (with its world file), is newer than the project file and every layer
source, and its manifest hash equals the hash of the options asked for now.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from greenplan.core.atomic import atomic_path, write_text_atomic

MANIFEST = "manifest.json"
MANIFEST_SCHEMA = "greenplan.batch-manifest/1"
EXTENSIONS = {"pdf": ".pdf", "png": ".png", "svg": ".svg", "tiff": ".tif"}
WORLD = {"png": ".pgw", "tiff": ".tfw"}
STATUS_ZH = {"written": "已写出", "skipped": "已是最新（跳过）", "failed": "失败"}

#: index columns: (key, Chinese header)
INDEX_COLUMNS = [
    ("unit_code", "乡镇代码"),
    ("unit_name", "乡镇名称"),
    ("theme", "专题"),
    ("theme_title", "专题名称"),
    ("format", "格式"),
    ("path", "文件"),
    ("status", "状态"),
    ("status_zh", "状态说明"),
    ("error", "错误信息"),
]

def safe_name(text: str) -> str:
    """``text`` usable as a file name on Windows: :func:`greenplan.core.paths.safe_file_name`.

    Examples
    --------
    >>> safe_name('510123001_城关/街道?. ')
    '510123001_城关_街道_'
    """
    from greenplan.core.paths import safe_file_name

    return safe_file_name(text)


def options_hash(options: Mapping[str, Any]) -> str:
    """SHA-256 (hex, 16 digits) of the JSON of ``options`` (keys sorted)."""
    text = json.dumps(options, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _mtime(p: Path) -> float:
    try:
        return p.stat().st_mtime
    except OSError:
        return 0.0


def source_files(path: Path) -> list[Path]:
    """The files of a layer source: a shapefile's sidecars, a GeoPackage's journal, a FileGDB's files."""
    if path.is_dir():
        return [p for p in path.iterdir() if p.is_file()]
    if path.suffix.lower() == ".shp":
        return [p for p in path.parent.glob(f"{glob_escape(path.stem)}.*") if p.is_file()]
    return [path, *(p for p in (Path(f"{path}-wal"),) if p.exists())]


def glob_escape(text: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", text)


def inputs_mtime(project_file: Path | None, sources: Iterable[Path]) -> float:
    """Newest modification time of the project file and every layer source file (s since epoch)."""
    times = [_mtime(project_file)] if project_file is not None else []
    for src in sources:
        times += [_mtime(p) for p in source_files(Path(src))]
    return max(times, default=0.0)


def read_manifest(out_dir: Path) -> dict[str, str]:
    """``{relative path: options hash}``; empty when missing or unreadable (all is redrawn)."""
    try:
        doc = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    outputs = doc.get("outputs") if isinstance(doc, dict) else None
    return {str(k): str(v) for k, v in outputs.items()} if isinstance(outputs, dict) else {}


def write_manifest(out_dir: Path, entries: Mapping[str, str]) -> Path:
    path = out_dir / MANIFEST
    doc = {"schema": MANIFEST_SCHEMA, "outputs": dict(sorted(entries.items()))}
    write_text_atomic(path, json.dumps(doc, ensure_ascii=False, indent=1) + "\n")
    return path


def is_up_to_date(path: Path, fmt: str, digest: str, manifest: Mapping[str, str], rel: str, newer_than: float) -> bool:
    """Exists (with its world file), newer than the inputs, drawn with the same options."""
    if manifest.get(rel) != digest:
        return False
    files = [path] + ([path.with_suffix(WORLD[fmt])] if fmt in WORLD else [])
    return all(p.is_file() and _mtime(p) > newer_than for p in files)


def write_combined_pdf(path: Path, pages: Sequence[tuple[str, str, Path]], front: Any = None) -> Path:
    """Merge one-page map PDFs into ``path`` (atomically), with a bookmark per township and
    under it one per theme.

    Parameters
    ----------
    pages : sequence of (township label, theme title, pdf path)
        In the order wanted (townships together).
    front : greenplan.render.atlas_pages.AtlasFront, optional
        When given, a cover page and the contents page(s) come first (bookmarks 封面, 目录),
        drawn on the same paper; the sheets' bookmarks point at their pages after them.
    """
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    if front is not None:
        import io

        from greenplan.render.atlas_pages import front_matter_pdf

        data, n_contents = front_matter_pdf(front, [(unit, theme) for unit, theme, _ in pages])
        writer.append(PdfReader(io.BytesIO(data)), import_outline=False)
        writer.add_outline_item(title="封面", page_number=0)
        writer.add_outline_item(title="目录", page_number=1)
    parents: dict[str, Any] = {}
    for unit, theme, pdf in pages:
        start = len(writer.pages)
        writer.append(PdfReader(pdf), import_outline=False)
        if unit not in parents:
            parents[unit] = writer.add_outline_item(title=unit, page_number=start)
        writer.add_outline_item(title=theme, page_number=start, parent=parents[unit])
    writer.add_metadata({"/Title": path.stem, "/Creator": "GreenPlan"})
    writer.page_mode = "/UseOutlines"
    with atomic_path(path) as tmp:
        with open(tmp, "wb") as fh:
            writer.write(fh)
    return path


def write_index_csv(path: Path, rows: Sequence[Mapping[str, Any]]) -> Path:
    """One row per output file; Chinese header row then key row; UTF-8 with BOM, CRLF (Excel)."""
    from greenplan.io.writers import write_table_csv

    return write_table_csv(path, INDEX_COLUMNS, rows)


def write_index_xlsx(path: Path, rows: Sequence[Mapping[str, Any]], title: str) -> Path:
    """The index as a workbook (sheet 成果清单), failures in red, header frozen."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = "成果清单"
    ws.append([title])
    ws["A1"].font = Font(name="SimHei", bold=True, size=14)
    ws.append([zh for _, zh in INDEX_COLUMNS])
    for c, width in enumerate([12, 12, 14, 24, 7, 48, 9, 14, 80], start=1):
        ws.column_dimensions[get_column_letter(c)].width = width
        ws.cell(row=2, column=c).font = Font(name="SimSun", bold=True)
        ws.cell(row=2, column=c).fill = PatternFill("solid", fgColor="D9E7D0")
    ws.freeze_panes = "A3"
    bad = PatternFill("solid", fgColor="FFC7CE")
    for row in rows:
        ws.append([row.get(k) for k, _ in INDEX_COLUMNS])
        if row.get("status") == "failed":
            for c in range(1, len(INDEX_COLUMNS) + 1):
                ws.cell(row=ws.max_row, column=c).fill = bad
    ws.page_setup.orientation = "landscape"
    with atomic_path(path) as tmp:
        wb.save(tmp)
    return path


def combine_pdfs(out_dir: Path, name: str, pages: Sequence[tuple[str, str, Mapping[str, Any]]],
                 manifest: dict[str, str], force: bool, front: Any = None) -> tuple[dict[str, Any], Path | None]:
    """(Re)write the combined PDF ``out_dir/name`` unless it is up to date.

    Parameters
    ----------
    pages : sequence of (township label, theme title, output)
        Every PDF output of the run in order; ``output`` has ``rel``, ``status``. Failed
        ones are left out.
    manifest : dict
        Updated: the combined PDF's entry is the hash of its pages' entries.
    front : greenplan.render.atlas_pages.AtlasFront, optional
        Cover and contents first (see :func:`write_combined_pdf`); part of the hash.

    Returns
    -------
    (index record, path or None)
    """
    from greenplan.jobs._batch_worker import error_text

    ok = [(unit, theme, o["rel"]) for unit, theme, o in pages if o["status"] in ("written", "skipped")]
    any_written = any(o["status"] == "written" for _, _, o in pages)
    record = {"unit_code": "", "unit_name": "全部乡镇", "theme_title": "乡镇专题图集（合并）", "format": "pdf",
              "path": name, "error": ""}
    path = out_dir / name
    digest = options_hash([(rel, manifest.get(rel)) for _, _, rel in ok]
                          + ([repr(front)] if front is not None else []))
    newest = max((_mtime(out_dir / rel) for _, _, rel in ok), default=0.0)
    if not ok:
        status, record["error"] = "failed", "没有可合并的 PDF 地图 / no PDF map to combine"
    elif not force and not any_written and is_up_to_date(path, "pdf", digest, manifest, name, newest - 1e-6):
        status = "skipped"
    else:
        try:
            write_combined_pdf(path, [(unit, theme, out_dir / rel) for unit, theme, rel in ok], front)
            status = "written"
            manifest[name] = digest
        except Exception as exc:  # noqa: BLE001 - the maps are written; say what went wrong
            status, record["error"] = "failed", error_text(exc)
    if status == "failed":
        manifest.pop(name, None)
    return {**record, "status": status, "status_zh": STATUS_ZH[status]}, (None if status == "failed" else path)
