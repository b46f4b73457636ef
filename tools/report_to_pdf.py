"""Convert a GreenPlan report (.docx) to PDF with LibreOffice, contents page numbers filled in.

    python tools/report_to_pdf.py report.docx [out.pdf]

``soffice --headless --convert-to pdf report.docx`` keeps the table of contents as the report
wrote it: entries without page numbers (Word fills them when it opens the report, the template
asking it to update fields; LibreOffice does not update a document's indexes on loading). This
script runs the same conversion through a small LibreOffice Basic macro, in a private
LibreOffice profile, that first updates every index and field, then exports the PDF.

Needs LibreOffice Writer (Debian/Ubuntu: ``apt-get install --no-install-recommends
libreoffice-writer``; CJK fonts, e.g. ``fonts-noto-cjk``, for the Chinese text).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

MACRO = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE script:module PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "module.dtd">
<script:module xmlns:script="http://openoffice.org/2000/script" script:name="Module1" script:language="StarBasic">
Sub ReportToPdf(inp As String, outp As String)
  Dim args(0) As New com.sun.star.beans.PropertyValue
  args(0).Name = &quot;Hidden&quot;
  args(0).Value = True
  doc = StarDesktop.loadComponentFromURL(ConvertToURL(inp), &quot;_blank&quot;, 0, args())
  doc.getTextFields().refresh()
  idx = doc.getDocumentIndexes()
  For i = 0 To idx.getCount() - 1
    idx.getByIndex(i).update()
  Next i
  doc.getTextFields().refresh()
  Dim f(0) As New com.sun.star.beans.PropertyValue
  f(0).Name = &quot;FilterName&quot;
  f(0).Value = &quot;writer_pdf_Export&quot;
  doc.storeToURL(ConvertToURL(outp), f())
  doc.close(True)
End Sub
</script:module>
"""
LIBRARY = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE library:library PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "library.dtd">
<library:library xmlns:library="http://openoffice.org/2000/library" library:name="Standard" library:readonly="false" library:passwordprotected="false">
 <library:element library:name="Module1"/>
</library:library>
"""


def convert(docx: Path, pdf: Path, timeout: int = 600) -> Path:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise SystemExit("LibreOffice (soffice) not found; install libreoffice-writer")
    with tempfile.TemporaryDirectory(prefix="greenplan-lo-") as tmp:
        profile = Path(tmp) / "profile"
        # a first start creates the profile; the macro goes into its Standard library
        subprocess.run([soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--terminate_after_init"],
                       check=False, timeout=timeout, capture_output=True)
        std = profile / "user" / "basic" / "Standard"
        std.mkdir(parents=True, exist_ok=True)
        (std / "Module1.xba").write_text(MACRO, encoding="utf-8")
        (std / "script.xlb").write_text(LIBRARY, encoding="utf-8")
        macro = f'macro:///Standard.Module1.ReportToPdf("{docx.resolve()}","{pdf.resolve()}")'
        subprocess.run([soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--invisible", macro],
                       check=True, timeout=timeout, capture_output=True)
    if not pdf.is_file():
        raise SystemExit(f"LibreOffice wrote no PDF for {docx}")
    return pdf


if __name__ == "__main__":
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    src = Path(sys.argv[1])
    dst = Path(sys.argv[2]) if len(sys.argv) > 2 else src.with_suffix(".pdf")
    print(f"written {convert(src, dst)}", file=sys.stderr)
