"""Shapefile attribute encodings: .cpg, DBF language byte, UTF-8 check, GB18030 fallback."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from greenplan.io.encoding import count_undecodable, detect_shapefile_encoding, normalize_encoding
from greenplan.io.report import LayerReport
from greenplan.io.vector import read_vector

# "中文" in GBK is D6 D0 CE C4: none of the four bytes starts a valid UTF-8 sequence
# with its follower, so UTF-8 cannot decode 4 bytes. In UTF-8 it is E4 B8 AD E6 96 87,
# which GB18030 happens to decode too (as three other characters): the uncertain case.
NAMES = ["中文"]


@pytest.fixture
def gbk_shapefile(cn_dir: Path, build):
    def make(*, cpg: str | None = None, ldid: int | None = None) -> Path:
        return _gbk_shapefile(build, cn_dir, cpg=cpg, ldid=ldid)

    return make


def _gbk_shapefile(build, folder: Path, *, cpg: str | None, ldid: int | None) -> Path:
    path = build.write(build.frame([build.box(0, 0, 10, 10)], name=NAMES), folder / "地块 gbk.shp", encoding="GBK")
    cpg_path = path.with_suffix(".cpg")
    cpg_path.unlink(missing_ok=True)
    if cpg is not None:
        cpg_path.write_text(cpg, encoding="ascii")
    if ldid is not None:
        dbf = path.with_suffix(".dbf")
        raw = bytearray(dbf.read_bytes())
        raw[29] = ldid
        dbf.write_bytes(bytes(raw))
    return path


def utf8_shapefile(build, folder: Path, *, cpg: bool) -> Path:
    path = build.write(build.frame([build.box(0, 0, 10, 10)], name=NAMES), folder / "地块 utf8.shp", encoding="UTF-8")
    if not cpg:
        path.with_suffix(".cpg").unlink(missing_ok=True)
    return path


def read(path: Path, encoding: str | None = None) -> tuple[list[str], LayerReport]:
    report = LayerReport(index=0, name=path.stem, role=None, source=path)
    gdf = read_vector(path, report, encoding=encoding)
    return gdf["name"].tolist(), report


def test_gbk_without_cpg_falls_back_to_gb18030(gbk_shapefile) -> None:
    names, report = read(gbk_shapefile())
    assert names == NAMES
    enc = report.encoding
    assert (enc.encoding, enc.how, enc.uncertain) == ("GB18030", "gb18030_fallback", False)
    assert enc.undecodable_bytes == {"UTF-8": 4, "GB18030": 0}
    assert enc.non_ascii_bytes == 4


def test_gbk_with_cpg(gbk_shapefile) -> None:
    names, report = read(gbk_shapefile(cpg="GBK"))
    assert names == NAMES
    assert (report.encoding.encoding, report.encoding.how, report.encoding.cpg) == ("GBK", "cpg", "GBK")


def test_cpg_code_page_number(gbk_shapefile) -> None:
    names, report = read(gbk_shapefile(cpg="936"))
    assert names == NAMES and report.encoding.encoding == "GBK"


def test_dbf_language_byte_77_is_gbk(gbk_shapefile) -> None:
    names, report = read(gbk_shapefile(ldid=77))
    assert names == NAMES
    assert (report.encoding.encoding, report.encoding.how, report.encoding.ldid) == ("GBK", "ldid", 77)


def test_dbf_language_byte_87_ansi_says_nothing(gbk_shapefile) -> None:
    names, report = read(gbk_shapefile(ldid=87))
    assert names == NAMES
    assert report.encoding.how == "gb18030_fallback" and report.encoding.ldid == 87


def test_utf8_without_cpg_is_uncertain_when_both_decode(cn_dir: Path, build) -> None:
    names, report = read(utf8_shapefile(build, cn_dir, cpg=False))
    assert names == NAMES
    enc = report.encoding
    assert (enc.encoding, enc.how, enc.uncertain) == ("UTF-8", "utf8_check", True)
    assert enc.undecodable_bytes == {"UTF-8": 0, "GB18030": 0}
    issue = next(i for i in report.issues if i.code == "encoding_uncertain")
    assert issue.level == "warning" and "GB18030 0" in issue.en and "UTF-8 0" in issue.zh


def test_wrong_cpg_is_reported_and_bad_bytes_replaced(gbk_shapefile) -> None:
    names, report = read(gbk_shapefile(cpg="UTF-8"))
    enc = report.encoding
    assert enc.how == "cpg" and enc.uncertain
    assert enc.undecodable_bytes == {"UTF-8": 4, "GB18030": 0}
    assert enc.replaced_bytes == 4
    assert "\ufffd" in names[0]
    codes = {i.code for i in report.issues}
    assert {"encoding_uncertain", "encoding_replaced"} <= codes


def test_override_wins_over_a_wrong_cpg(gbk_shapefile) -> None:
    names, report = read(gbk_shapefile(cpg="UTF-8"), encoding="gbk")
    assert names == NAMES
    assert (report.encoding.encoding, report.encoding.how, report.encoding.uncertain) == ("GBK", "override", False)


def test_unknown_override_is_a_layer_error(gbk_shapefile) -> None:
    from greenplan.core.errors import LayerSourceError

    with pytest.raises(LayerSourceError) as exc:
        read(gbk_shapefile(), encoding="no-such-codec")
    assert "no-such-codec" in exc.value.message("zh")


def test_gbk_field_names_are_decoded(cn_dir: Path, build) -> None:
    gdf = build.frame([build.box(0, 0, 1, 1)], **{"地类名称": ["水田"]})
    path = build.write(gdf, cn_dir / "字段 名.shp", encoding="GBK")
    path.with_suffix(".cpg").unlink()
    report = LayerReport(index=0, name="x", role=None, source=path)
    out = read_vector(path, report)
    assert out["地类名称"].tolist() == ["水田"]
    assert report.encoding.encoding == "GB18030"


def test_ascii_only_needs_no_guess(cn_dir: Path, build) -> None:
    path = build.write(build.frame([build.box(0, 0, 1, 1)], code=["0101"]), cn_dir / "ascii.shp")
    path.with_suffix(".cpg").unlink()
    enc = detect_shapefile_encoding(path)
    assert (enc.encoding, enc.how, enc.non_ascii_bytes, enc.undecodable_bytes) == ("UTF-8", "ascii", 0, {})


def test_real_multilingual_shapefile_with_utf8_cpg(tmp_path: Path, data_dir: Path) -> None:
    report = LayerReport(index=0, name="gre", role=None, source=data_dir / "fiona" / "gre.shp")
    gdf = read_vector(data_dir / "fiona" / "gre.shp", report)
    assert gdf["name_ru"].tolist() == ["Гренада"] and gdf["name_ta"].tolist() == ["கிரெனடா"]
    assert (report.encoding.encoding, report.encoding.how) == ("UTF-8", "cpg")
    # without the .cpg the bytes still decide UTF-8
    for ext in (".shp", ".shx", ".dbf", ".prj"):
        shutil.copy(data_dir / "fiona" / f"gre{ext}", tmp_path / f"gre{ext}")
    enc = detect_shapefile_encoding(tmp_path / "gre.shp")
    assert enc.encoding == "UTF-8" and enc.how == "utf8_check" and enc.undecodable_bytes["UTF-8"] == 0


def test_real_latin1_cpg(data_dir: Path) -> None:
    enc = detect_shapefile_encoding(data_dir / "fiona" / "coutwildrnp.shp")
    assert (enc.encoding, enc.how, enc.cpg) == ("ISO8859-1", "cpg", "ISO-8859-1")


@pytest.mark.parametrize(
    ("text", "codec"),
    [("UTF-8", "utf-8"), ("utf8", "utf-8"), ("65001", "utf-8"), ("936", "gbk"), ("GB2312", "gbk"),
     ("GB18030", "gb18030"), ("ANSI 1252", "cp1252"), ("88591", "iso8859-1"), ("8859_5", "iso8859-5"),
     ("System", None), ("", None)],
)
def test_normalize_encoding(text: str, codec: str | None) -> None:
    assert normalize_encoding(text) == codec


def test_count_undecodable_counts_bytes() -> None:
    assert count_undecodable("中文".encode("gbk"), "utf-8") == 4
    assert count_undecodable(b"ab\xff\xfecd", "utf-8") == 2
    assert count_undecodable("绿地".encode("gb18030"), "gb18030") == 0
