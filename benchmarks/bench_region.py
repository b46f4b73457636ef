"""Benchmark: ``greenplan region`` (check + analyze per county) in-process serial vs Dask LocalCluster.

usage: python benchmarks/bench_region.py [--counties 12] [--size S] [--data benchmarks/data/region-S]
                                         [--variants serial1,1,2] [--m-county]

Generates the sample region once (``greenplan sample DATA --region N --size S``: N distinct
counties, ~10,000 parcels each at S), then runs :func:`greenplan.jobs.region.run.run_region`
(no overview map) into a fresh temporary folder, each variant in a fresh process:

- ``serial``: every county in this process, one after another (``workers=0``), with the
  process's threads (an analysis spreads over the cores);
- ``serial1``: the same held to one thread (``GREENPLAN_THREADS=1``): exactly the work a
  county task does on a Dask worker, the baseline of the per-task overhead;
- ``1``, ``2``: a LocalCluster of 1 or 2 single-threaded worker processes (each county task
  keeps to its worker's one core, ``core.parallel.set_thread_budget``).

Prints per variant: the run's wall time (tasks submitted to all done; cluster start and the
summary files apart), counties per minute, the mean county task time (inside the worker),
per-task overhead (``(T_1worker - T_serial) / N``: what going through Dask costs a county,
and ``T_workers × workers - Σ task time) / N``: the time a worker slot was not running a
task), scaling efficiency ``T_1 / (2 × T_2)`` and the peak RSS of each worker (from the
tasks' ``RUSAGE_SELF``). ``--m-county`` also times one county of size M in-process (the
projection in benchmarks/README.md). The machine's load average is printed: on a shared
machine other processes stretch the wall times.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent

CHILD = r"""
import json, os, resource, sys, time
if __name__ == "__main__":
    load0 = os.getloadavg()[0]
    from greenplan.jobs.region.run import run_region
    region, out, workers = sys.argv[1], sys.argv[2], int(sys.argv[3])
    import greenplan.jobs.analyze, greenplan.jobs.check, greenplan.jobs.region.tasks  # as the workers' preload
    t0 = time.perf_counter()
    res = run_region(region, out, workers=workers, overview=False)
    t = time.perf_counter() - t0
    counties = res.counties
    peaks = {}
    for c in counties:
        w = c.get("worker") or {}
        peaks[str(w.get("pid"))] = max(peaks.get(str(w.get("pid")), 0), w.get("peak_rss_mb") or 0)
    print(json.dumps({"total_s": t, "timings": res.timings, "workers": res.workers,
                      "done": sum(c["status"] == "done" for c in counties), "n": len(counties),
                      "task_s": [c.get("seconds") or 0 for c in counties], "peak_rss_mb": peaks,
                      "parent_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                      "load": [load0, os.getloadavg()[0]]}))
"""


def ensure_region(data: Path, n: int, size: str) -> Path:
    found = sorted(data.glob("*.greenplan-region.toml"))
    if found:
        return found[0]
    print(f"generating {n} counties of size {size} into {data} ...", flush=True)
    subprocess.run([sys.executable, "-m", "greenplan", "sample", str(data), "--region", str(n), "--size", size, "--quiet"],
                   check=True)
    return sorted(data.glob("*.greenplan-region.toml"))[0]


def run_variant(region: Path, workers: int, threads: int | None = None) -> dict:
    env = dict(os.environ)
    if threads:
        env["GREENPLAN_THREADS"] = str(threads)
    with tempfile.TemporaryDirectory(prefix="bench-region-") as tmp:
        script = Path(tmp) / "child.py"
        script.write_text(CHILD, encoding="utf-8")
        proc = subprocess.run([sys.executable, str(script), str(region), str(Path(tmp) / "out"), str(workers)],
                              capture_output=True, text=True, check=True, env=env)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def m_county() -> float:
    """Seconds of one size-M county task (check + analyze) in this process."""
    data = HERE / "data" / "M"
    if not sorted(data.glob("*.greenplan.toml")):
        subprocess.run([sys.executable, "-m", "greenplan", "sample", str(data), "--size", "M", "--quiet"], check=True)
    project = sorted(data.glob("*.greenplan.toml"))[0]
    code = (
        "import json,sys,tempfile\n"
        "from pathlib import Path\n"
        "from greenplan.core.project import read_project, project_to_dict\n"
        "from greenplan.jobs.region.tasks import analyze_county\n"
        "p=Path(sys.argv[1]); pr,_=read_project(p)\n"
        "with tempfile.TemporaryDirectory() as t:\n"
        "    r=analyze_county({'county':{'code':'M','name':'M','folder':'M'},'project':project_to_dict(pr,p.parent),"
        "'project_file':str(p),'out_dir':t,'stage_dir':t+'/.s'})\n"
        "print(json.dumps({'s':r['seconds'],'status':r['status'],'rss':r['peak_rss_mb']}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code, str(project)], capture_output=True, text=True, check=True)
    r = json.loads(out.stdout.strip().splitlines()[-1])
    print(f"one county of size M (check + analyze, in-process): {r['s']:.2f} s, peak RSS {r['rss']:.0f} MB, {r['status']}")
    return r["s"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--counties", type=int, default=12)
    ap.add_argument("--size", default="S")
    ap.add_argument("--data", type=Path)
    ap.add_argument("--variants", default="serial1,1,2",
                    help="serial: this process with all its threads; serial1: this process on one thread "
                         "(GREENPLAN_THREADS=1, the same work as a county task on a Dask worker); 1, 2: workers")
    ap.add_argument("--m-county", action="store_true")
    args = ap.parse_args()
    data = args.data or HERE / "data" / f"region-{args.size}-{args.counties}"
    region = ensure_region(data, args.counties, args.size)
    results = {}
    for v in args.variants.split(","):
        workers = 0 if v.startswith("serial") else int(v)
        r = run_variant(region, workers, threads=1 if v == "serial1" else None)
        results[v] = r
        run = r["timings"]["run"]
        n = r["n"]
        mean_task = sum(r["task_s"]) / n
        slots = max(1, r["workers"])
        idle = (run * slots - sum(r["task_s"])) / n
        peaks = ", ".join(f"{v_:.0f}" for v_ in sorted(r["peak_rss_mb"].values()))
        print(f"{v:>6}: {r['done']}/{n} done, run {run:.1f} s (start {r['timings']['start']:.1f} s, summary "
              f"{r['timings']['finish']:.1f} s), {60 * n / run:.1f} counties/min, mean task {mean_task:.2f} s, "
              f"slot time not in a task {idle:.2f} s/task, worker peak RSS MB [{peaks}], "
              f"load {r['load'][0]:.1f}->{r['load'][1]:.1f}", flush=True)
    base = "serial1" if "serial1" in results else "serial"
    if base in results and "1" in results:
        n = results["1"]["n"]
        over = (results["1"]["timings"]["run"] - results[base]["timings"]["run"]) / n
        mean = sum(results[base]["task_s"]) / n
        print(f"per-task overhead (1 worker vs {base}): {over:.3f} s = {100 * over / mean:.1f} % of a county task "
              f"({mean:.2f} s)")
    if "1" in results and "2" in results:
        eff = results["1"]["timings"]["run"] / (2 * results["2"]["timings"]["run"])
        print(f"scaling efficiency 1 -> 2 workers: {100 * eff:.0f} %")
    if args.m_county:
        m_county()
    print(json.dumps({k: {"run_s": v["timings"]["run"], "task_s": v["task_s"], "peak_rss_mb": v["peak_rss_mb"]}
                      for k, v in results.items()}))
    os.sys.stdout.flush()


if __name__ == "__main__":
    main()
