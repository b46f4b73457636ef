"""Build ``resources/report/template.docx``, the Word template of ``greenplan report``.

    python tools/make_report_template.py            (from the repository root)

Starts from python-docx's default document and sets, after GB/T 9704-2012 (党政机关公文格式)
as a guide:

- A4, margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm (text area 156 × 225 mm);
- page numbers centred in the footer as ``— 1 —`` (宋体 4号), none on the cover;
- Normal: 仿宋_GB2312 3号 (16 pt), fixed line spacing 28 pt, first line indented two characters;
- Title 方正小标宋简体 2号; Heading 1 黑体 3号 (一、), Heading 2 楷体_GB2312 3号 ((一)),
  Heading 3 仿宋_GB2312 3号 bold (1.); Caption 黑体 小四, centred;
- ``GreenPlan 表文`` (table text, 宋体 五号, single spacing), ``GreenPlan 图`` (a picture's
  paragraph), ``GreenPlan 注`` (notes under tables), ``GreenPlan 封面`` (cover lines), ``toc 1-3``;
- the table style ``GreenPlan 表格``: all borders, shaded bold header row;
- font fallbacks in the font table (``仿宋_GB2312`` → 仿宋 → FangSong ...), read by Word and WPS
  where a font is missing;
- ``updateFields``: Word refreshes the table of contents when the report opens.

A bureau restyles the report by editing these styles in Word (Home → Styles → Modify) and
saving the file over the shipped one (or pointing ``--template`` at its copy); the report code
only names the styles. Run this script again only to start over from the defaults.
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "resources" / "report" / "template.docx"

#: font -> fallbacks (Windows names first; WPS and Word read altName)
FALLBACKS = {
    "仿宋_GB2312": ["仿宋", "FangSong", "STFangsong"],
    "楷体_GB2312": ["楷体", "KaiTi", "STKaiti"],
    "方正小标宋简体": ["华文中宋", "宋体", "SimSun"],
    "黑体": ["SimHei", "STHeiti"],
    "宋体": ["SimSun", "STSong"],
}
ASCII = "Times New Roman"
TEXT_WIDTH_MM = 210 - 28 - 26


def set_fonts(style, east_asia: str, ascii_font: str = ASCII) -> None:
    """The style's Chinese and Latin fonts, without theme fonts (which would win in Word)."""
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in list(fonts.attrib):
        del fonts.attrib[attr]
    for attr, value in (("w:ascii", ascii_font), ("w:hAnsi", ascii_font), ("w:eastAsia", east_asia), ("w:cs", ascii_font)):
        fonts.set(qn(attr), value)


def plain(style, size_pt: float, east_asia: str, *, bold: bool = False, ascii_font: str = ASCII) -> None:
    style.font.size = Pt(size_pt)
    style.font.bold = bold
    style.font.italic = False
    style.font.color.rgb = RGBColor(0, 0, 0)
    set_fonts(style, east_asia, ascii_font)
    rpr = style.element.get_or_add_rPr()
    sz_cs = rpr.find(qn("w:szCs"))
    if sz_cs is None:  # right after w:sz (the schema's order; Word refuses others)
        sz_cs = OxmlElement("w:szCs")
        rpr.find(qn("w:sz")).addnext(sz_cs)
    sz_cs.set(qn("w:val"), str(int(size_pt * 2)))


def spacing(style, *, line_pt: float | None = 28, before: float = 0, after: float = 0, indent_chars: float = 0,
            align=None, keep_next: bool = False, page_break: bool = False) -> None:
    pf = style.paragraph_format
    if line_pt is None:
        pf.line_spacing_rule = WD_LINE_SPACING.SINGLE
    else:
        pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        pf.line_spacing = Pt(line_pt)
    pf.space_before = Pt(before)
    pf.space_after = Pt(after)
    pf.keep_with_next = keep_next
    pf.page_break_before = page_break
    if align is not None:
        pf.alignment = align
    ind = style.element.get_or_add_pPr().get_or_add_ind()  # in the schema's place
    for attr in list(ind.attrib):
        del ind.attrib[attr]
    # in characters (hundredths) for Word and WPS, so the indent follows the font size; in
    # twips too for LibreOffice, which reads only those (two characters of the style's size)
    size = style.font.size.pt if style.font.size is not None else 16
    ind.set(qn("w:firstLineChars"), str(int(indent_chars * 100)))
    ind.set(qn("w:firstLine"), str(int(round(indent_chars * size * 20))))


def paragraph_style(doc, name: str, base: str = "Normal"):
    styles = doc.styles
    try:
        st = styles[name]
    except KeyError:
        st = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    st.base_style = styles[base]
    st.quick_style = True
    return st


def table_style(doc) -> None:
    """``GreenPlan 表格``: single borders everywhere, a shaded bold header row."""
    st = doc.styles.add_style("GreenPlan 表格", WD_STYLE_TYPE.TABLE)
    st.base_style = doc.styles["Normal Table"]
    el = st.element
    tbl_pr = OxmlElement("w:tblPr")
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        b = OxmlElement(f"w:{side}")
        b.set(qn("w:val"), "single")
        b.set(qn("w:sz"), "8" if side in ("top", "bottom") else "4")
        b.set(qn("w:space"), "0")
        b.set(qn("w:color"), "000000")
        borders.append(b)
    tbl_pr.append(borders)
    mar = OxmlElement("w:tblCellMar")
    for side, w in (("left", "85"), ("right", "85")):
        m = OxmlElement(f"w:{side}")
        m.set(qn("w:w"), w)
        m.set(qn("w:type"), "dxa")
        mar.append(m)
    tbl_pr.append(mar)
    el.append(tbl_pr)
    first = OxmlElement("w:tblStylePr")
    first.set(qn("w:type"), "firstRow")
    rpr = OxmlElement("w:rPr")
    rpr.append(OxmlElement("w:b"))
    first.append(rpr)
    tcpr = OxmlElement("w:tcPr")
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), "E7ECEF")
    tcpr.append(shd)
    first.append(tcpr)
    el.append(first)


def page_setup(doc) -> None:
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Mm(210), Mm(297)
    sec.top_margin, sec.bottom_margin = Mm(37), Mm(35)
    sec.left_margin, sec.right_margin = Mm(28), Mm(26)
    sec.header_distance, sec.footer_distance = Mm(15), Mm(20)
    sec.different_first_page_header_footer = True  # the cover has no page number
    p = sec.footer.paragraphs[0]
    p.style = doc.styles["Footer"]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.add_run("— ")
    begin, instr, end = OxmlElement("w:fldChar"), OxmlElement("w:instrText"), OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    instr.set(qn("xml:space"), "preserve")
    instr.text = " PAGE "
    end.set(qn("w:fldCharType"), "end")
    for node in (begin, instr, end):
        p.add_run()._r.append(node)
    p.add_run(" —")


def font_table(doc) -> None:
    """Declare every Chinese font with its fallbacks (``w:altName``) and GB2312 charset."""
    part = next(p for p in doc.part.package.iter_parts() if str(p.partname) == "/word/fontTable.xml")
    from lxml import etree

    root = etree.fromstring(part.blob)
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    for name, alts in FALLBACKS.items():
        for old in root.findall(f"{{{w}}}font"):
            if old.get(f"{{{w}}}name") == name:
                root.remove(old)
        font = etree.SubElement(root, f"{{{w}}}font")
        font.set(f"{{{w}}}name", name)
        alt = etree.SubElement(font, f"{{{w}}}altName")
        alt.set(f"{{{w}}}val", alts[0])
        cs = etree.SubElement(font, f"{{{w}}}charset")
        cs.set(f"{{{w}}}val", "86")  # GB2312
        fam = etree.SubElement(font, f"{{{w}}}family")
        fam.set(f"{{{w}}}val", "modern" if name != "黑体" else "swiss")
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def settings(doc) -> None:
    s = doc.settings.element
    upd = OxmlElement("w:updateFields")
    upd.set(qn("w:val"), "true")
    # the schema's place: before the first of these (Word checks the order of settings.xml)
    after = ("hdrShapeDefaults", "footnotePr", "endnotePr", "compat", "docVars", "rsids", "mathPr", "attachedSchema",
             "themeFontLang", "clrSchemeMapping", "doNotIncludeSubdocsInStats", "doNotAutoCompressPictures",
             "forceUpgrade", "captions", "readModeInkLockDown", "smartTagType", "schemaLibrary", "shapeDefaults",
             "doNotEmbedSmartTags", "decimalSymbol", "listSeparator")
    nxt = next((c for c in s if c.tag.rsplit("}", 1)[-1] in after), None)
    if nxt is None:
        s.append(upd)
    else:
        nxt.addprevious(upd)
    lang = s.find(qn("w:themeFontLang"))
    if lang is not None:
        lang.set(qn("w:eastAsia"), "zh-CN")


def build() -> Path:
    doc = Document()
    styles = doc.styles
    page_setup(doc)

    normal = styles["Normal"]
    plain(normal, 16, "仿宋_GB2312")
    spacing(normal, line_pt=28, indent_chars=2, align=WD_ALIGN_PARAGRAPH.JUSTIFY)

    title = styles["Title"]
    plain(title, 22, "方正小标宋简体")
    spacing(title, line_pt=36, before=0, after=12, align=WD_ALIGN_PARAGRAPH.CENTER)
    title.element.get_or_add_pPr().remove_all("w:pBdr")

    for name, font, bold in (("Heading 1", "黑体", False), ("Heading 2", "楷体_GB2312", False),
                             ("Heading 3", "仿宋_GB2312", True)):
        h = styles[name]
        plain(h, 16, font, bold=bold)
        spacing(h, line_pt=28, before=6 if name == "Heading 1" else 0, indent_chars=2, keep_next=True,
                page_break=name == "Heading 1")
    sub = styles["Subtitle"]
    plain(sub, 16, "楷体_GB2312")
    spacing(sub, line_pt=28, align=WD_ALIGN_PARAGRAPH.CENTER)

    cap = styles["Caption"]
    plain(cap, 12, "黑体")
    spacing(cap, line_pt=None, before=3, after=9, align=WD_ALIGN_PARAGRAPH.CENTER, keep_next=False)

    cover = paragraph_style(doc, "GreenPlan 封面")
    plain(cover, 16, "楷体_GB2312")
    spacing(cover, line_pt=32, align=WD_ALIGN_PARAGRAPH.CENTER)

    cell = paragraph_style(doc, "GreenPlan 表文")
    plain(cell, 10.5, "宋体")
    spacing(cell, line_pt=None, align=WD_ALIGN_PARAGRAPH.CENTER)

    note = paragraph_style(doc, "GreenPlan 注")
    plain(note, 10.5, "宋体")
    spacing(note, line_pt=None, before=2, after=6, align=WD_ALIGN_PARAGRAPH.LEFT)

    fig = paragraph_style(doc, "GreenPlan 图")
    spacing(fig, line_pt=None, before=6, align=WD_ALIGN_PARAGRAPH.CENTER, keep_next=True)

    toc_head = styles["TOC Heading"]
    plain(toc_head, 16, "黑体")
    spacing(toc_head, line_pt=28, after=12, align=WD_ALIGN_PARAGRAPH.CENTER)
    for level in (1, 2, 3):
        st = paragraph_style(doc, f"toc {level}")
        plain(st, 14, "黑体" if level == 1 else "仿宋_GB2312")
        spacing(st, line_pt=26)
        st.paragraph_format.left_indent = Pt(14 * 2 * (level - 1))
        st.paragraph_format.tab_stops.add_tab_stop(Mm(TEXT_WIDTH_MM), WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)

    table_style(doc)
    font_table(doc)
    settings(doc)
    # an empty body: the report writes everything (the section properties stay)
    body = doc.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    # python-docx's default carries the picture of an empty page as the file's thumbnail
    pkg = doc.part.package
    for rid, rel in list(pkg.rels.items()):
        if rel.reltype.endswith("/thumbnail"):
            pkg.rels.pop(rid)
    core = doc.core_properties
    core.title, core.author, core.comments = "GreenPlan 报告模板", "GreenPlan", "greenplan report 使用的样式模板"
    OUT.parent.mkdir(parents=True, exist_ok=True)
    doc.save(OUT)
    return OUT


if __name__ == "__main__":
    path = build()
    print(f"written {path} ({path.stat().st_size:,} bytes)", file=sys.stderr)
