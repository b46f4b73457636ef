"""Benchmark: batch export of every township x 3 themes (A3, 300 dpi, PDF + PNG), parallel vs serial.

usage: python benchmarks/bench_batch.py [--data benchmarks/data/M] [--jobs 2] [--dpi 300]
                                        [--themes control_lines,greening,conflicts] [--skip-serial]

Uses the benchmark county (``*.greenplan.toml`` in ``--data``; generated there with
``greenplan sample DATA --size M`` when missing; M has 12 townships, ~100,000 parcels,
50,000 buildings and a 10 m NDVI), then runs ``greenplan.jobs.batch.run_batch`` with
``force=True`` into a fresh temporary folder, each variant in a fresh process so that peak
memory is per variant:

- ``parallel``: the default executor, a ``spawn`` process pool of ``--jobs`` workers;
- ``serial``: the same tasks in one process (``jobs=1``), same benchmark run.

Both include everything the command does: reading the townships, computing the
indicators, drawing and writing every map (PDF and PNG + world file), the combined PDF,
the index and the manifest. Prints total time, time per map (township x theme), peak RSS
of the parent (``RUSAGE_SELF``) and of the largest worker (``RUSAGE_CHILDREN``), and the
serial / parallel ratio. CPU time (parent and workers) and the machine's load average are
printed too: on a shared machine other processes stretch the wall times. Target (issue 5):
under 3 s per map on average on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

CHILD = r"""
import json, os, resource, sys, time
t0 = time.perf_counter()
load0 = os.getloadavg()[0]
from greenplan.jobs.batch import run_batch
project, out, themes, jobs, dpi = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), float(sys.argv[5])
res = run_batch(project, out, themes=themes, formats="pdf,png", paper="A3", orientation="landscape", dpi=dpi,
                jobs=jobs, force=True)
t = time.perf_counter() - t0
me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
self_, children = me.ru_maxrss / 1024, kids.ru_maxrss / 1024
cpu = me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime
print(json.dumps({"time_s": t, "timings": res.timings, "maps": len(res.tasks),
                  "written": res.count("written"), "failed": res.count("failed"),
                  "task_s": [r["seconds"] for r in res.tasks], "workers": len({r["pid"] for r in res.tasks}),
                  "parent_rss_mb": self_, "children_rss_mb": children, "cpu_s": cpu,
                  "load": [load0, os.getloadavg()[0]],
                  "errors": sorted({r["error"] for r in res.failed})[:5]}))
"""


def ensure_data(data: Path) -> Path:
    found = sorted(data.glob("*.greenplan.toml"))
    if found:
        return found[0]
    print(f"== generating county M into {data} (once): greenplan sample {data} --size M", flush=True)
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "greenplan", "sample", str(data), "--size", "M", "--quiet"], check=True)
    print(f"   {time.perf_counter() - t0:.1f} s", flush=True)
    found = sorted(data.glob("*.greenplan.toml"))
    if not found:
        raise SystemExit(f"no project file in {data}")
    return found[0]


def run_child(*args: str) -> dict:
    p = subprocess.run([sys.executable, "-c", CHILD, *args], capture_output=True, text=True,
                       env=dict(os.environ, PYTHONHASHSEED="0"))
    if p.returncode != 0:
        sys.stderr.write(p.stderr[-4000:])
        raise SystemExit(f"child failed with exit code {p.returncode}")
    return json.loads(p.stdout.strip().splitlines()[-1])


def show(name: str, r: dict) -> None:
    t = r["timings"]
    print(f"{name:<9s} total {r['time_s']:7.1f} s  per map {r['time_s'] / max(r['maps'], 1):5.2f} s  "
          f"({r['maps']} maps, {r['written']} files, {r['failed']} failed, {r['workers']} worker process(es))")
    print(f"{'':<9s} plan {t.get('plan', 0):.1f} s, indicators {t.get('indicators', 0):.1f} s, "
          f"render {t.get('render', 0):.1f} s, combined PDF + index {t.get('finish', 0):.1f} s; "
          f"mean task {sum(r['task_s']) / max(len(r['task_s']), 1):.2f} s")
    print(f"{'':<9s} peak RSS parent {r['parent_rss_mb']:.0f} MB, largest worker {r['children_rss_mb']:.0f} MB")
    print(f"{'':<9s} CPU time (parent + workers) {r['cpu_s']:.1f} s; machine load average "
          f"{r['load'][0]:.1f} at start, {r['load'][1]:.1f} at end (other processes slow the wall times)")
    for e in r["errors"]:
        print(f"{'':<9s} error: {e}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=HERE / "data" / "M")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--dpi", type=float, default=300)
    ap.add_argument("--themes", default="control_lines,greening,conflicts")
    ap.add_argument("--skip-serial", action="store_true")
    args = ap.parse_args()
    args.data.mkdir(parents=True, exist_ok=True)
    project = ensure_data(args.data)
    print(f"== county {project}; themes {args.themes}; A3 landscape, {args.dpi:g} dpi, PDF + PNG; "
          f"{os.cpu_count()} CPUs", flush=True)
    with tempfile.TemporaryDirectory(prefix="gp-bench-batch-") as tmp:
        par = run_child(str(project), str(Path(tmp) / "parallel"), args.themes, str(args.jobs), str(args.dpi))
        show(f"parallel ({args.jobs})", par)
        if args.skip_serial:
            return
        ser = run_child(str(project), str(Path(tmp) / "serial"), args.themes, "1", str(args.dpi))
        show("serial", ser)
    print(f"ratio serial / parallel: {ser['time_s'] / par['time_s']:.2f}x "
          f"(render phase {ser['timings']['render'] / max(par['timings']['render'], 1e-9):.2f}x)")
    per_map = par["time_s"] / max(par["maps"], 1)
    print(f"target < 3 s per map on average: {'met' if per_map < 3 else 'NOT met'} ({per_map:.2f} s)")


if __name__ == "__main__":
    main()
