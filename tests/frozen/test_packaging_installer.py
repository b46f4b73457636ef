"""The pinned bundle, the installer script and the Wine checks, fast (no network, no Wine).

``packaging/lock_bundle.py`` and ``requirements-bundle.txt``, ``installer/greenplan.iss`` with
its Chinese messages, the output parsing of ``packaging/wine_checks.py`` (on ``reg export``
output recorded from a Wine 8 run) and the smoke test's size budget.
"""

from __future__ import annotations

import lzma
import os
import random
import re
import sys
import tomllib
from pathlib import Path

import pytest

from tests.frozen.packaging_modules import ROOT, load

lock = load("lock_bundle")
wine = load("wine_checks")
smoke = load("smoke_test")
support = load("smoke_support")

H1, H2, H3 = ("sha256:" + c * 64 for c in "abc")

# --------------------------------------------------------------------------- the lock file


def test_every_line_of_the_lock_is_pinned_and_hashed() -> None:
    text = (ROOT / "packaging" / "requirements-bundle.txt").read_text(encoding="utf-8")
    pins = lock.parse(text)
    assert len(pins) >= 30
    for pin in pins:
        assert re.fullmatch(r"[0-9][0-9A-Za-z.+!]*", pin.version), pin
        assert pin.hashes and all(re.fullmatch(r"sha256:[0-9a-f]{64}", h) for h in pin.hashes), pin.name
        assert pin.marker in ("", "sys_platform == 'win32'", "sys_platform == 'linux'"), pin.marker
    # every requirement line continues onto its hashes; nothing unpinned slipped in
    for line in text.splitlines():
        if line and not line.startswith(("#", "    --hash=")):
            assert "==" in line and line.endswith("\\"), line
    assert lock.render(pins) == text  # the file is exactly what lock_bundle writes


def test_lock_covers_the_dependencies_and_the_build_tools() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = {lock.normalise(re.split(r"[<>=!~;\[ ]", dep, maxsplit=1)[0]) for dep in project["dependencies"]}
    wanted |= {lock.normalise(re.split(r"[<>=!~;\[ ]", dep, maxsplit=1)[0]) for dep in project["optional-dependencies"]["build"]}
    names = {p.name for p in lock.read_lock()}
    assert wanted <= names, wanted - names
    assert not names & {"pytest", "dask", "ruff", "greenplan"}  # test tools and the project itself are not pinned


def test_merge_marks_what_one_platform_needs_and_refuses_disagreement() -> None:
    linux = [lock.Pin("numpy", "2.4.6", hashes=[H1]), lock.Pin("shiboken6", "6.11.3", hashes=[H2])]
    win = [lock.Pin("numpy", "2.4.6", hashes=[H1]), lock.Pin("shiboken6", "6.11.3", hashes=[H2]),
           lock.Pin("pefile", "2024.8.26", hashes=[H3])]
    merged = lock.merge({"linux": linux, "win32": win})
    assert [(p.name, p.marker) for p in merged] == [("numpy", ""), ("pefile", "sys_platform == 'win32'"), ("shiboken6", "")]
    assert lock.parse(lock.render(merged)) == merged
    with pytest.raises(lock.LockError, match="platforms disagree"):
        lock.merge({"linux": [lock.Pin("numpy", "2.4.6", hashes=[H1])], "win32": [lock.Pin("numpy", "2.5.0", hashes=[H1])]})


def test_unhashed_or_unpinned_requirements_are_refused() -> None:
    with pytest.raises(lock.LockError, match="no hash"):
        lock.parse("numpy==2.4.6\n")
    with pytest.raises(lock.LockError, match="not a pinned requirement"):
        lock.parse(f"numpy>=2 \\\n    --hash={H1}\n")


def test_environment_check_and_its_opt_out(tmp_path: Path) -> None:
    pins = [lock.Pin("numpy", "2.4.6", hashes=[H1]), lock.Pin("pefile", "2024.8.26", "sys_platform == 'win32'", [H2]),
            lock.Pin("shapely", "2.2.0", hashes=[H3])]
    have = {"numpy": "2.4.6", "shapely": "2.1.0"}
    assert lock.mismatches(pins, "linux", have.get) == ["shapely: 2.1.0 installed, 2.2.0 pinned"]
    assert lock.mismatches(pins, "win32", have.get) == ["pefile: not installed (pinned 2024.8.26)",
                                                        "shapely: 2.1.0 installed, 2.2.0 pinned"]
    path = tmp_path / "req.txt"
    path.write_text(lock.render([lock.Pin("no-such-distribution-greenplan", "1.0", hashes=[H1])]), encoding="utf-8")
    with pytest.raises(SystemExit, match="differs from packaging/requirements-bundle.txt"):
        lock.require_pinned_environment(path, env={})
    assert lock.require_pinned_environment(path, env={"GREENPLAN_UNPINNED_BUILD": "1"}) == [
        "no-such-distribution-greenplan: not installed (pinned 1.0)"]


# --------------------------------------------------------------------------- installer script


def _iss() -> str:
    return (ROOT / "installer" / "greenplan.iss").read_bytes().decode("utf-8-sig").replace("\r\n", "\n")


def test_installer_accepts_inno_setup_6_4_and_a_payload_without_exe() -> None:
    text = _iss()
    assert "#if Ver < EncodeVer(6, 4, 0)" in text and "EncodeVer(6, 5" not in text
    assert "#if !Defined(AppVersion) || !Defined(NumericVersion)" in text
    assert re.search(r"^Compression=\{#Compression\}$", text, re.MULTILINE) and '#define Compression "lzma2/max"' in text
    assert "SolidCompression=yes" in text
    # {autopf} with a fallback to the documented per-user folder (Wine cannot expand it)
    assert "DefaultDirName={code:DefaultInstallDir}" in text
    assert "ExpandConstant('{localappdata}\\Programs\\{#AppName}')" in text


def _isl_sections(raw: bytes) -> dict[str, list[tuple[str, str]]]:
    """The ``key=value`` lines of an .isl file, per section, in order (comments left out)."""
    sections: dict[str, list[tuple[str, str]]] = {}
    current = None
    for line in raw.decode("utf-8-sig").split("\r\n"):
        if m := re.fullmatch(r"\[(\w+)\]", line.strip()):
            current = sections.setdefault(m.group(1), [])
        elif current is not None and line and not line.startswith(";"):
            key, _, value = line.partition("=")
            current.append((key, value))
    return sections


def test_chinese_messages_are_greenplans_own_translation_with_their_licence() -> None:
    raw = (ROOT / "installer" / "ChineseSimplified.isl").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "ISCC reads a Unicode .isl only with a BOM"
    assert b"\n" not in raw.replace(b"\r\n", b""), "CRLF line endings, like Default.isl"
    text = raw.decode("utf-8-sig")
    head = text.split("[LangOptions]")[0]
    # GreenPlan's own translation of the default (English) messages, under their licence
    assert "GreenPlan's own Simplified Chinese" in head and "2026-12-03" in head
    assert "Default.isl" in head and '"innosetup"' in head and "6.4.1" in head
    assert "Inno Setup License" in head and "installer/INNO-SETUP-LICENSE.txt" in head
    assert "jrsoftware/issrc" not in head and "Unofficial" not in head
    options = dict(_isl_sections(raw)["LangOptions"])
    assert options["LanguageName"] == "<7B80><4F53><4E2D><6587>"  # 简体中文
    assert options["LanguageID"] == "$0804" and options["LanguageCodePage"] == "0"
    messages = dict(_isl_sections(raw)["Messages"])
    assert messages["ButtonInstall"] == "安装(&I)" and messages["ButtonCancel"] == "取消"
    assert messages["ButtonNext"] == "下一步(&N) >" and messages["ButtonBack"] == "< 上一步(&B)"
    # the Start-menu entry that packaging/wine_checks.py looks for ("卸载 GreenPlan")
    assert dict(_isl_sections(raw)["CustomMessages"])["UninstallProgram"] == "卸载 %1"
    readme = (ROOT / "installer" / "README.md").read_text(encoding="utf-8")
    assert "ChineseSimplified.isl" in readme and "Inno Setup License" in readme
    assert "GreenPlan's own translation" in readme


DEFAULT_ISL = ROOT / "packaging" / ".cache" / "wine" / "npm" / "node_modules" / "innosetup" / "bin" / "Default.isl"


def test_chinese_messages_have_every_key_and_placeholder_of_default_isl() -> None:
    """Same keys in the same order as Inno Setup 6.4.1's Default.isl, same %1..%9/%n, [name]
    constants and access keys. Default.isl comes with the compiler that
    ``packaging/wine_installer_test.sh`` installs into packaging/.cache (not in the repository)."""
    if not DEFAULT_ISL.is_file():
        pytest.skip("no Default.isl in packaging/.cache (run packaging/wine_installer_test.sh once)")

    def marks(value: str) -> tuple:
        return (sorted(re.findall(r"%[1-9n]", value)), sorted(re.findall(r"\[(?:name|name/ver|gb|mb)\]", value)),
                value.replace("&&", "").count("&"), value == "")

    english = _isl_sections(DEFAULT_ISL.read_bytes())
    chinese = _isl_sections((ROOT / "installer" / "ChineseSimplified.isl").read_bytes())
    for section in ("Messages", "CustomMessages"):
        assert [k for k, _ in chinese[section]] == [k for k, _ in english[section]], section
        wrong = [k for (k, en), (_, zh) in zip(english[section], chinese[section], strict=True) if marks(en) != marks(zh)]
        assert not wrong, f"[{section}] placeholders, constants or access keys differ: {wrong}"


# --------------------------------------------------------------------------- Wine checks

# `wine reg export` of the association and the uninstaller after installing (Wine 8.0, Inno Setup
# 6.4.1, recorded by wine_installer_test.sh with GREENPLAN_REG_LOG; each file's CR LF kept)
REG_EXPORTS = (ROOT / "tests" / "frozen" / "data" / "wine_reg_export.txt").read_text(encoding="utf-8")
INSTALL_DIR = "C:\\users\\root\\AppData\\Local\\Programs\\安装 测试\\GreenPlan"


def _export(key: str) -> str:
    return next(part for part in REG_EXPORTS.split("; wine reg export ")[1:] if part.startswith(key + "\n"))


def test_reg_export_output_is_parsed() -> None:
    (cmd,) = wine.parse_reg_export(_export(wine.ASSOCIATION_KEYS[0]))
    assert cmd.key == wine.full_key(wine.ASSOCIATION_KEYS[0]) and cmd.name == "" and cmd.kind == "REG_SZ"
    assert cmd.data == f'"{INSTALL_DIR}\\greenplan-gui.exe" "%1"'
    (openwith,) = wine.parse_reg_export(_export(wine.ASSOCIATION_KEYS[1]))
    assert (openwith.name, openwith.data) == (wine.PROG_ID, "")
    values = {v.name: (v.kind, v.data) for v in wine.parse_reg_export(_export(wine.UNINSTALL_KEY))}
    assert values["DisplayName"] == ("REG_SZ", "GreenPlan 绿化规划")
    assert values["Inno Setup: Setup Version"] == ("REG_SZ", "6.4.1")
    assert values["Inno Setup: Language"] == ("REG_SZ", "zh")
    assert values["UninstallString"] == ("REG_SZ", f'"{INSTALL_DIR}\\unins000.exe"')
    assert values["NoModify"] == ("REG_DWORD", "1") and values["MinorVersion"] == ("REG_DWORD", "1")
    assert wine.parse_reg_export("") == [] and wine.value(None, "x") is None


def test_reg_export_hex_values_span_lines() -> None:
    # REG_EXPAND_SZ is written as UTF-16 hex, continued over lines ending in a backslash
    data = "%USERPROFILE%\\程序".encode("utf-16-le") + b"\0\0"
    hexes = ",".join(f"{b:02x}" for b in data)
    text = f'[HKEY_CURRENT_USER\\X]\r\n"P"=hex(2):{hexes[:30]}\\\r\n  {hexes[30:]}\r\n"B"=hex:01,ff\r\n'
    values = {v.name: (v.kind, v.data) for v in wine.parse_reg_export(text)}
    assert values == {"P": ("REG_EXPAND_SZ", "%USERPROFILE%\\程序"), "B": ("REG_BINARY", "01ff")}


def test_installed_tree_is_compared_with_the_bundle(tmp_path: Path) -> None:
    bundle, inst = tmp_path / "bundle", tmp_path / "inst"
    for root in (bundle, inst):
        (root / "_internal" / "子目录").mkdir(parents=True)
        (root / "greenplan.exe").write_bytes(b"exe")
        (root / "_internal" / "子目录" / "数据.gpkg").write_bytes(b"gpkg")
    (inst / "unins000.exe").write_bytes(b"uninstaller")
    (inst / "unins000.dat").write_bytes(b"log")
    assert wine.compare_trees(bundle, inst) is None
    (inst / "_internal" / "子目录" / "数据.gpkg").write_bytes(b"gpkG")
    (inst / "extra.dll").write_bytes(b"x")
    diff = wine.compare_trees(bundle, inst)
    assert "extra ['extra.dll'] (1)" in diff and "differing ['_internal/子目录/数据.gpkg'] (1)" in diff


# --------------------------------------------------------------------------- the size budget


def test_budget_of_the_issue() -> None:
    assert smoke.SIZE_BUDGET_MB == {"linux": 420.0, "win32": 420.0}
    assert smoke.INSTALLER_BUDGET_MB == 180.0
    assert {"size", "windows-size", "installer-size"} <= set(smoke.CHECKS)


def test_lzma2_estimate_counts_each_file_once_and_is_cached(tmp_path: Path) -> None:
    root = tmp_path / "GreenPlan"
    (root / "_internal").mkdir(parents=True)
    noise = random.Random(18).randbytes(200_000)  # incompressible
    (root / "_internal" / "lib.so").write_bytes(noise)
    (root / "_internal" / "zeros.bin").write_bytes(bytes(1_000_000))
    without_link = support.lzma2_size(root)
    if sys.platform != "win32":
        (root / "_internal" / "link.so").symlink_to("lib.so")
    cache = tmp_path / "cache"
    size = support.lzma2_size(root, cache=cache)
    # the noise cannot shrink, the zeros almost vanish, the link is not stored
    assert len(noise) < size < len(noise) + 20_000
    assert size == without_link
    assert size > len(lzma.compress(noise, preset=9))  # the tar headers and the zeros cost a little
    (cached,) = cache.iterdir()
    assert int(cached.read_text(encoding="utf-8")) == size
    os.utime(root / "_internal" / "zeros.bin", ns=(1, 1))  # a changed bundle is packed again
    support.lzma2_size(root, cache=cache)
    assert len(list(cache.iterdir())) == 2
