#!/usr/bin/env bash
# Compile installer/greenplan.iss with Inno Setup's compiler and run the installer under Wine.
#
#   bash packaging/wine_installer_test.sh [BUNDLE_DIR]      (default: dist/GreenPlan)
#
# On demand, not part of the README's test command (it installs Debian packages, downloads
# the compiler from the npm registry and takes a few minutes). Debian, as root, no display
# needed (Xvfb). What it does:
#   1. installs Wine with 32-bit support (wine, wine64, wine32:i386) and Xvfb if missing;
#   2. installs ISCC.exe from the npm package "innosetup" (6.4.1) into packaging/.cache/wine;
#   3. makes a Wine prefix there (wineboot) whose user shell folders are real folders (not
#      links into $HOME: HOME is a folder of the cache too) and whose per-user program files
#      folder (FOLDERID_UserProgramFiles, {autopf}) is set;
#   4. compiles the installer against BUNDLE_DIR (the Linux bundle is accepted as payload:
#      the version comes from greenplan/__init__.py via /DAppVersion and /DNumericVersion);
#   5. installs it silently per user into a folder with Chinese characters and a space, runs
#      the checks of packaging/wine_checks.py (files, shortcuts, association, uninstaller,
#      installer size), uninstalls silently and checks what is gone and what stays.
# Exit code 0 when every check passes. docs/packaging.md and installer/README.md say what
# this proves and what only a real Windows machine can.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BUNDLE="$(realpath "${1:-$ROOT/dist/GreenPlan}")"
CACHE="$ROOT/packaging/.cache/wine"
INNO_VERSION="${INNO_VERSION:-6.4.1}"
INSTALLER_BUDGET_MB=180
PY="${PYTHON:-$ROOT/.venv/bin/python}"
[ -x "$PY" ] || PY=python3

export WINEPREFIX="$CACHE/prefix" WINEDEBUG=-all WINEARCH=win64 HOME="$CACHE/home"
# no Mono/Gecko download prompts, no menu entries written into the Linux desktop
export WINEDLLOVERRIDES="mscoree,mshtml=;winemenubuilder.exe=d"
mkdir -p "$CACHE" "$HOME"
step() { printf '== %s\n' "$*"; }

[ -d "$BUNDLE/_internal" ] || { echo "no bundle at $BUNDLE (build it: python packaging/smoke_test.py --build)" >&2; exit 2; }

step "Debian packages: Wine with 32-bit support, Xvfb"
missing=""
for p in wine wine64 wine32:i386 xvfb xauth; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
if [ -n "$missing" ]; then
  dpkg --print-foreign-architectures | grep -qx i386 || dpkg --add-architecture i386
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing
fi
wine --version

step "Inno Setup compiler: npm innosetup@$INNO_VERSION"
ISCC="$CACHE/npm/node_modules/innosetup/bin/ISCC.exe"
if ! grep -qs "\"version\": \"$INNO_VERSION\"" "$CACHE/npm/node_modules/innosetup/package.json"; then
  npm install --prefix "$CACHE/npm" --no-audit --no-fund --loglevel=error "innosetup@$INNO_VERSION" >/dev/null
fi
[ -f "$ISCC" ] || { echo "ISCC.exe not found in the innosetup package" >&2; exit 2; }

step "X display (Xvfb) for every Wine process"
# one display for the whole run: a wineserver started without one (wineboot, reg, winecfg)
# would leave Setup unable to create its wizard window ("Error reading
# FPreparingMemo.Lines.Strings: A call to an OS function failed")
wineserver -k 2>/dev/null || true
display_file="$(mktemp)"
Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"$display_file" >/dev/null 2>&1 &
xvfb_pid=$!
for _ in $(seq 1 50); do [ -s "$display_file" ] && break; sleep 0.1; done
export DISPLAY=":$(head -n1 "$display_file")"
rm -f "$display_file"
trap 'wineserver -k 2>/dev/null || true; kill "$xvfb_pid" 2>/dev/null || true' EXIT
echo "DISPLAY=$DISPLAY"

step "Wine prefix $WINEPREFIX"
if [ ! -f "$WINEPREFIX/system.reg" ]; then
  wineboot --init >/dev/null 2>&1
  wineserver -w
fi
user="$(id -un)"
users_dir="$WINEPREFIX/drive_c/users/$user"
for d in Desktop Documents Downloads Music Pictures Videos Templates; do
  [ -L "$users_dir/$d" ] && rm "$users_dir/$d"
  mkdir -p "$users_dir/$d"
done
mkdir -p "$users_dir/AppData/Local/Programs"
# Wine 8 says Windows 7 by default; the installer needs Windows 10 (MinVersion=10.0)
wine winecfg -v win10 >/dev/null 2>&1
# Wine marks Unix dot files hidden, and a wildcard of ISCC skips hidden files; on Windows
# python-docx's _rels/.rels is an ordinary file
wine reg add 'HKCU\Software\Wine' /v ShowDotFiles /t REG_SZ /d Y /f >/dev/null
wine reg add 'HKCU\Software\Microsoft\Windows\CurrentVersion\Explorer\User Shell Folders' \
  /v '{5CD7AEE2-2219-4A67-B85D-6C9CE15660CB}' /t REG_EXPAND_SZ /d '%USERPROFILE%\AppData\Local\Programs' /f >/dev/null

step "payload: $BUNDLE"
# A Linux bundle carries symbolic links (PyInstaller's links to libraries in sub-folders, the
# greenplan-gui link, identical copies stored once); Windows bundles have none, and Wine
# would follow each into a second copy. The payload is a copy without them: every file once.
PAYLOAD="$BUNDLE"
if [ -n "$(find "$BUNDLE" -type l -print -quit)" ]; then
  PAYLOAD="$CACHE/payload/$(basename "$BUNDLE")"
  rm -rf "$CACHE/payload"
  mkdir -p "$CACHE/payload"
  cp -a "$BUNDLE" "$PAYLOAD"
  echo "$(find "$PAYLOAD" -type l | wc -l) symbolic links left out of the payload copy"
  find "$PAYLOAD" -type l -delete
fi

step "compile installer/greenplan.iss against $PAYLOAD"
read -r app_version numeric_version < <("$PY" -c "import sys; sys.path.insert(0, sys.argv[1]); import winversion as w; v = w.read_version(); print(v, '.'.join(map(str, w.numeric_version(v))))" "$ROOT/packaging")
OUT="$CACHE/out"
rm -rf "$OUT"
mkdir -p "$OUT"
defines=("/DBundleDir=$(winepath -w "$PAYLOAD")" "/DOutputDir=$(winepath -w "$OUT")")
if [ ! -f "$PAYLOAD/greenplan.exe" ]; then
  echo "no greenplan.exe in the bundle (a Linux bundle as payload): version $app_version ($numeric_version) passed"
  defines+=("/DAppVersion=$app_version" "/DNumericVersion=$numeric_version")
fi
start=$(date +%s)
wine "$ISCC" /Q "${defines[@]}" "$(winepath -w "$ROOT/installer/greenplan.iss")"
setup="$(ls "$OUT"/GreenPlan-Setup-*.exe)"
size_mb=$("$PY" -c "import os, sys; print(f'{os.path.getsize(sys.argv[1]) / 1e6:.1f}')" "$setup")
bundle_mb=$("$PY" -c "import sys, pathlib; print(f'{sum(p.stat().st_size for p in pathlib.Path(sys.argv[1]).rglob(\"*\") if p.is_file()) / 1e6:.1f}')" "$PAYLOAD")
echo "compiled in $(( $(date +%s) - start )) s: $(basename "$setup") $size_mb MB (payload $bundle_mb MB)"

step "install silently, per user, in Chinese (/LANG=zh), into a folder with Chinese characters and a space"
dir_win="C:\\users\\$user\\AppData\\Local\\Programs\\安装 测试\\GreenPlan"
dir_unix="$users_dir/AppData/Local/Programs/安装 测试/GreenPlan"
rm -rf "$dir_unix"
rc=0
wine "$setup" /VERYSILENT /SUPPRESSMSGBOXES /NORESTART /CURRENTUSER /LANG=zh "/DIR=$dir_win" \
  "/TASKS=desktopicon,openwith" "/LOG=$(winepath -w "$OUT/install.log")" || rc=$?
wineserver -w
echo "setup exit code $rc; log $OUT/install.log"
[ "$rc" -eq 0 ] || { tail -15 "$OUT/install.log" >&2; exit 1; }

step "checks after installing"
failed=0
export GREENPLAN_REG_LOG="$OUT/reg-query.txt"
"$PY" "$ROOT/packaging/wine_checks.py" installed "$PAYLOAD" "$dir_unix" "$WINEPREFIX" "$dir_win" || failed=$((failed + $?))
if "$PY" -c "import sys; sys.exit(float(sys.argv[1]) > float(sys.argv[2]))" "$size_mb" "$INSTALLER_BUDGET_MB"; then
  echo "[ok] installer-size: $(basename "$setup") is $size_mb MB (budget $INSTALLER_BUDGET_MB MB)"
else
  echo "[FAIL] installer-size: $(basename "$setup") is $size_mb MB, over $INSTALLER_BUDGET_MB MB"
  failed=$((failed + 1))
fi

step "the user's own files, then uninstall silently"
project="$users_dir/Documents/规划 项目/示范县.greenplan.toml"
settings="$users_dir/AppData/Local/GreenPlan/greenplan-gui.ini"
mkdir -p "$(dirname "$project")" "$(dirname "$settings")"
printf '[project]\nname = "示范县"\n' > "$project"
printf '[General]\nlanguage=zh\n' > "$settings"
rc=0
wine "$dir_win\\unins000.exe" /VERYSILENT /SUPPRESSMSGBOXES /NORESTART || rc=$?
wineserver -w
echo "uninstaller exit code $rc"
# the uninstaller finishes from a copy of itself in %TEMP%: wait for the folder to go
for _ in $(seq 1 60); do [ -e "$dir_unix" ] || break; sleep 1; done

step "checks after uninstalling"
"$PY" "$ROOT/packaging/wine_checks.py" uninstalled "$dir_unix" "$WINEPREFIX" "$project" "$settings" || failed=$((failed + $?))

if [ "$failed" -eq 0 ]; then
  echo "all checks passed (Inno Setup $INNO_VERSION, $(wine --version))"
else
  echo "$failed check(s) failed; setup log: $OUT/install.log" >&2
fi
exit "$failed"
