"""Shared pieces of the command line: --layer/--set parsing, error handling, exit codes.

Each command lives in its own module (``greenplan/cli/<command>.py``) with
``add_parser(subparsers)`` and ``run(args) -> int``; it only parses and calls one
``jobs``/``analysis`` function (rasterio ``rio/merge.py`` style).
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import sys
import traceback
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

from greenplan.core.errors import EXIT_CANCELED, EXIT_INTERNAL, GreenplanError, SettingError
from greenplan.core.feedback import ConsoleFeedback, Feedback
from greenplan.core.gcpause import paused_gc
from greenplan.core.jsonio import json_default  # noqa: F401 - re-exported for commands
from greenplan.core.paths import log_dir
from greenplan.core.project import LAYER_OPTIONS, LayerSpec, Project, read_project
from greenplan.core.roles import get_role
from greenplan.core.settings import SETTING_NAMES

log = logging.getLogger("greenplan")
T = TypeVar("T")


def parse_layer_arg(text: str) -> tuple[str, Path, str | None]:
    """``ROLE=PATH[:LAYER]`` → (role, path, layer).

    A ``:LAYER`` suffix counts only where the text before the last colon is an
    existing file (or FileGDB folder), so Windows paths (``D:\\数据\\a.gpkg``) keep their drive colon.

    Examples
    --------
    >>> parse_layer_arg("roads=C:/no/such/file.shp")
    ('roads', PosixPath('C:/no/such/file.shp'), None)
    """
    if "=" not in text:
        raise SettingError(
            f"--layer expects ROLE=PATH[:LAYER], got '{text}'.",
            f"--layer 的格式应为 角色=路径[:图层]，实际为“{text}”。",
            key="--layer",
            hint_en="For example: --layer land_use=D:/data/三调.gpkg:DLTB",
            hint_zh="例如：--layer land_use=D:/数据/三调.gpkg:DLTB",
        )
    role, _, rest = text.partition("=")
    role = role.strip()
    get_role(role, key="--layer")
    path, layer = rest, None
    head, sep, tail = rest.rpartition(":")
    if sep and head and tail and Path(head).exists() and not Path(rest).exists():
        path, layer = head, tail
    return role, Path(path), layer


def parse_set_args(items: list[str] | None) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    """``KEY=VALUE`` items → (settings, per-role layer options).

    ``ROLE.FIELD=NAME`` maps a role field to a file's field (``land_use.DLBM=DLBM_2023``);
    ``ROLE.OPTION=VALUE`` sets a layer option (:data:`~greenplan.core.project.LAYER_OPTIONS`:
    ``encoding``, ``classes``, ``where``, ``source_crs`` ...). Anything else is a setting.

    Raises
    ------
    SettingError
        A key that is neither a setting, nor a field of the role, nor a layer option; the
        message lists the valid keys and the closest match.

    Examples
    --------
    >>> parse_set_args(["as_of=2026-06-30", "land_use.classes=osm", "land_use.DLBM=CODE"])
    ({'as_of': '2026-06-30'}, {'land_use': {'classes': 'osm', 'DLBM': 'CODE'}})
    """
    settings: dict[str, str] = {}
    layer_opts: dict[str, dict[str, str]] = {}
    for item in items or []:
        if "=" not in item:
            raise SettingError(
                f"--set expects KEY=VALUE, got '{item}'.",
                f"--set 的格式应为 键=值，实际为“{item}”。",
                key="--set",
                hint_en="Valid keys: " + ", ".join(SETTING_NAMES) + ", or ROLE.FIELD=NAME.",
                hint_zh="可用键：" + "、".join(SETTING_NAMES) + "，或 角色.字段=字段名。",
            )
        key, _, value = item.partition("=")
        key = key.strip()
        if "." in key:
            role_id, _, sub = key.partition(".")
            role = get_role(role_id, key=f"--set {key}")
            valid = [f.name for f in role.fields] + list(LAYER_OPTIONS)
            if sub not in valid:
                raise _unknown_key(key, sub, valid, f"{role_id}.")
            layer_opts.setdefault(role_id, {})[sub] = value.strip()
        else:
            if key not in SETTING_NAMES:
                raise _unknown_key(key, key, list(SETTING_NAMES), "")
            settings[key] = value
    return settings, layer_opts


def _unknown_key(key: str, sub: str, valid: list[str], prefix: str) -> SettingError:
    from greenplan.core.text import closest

    near = closest(sub, valid)
    near_en = f" Did you mean '{prefix}{near}'?" if near else ""
    near_zh = f"是否应为“{prefix}{near}”？" if near else ""
    what_en = "a field of the role nor a layer option" if prefix else "a setting"
    what_zh = "该角色的字段，也不是图层选项" if prefix else "设置项"
    return SettingError(
        f"--set {key}: '{sub}' is neither {what_en}.{near_en} Valid: {', '.join(valid)}.",
        f"--set {key}：“{sub}”既不是{what_zh}。{near_zh}可用：{'、'.join(valid)}。",
        key=f"--set {key}",
        hint_en="Fix the key (see docs/cli.md).",
        hint_zh="请更正该键（参见 docs/cli.md）。",
    )


def add_project_args(p: argparse.ArgumentParser) -> None:
    """PROJECT or --layer ROLE=PATH[:LAYER] ..., plus --set KEY=VALUE."""
    p.add_argument("project", nargs="?", type=Path, help="project file (*.greenplan.toml)")
    p.add_argument(
        "--layer",
        action="append",
        metavar="ROLE=PATH[:LAYER]",
        help="a layer without a project file (repeatable)",
    )
    p.add_argument("--set", action="append", metavar="KEY=VALUE", help="override a setting (repeatable)")


def project_from_args(args: argparse.Namespace) -> tuple[Project, list[str]]:
    """The project named on the command line, or one built from --layer options."""
    settings, layer_opts = parse_set_args(getattr(args, "set", None))
    if args.project is not None and args.layer:
        raise SettingError(
            "Give either a project file or --layer options, not both.",
            "请只指定项目文件或 --layer 选项之一，不能同时使用。",
            key="--layer",
        )
    if args.project is not None:
        project, warnings = read_project(args.project)
    elif args.layer:
        layers = []
        for text in args.layer:
            role, path, layer = parse_layer_arg(text)
            name = f"{get_role(role).zh}（{layer or path.stem}）"
            layers.append(LayerSpec(source=path.absolute(), layer=layer, role=role, name=name))
        project, warnings = Project(name="命令行项目", layers=layers), []
    else:
        raise SettingError(
            "No input: give a project file or at least one --layer ROLE=PATH.",
            "未指定输入：请给出项目文件，或至少一个 --layer 角色=路径。",
            key="PROJECT",
        )
    if "crs" in settings:
        project.crs = settings["crs"]
    project.settings = project.settings.with_overrides(settings)
    for role, opts in layer_opts.items():
        for lyr in project.layers_with_role(role):
            for sub, value in opts.items():
                apply_layer_option(lyr, sub, value)
    return project, warnings


def apply_layer_option(lyr: LayerSpec, key: str, value: str) -> None:
    """Set option or role field ``key`` of a layer from its command-line text."""
    if key == "band":
        try:
            band = int(value)
        except ValueError:
            band = 0
        if band < 1:
            raise SettingError(f"--set {lyr.role}.band: '{value}' is not a band number (1, 2 …).",
                               f"--set {lyr.role}.band：“{value}”不是波段号（1、2 …）。", key=f"--set {lyr.role}.band")
        lyr.band = band
    elif key in LAYER_OPTIONS:
        setattr(lyr, key, value or None)
    else:
        lyr.fields[key] = value


def add_output_args(p: argparse.ArgumentParser) -> None:
    """--out DIR, --lang and --quiet, shared by the commands that write an output folder."""
    p.add_argument("--out", type=Path, required=True, help="output folder")
    p.add_argument("--lang", choices=("en", "zh"), default="en", help="language of the summary printed")
    p.add_argument("--quiet", action="store_true", help="no progress bar")


def run_project_job(args: argparse.Namespace, job: Callable[[Project, Feedback], T]) -> T:
    """The project named on the command line through ``job(project, feedback)``, with a
    progress bar on the terminal and the project file's warnings printed first."""
    project, warnings = project_from_args(args)
    print_warnings(warnings)
    print_working_crs(project, getattr(args, "lang", None))
    fb = ConsoleFeedback(enabled=not getattr(args, "quiet", False))
    try:
        with paused_gc():  # analysis jobs: no cyclic-GC passes over the loaded layers
            return job(project, fb)
    finally:
        fb.finish()


def print_working_crs(project: Project, lang: str | None = None) -> None:
    """``Working CRS: EPSG:4544 (automatic; …)``: the CRS the command will work in.

    The same choice the loader makes (:func:`greenplan.io.loader.working_crs`); a rejected
    ``crs`` raises here, so no header precedes the error.
    """
    from greenplan.io.loader import working_crs

    choice = working_crs(project)
    print(choice.describe(lang if lang in ("en", "zh") else "both"))
    for i, gap in choice.far.items():
        name = project.layers[i].name if i < len(project.layers) else str(i)
        print(f"warning / 警告: {name}: {gap / 1000:,.0f} km from the other layers, left out of the choice / "
              f"距其他图层约 {gap / 1000:,.0f} 公里，未参与工作坐标系选择", file=sys.stderr)


def print_written(files: Iterable[Path], lang: str) -> None:
    for path in files:
        print(("已写出 " if lang == "zh" else "written ") + str(path), file=sys.stderr)


def print_warnings(warnings: list[str]) -> None:
    for w in warnings:
        print(f"warning / 警告: {w}", file=sys.stderr)


def _log_internal_error(exc: BaseException) -> Path | None:
    try:
        path = log_dir() / f"greenplan-{dt.datetime.now():%Y%m%d}.log"
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(f"\n=== {dt.datetime.now().isoformat()} {' '.join(sys.argv)}\n")
            fh.write("".join(traceback.format_exception(exc)))
        return path
    except OSError:
        return None


def guarded(func: Callable[[argparse.Namespace], int], args: argparse.Namespace) -> int:
    """Run a command: user errors print a bilingual message, bugs go to the log file."""
    try:
        return func(args)
    except GreenplanError as exc:
        print(f"错误 / error: {exc.bilingual()}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("\n已取消 / cancelled", file=sys.stderr)
        return EXIT_CANCELED
    except Exception as exc:  # noqa: BLE001 - last line of defence: no traceback on screen
        logfile = _log_internal_error(exc)
        where = f" ({logfile})" if logfile else ""
        print(
            f"内部错误：{type(exc).__name__}: {exc}。详细信息已写入日志{where}，请将其发送给技术支持。\n"
            f"internal error: {type(exc).__name__}: {exc}. Details were written to the log{where}; "
            "please send it to support.",
            file=sys.stderr,
        )
        return EXIT_INTERNAL
