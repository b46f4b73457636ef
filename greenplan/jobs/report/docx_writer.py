"""Writing the report's Word document (python-docx) on the shipped template.

Every style is the template's (``resources/report/template.docx``, built by
``tools/make_report_template.py``): the code names styles and never sets a font, so a bureau
restyles the report in Word. Headings carry bookmarks; the table of contents is a Word
``TOC`` field whose cached entries point at them with ``PAGEREF`` fields (page numbers that
LibreOffice fills when it lays the document out; Word rebuilds the whole field on opening,
the template asking it to update fields). Captions are ``SEQ`` fields with their number
cached, so Word renumbers them if a bureau inserts a figure.
"""

from __future__ import annotations

import io
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: style names of the template
STYLE_TABLE = "GreenPlan 表格"
STYLE_CELL = "GreenPlan 表文"
STYLE_NOTE = "GreenPlan 注"
STYLE_FIGURE = "GreenPlan 图"
STYLE_COVER = "GreenPlan 封面"
STYLE_CAPTION = "Caption"
STYLE_TOC_HEADING = "TOC Heading"
#: words of the two caption kinds
CAPTION_WORDS = {"figure": {"zh": "图", "en": "Figure"}, "table": {"zh": "表", "en": "Table"}}


def template_path() -> Path:
    from greenplan.core.resources import resource_path

    return resource_path("report", "template.docx")


@dataclass
class Heading:
    level: int
    text: str
    bookmark: str


@dataclass
class DocBuilder:
    """A report being written: the document and what its contents and captions need."""

    template: Path | None = None
    lang: str = "zh"
    headings: list[Heading] = field(default_factory=list)
    counters: dict[str, int] = field(default_factory=lambda: {"figure": 0, "table": 0})
    #: the chapter being written (numbers the English section headings)
    chapter_no: int = 0

    def __post_init__(self) -> None:
        from docx import Document

        self.doc = Document(str(self.template or template_path()))
        body = self.doc.element.body
        from docx.oxml.ns import qn

        for child in list(body):  # the template's body is emptied; its section stays
            if child.tag != qn("w:sectPr"):
                body.remove(child)
        self._toc_anchor = None
        self._bookmark_id = 100
        self._style_ids: dict[str, str] = {}

    def style_id(self, name: str) -> str:
        """The id of the template's style ``name`` (looked up once: python-docx searches every time)."""
        sid = self._style_ids.get(name)
        if sid is None:
            sid = self._style_ids[name] = self.doc.styles[name].style_id
        return sid

    def _add(self, text: str = "", style: str | None = None) -> Any:
        p = self.doc.add_paragraph(text)
        if style:
            p._p.style = self.style_id(style)
        return p

    # ------------------------------------------------------------------ page
    @property
    def text_width_mm(self) -> float:
        """Width of the text area of the template's page, mm."""
        sec = self.doc.sections[0]
        return (sec.page_width - sec.left_margin - sec.right_margin) / 36000.0

    def page_break(self) -> None:
        from docx.enum.text import WD_BREAK

        self.doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    # ------------------------------------------------------------------ text
    def paragraph(self, text: str = "", style: str | None = None) -> Any:
        return self._add(text, style)

    def note(self, text: str) -> Any:
        return self._add(text, STYLE_NOTE)

    def heading(self, text: str, level: int) -> Any:
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        p = self._add("", f"Heading {level}")
        name = f"_Toc_gp{len(self.headings) + 1:03d}"
        self._bookmark_id += 1
        start = OxmlElement("w:bookmarkStart")
        start.set(qn("w:id"), str(self._bookmark_id))
        start.set(qn("w:name"), name)
        end = OxmlElement("w:bookmarkEnd")
        end.set(qn("w:id"), str(self._bookmark_id))
        p._p.append(start)
        p.add_run(text)
        p._p.append(end)
        self.headings.append(Heading(level, text, name))
        return p

    # ------------------------------------------------------------------ fields
    @staticmethod
    def add_field(paragraph: Any, instr: str, cached: str = "") -> None:
        """A complex field (begin, instruction, separate, cached result, end) at the paragraph's end."""
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        def char(kind: str) -> Any:
            r = paragraph.add_run()
            fc = OxmlElement("w:fldChar")
            fc.set(qn("w:fldCharType"), kind)
            r._r.append(fc)
            return r

        char("begin")
        r = paragraph.add_run()
        it = OxmlElement("w:instrText")
        it.set(qn("xml:space"), "preserve")
        it.text = f" {instr} "
        r._r.append(it)
        char("separate")
        paragraph.add_run(cached)
        char("end")

    def caption(self, kind: str, title: str) -> Any:
        """``图 3 title`` / ``表 2 title``: the number as a SEQ field (its value cached)."""
        self.counters[kind] += 1
        word = CAPTION_WORDS[kind]["zh" if self.lang == "zh" else "en"]
        p = self._add("", STYLE_CAPTION)
        p.add_run(f"{word} ")
        self.add_field(p, f"SEQ {word} \\* ARABIC", str(self.counters[kind]))
        p.add_run(f"  {title}")
        if kind == "table":
            p.paragraph_format.keep_with_next = True
        return p

    # ------------------------------------------------------------------ contents
    def toc_placeholder(self, title: str) -> None:
        """Where the table of contents goes (:meth:`finish_toc` fills it)."""
        self._add(title, STYLE_TOC_HEADING)
        self._toc_anchor = self._add()

    def finish_toc(self, levels: int = 2) -> None:
        """The TOC field with one cached entry per heading (text, tab, PAGEREF to its bookmark)."""
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        anchor = self._toc_anchor
        if anchor is None:
            return
        entries = [h for h in self.headings if h.level <= levels]
        paragraphs = []
        for i, h in enumerate(entries or [Heading(1, "", "")]):
            p = anchor.insert_paragraph_before()
            p._p.style = self.style_id(f"toc {h.level}")
            if i == 0:  # the TOC field opens in the first entry ...
                self._char(p, "begin")
                r = p.add_run()
                it = OxmlElement("w:instrText")
                it.set(qn("xml:space"), "preserve")
                it.text = f' TOC \\o "1-{levels}" \\h \\z \\u '
                r._r.append(it)
                self._char(p, "separate")
            if h.bookmark:
                p.add_run(h.text)
                p.add_run("\t")
                self.add_field(p, f"PAGEREF {h.bookmark} \\h", "")
            paragraphs.append(p)
        self._char(paragraphs[-1], "end")  # ... and closes in the last
        anchor._p.getparent().remove(anchor._p)
        self._toc_anchor = None

    @staticmethod
    def _char(paragraph: Any, kind: str) -> None:
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        fc = OxmlElement("w:fldChar")
        fc.set(qn("w:fldCharType"), kind)
        paragraph.add_run()._r.append(fc)

    # ------------------------------------------------------------------ tables, figures
    def table(self, headers: Sequence[str], rows: Sequence[Sequence[Any]], *, widths_mm: Sequence[float] | None = None,
              align: Sequence[str] | None = None, caption: str | None = None,
              emphasis: Sequence[Sequence[bool]] | None = None) -> Any:
        """A captioned table in the template's table style, its header row repeated on every page.

        ``align`` per column: ``l``, ``c`` or ``r`` (default centred); ``emphasis``: cells
        printed bold (e.g. a failed check).
        """
        from docx.enum.table import WD_TABLE_ALIGNMENT
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn
        from docx.shared import Mm
        from docx.table import _Cell

        if caption:
            self.caption("table", caption)
        n = len(headers)
        t = self.doc.add_table(rows=1 + len(rows), cols=n)
        t.style = self.doc.styles[STYLE_TABLE]
        t.alignment = WD_TABLE_ALIGNMENT.CENTER
        t.autofit = False
        aligns = {"l": WD_ALIGN_PARAGRAPH.LEFT, "c": WD_ALIGN_PARAGRAPH.CENTER, "r": WD_ALIGN_PARAGRAPH.RIGHT}
        cell_style = self.style_id(STYLE_CELL)
        head = t.rows[0]
        trpr = head._tr.get_or_add_trPr()
        rep = OxmlElement("w:tblHeader")
        rep.set(qn("w:val"), "true")
        trpr.append(rep)
        # rows and cells straight from the XML: python-docx's row and cell accessors rebuild the
        # whole grid on every call (a 3,000-row register took 30 s)
        all_values = [list(headers), *[list(v) for v in rows]]
        for r, tr in enumerate(t._tbl.tr_lst):
            values = all_values[r]
            for c, tc in enumerate(tr.tc_lst):
                cell = _Cell(tc, t)
                p = cell.paragraphs[0]
                p._p.style = cell_style
                run = p.add_run("" if values[c] is None else str(values[c]))
                if r == 0:
                    run.bold = True
                    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
                else:
                    if align:
                        p.alignment = aligns.get(align[c], WD_ALIGN_PARAGRAPH.CENTER)
                    if emphasis and emphasis[r - 1][c]:
                        run.bold = True
                if widths_mm:
                    cell.width = Mm(widths_mm[c])
        if widths_mm:  # LibreOffice and WPS lay a table out by its grid, Word by its cells
            for c, col in enumerate(t.columns):
                col.width = Mm(widths_mm[c])
            tbl_w = t._tbl.tblPr.find(qn("w:tblW"))
            if tbl_w is None:
                tbl_w = OxmlElement("w:tblW")
                t._tbl.tblPr.append(tbl_w)
            tbl_w.set(qn("w:w"), str(int(round(sum(widths_mm) / 25.4 * 1440))))
            tbl_w.set(qn("w:type"), "dxa")
        self._add("", STYLE_NOTE)  # air between a table and what follows
        return t

    def figure(self, png: bytes, width_mm: float, caption: str) -> None:
        from docx.shared import Mm

        p = self._add("", STYLE_FIGURE)
        p.add_run().add_picture(io.BytesIO(png), width=Mm(width_mm))
        self.caption("figure", caption)

    # ------------------------------------------------------------------ output
    def save(self, path: str | os.PathLike) -> Path:
        """Write the document atomically (a temporary file beside ``path``, then a rename)."""
        from greenplan.core.atomic import atomic_path

        self.finish_toc()
        with atomic_path(path) as tmp:
            self.doc.save(str(tmp))
        return Path(path)
