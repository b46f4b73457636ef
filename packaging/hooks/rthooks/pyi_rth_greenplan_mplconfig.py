# Replaces PyInstaller's pyi_rth_mplconfig.py (hooks in this folder take precedence).
#
# PyInstaller's hook points MPLCONFIGDIR at a new temporary folder at every start, so the
# font cache would be rebuilt every time (seconds on a Windows PC with hundreds of fonts).
# GreenPlan's own runtime hook (packaging/pyi_rth_greenplan.py) runs first and sets
# MPLCONFIGDIR to a per-version, per-location cache folder instead; nothing to do here.
