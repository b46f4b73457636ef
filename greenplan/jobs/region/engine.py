"""Where the region's tasks run: Dask distributed (a LocalCluster or a running scheduler),
or this process.

Dask is the optional extra ``greenplan[region]`` and is imported here only, inside the
functions, so that the desktop app and every other command run without it. An engine
hands out a :class:`concurrent.futures.Executor` (``Client.get_executor``), the interface
the batch exporter already sends its plain tasks through
(:func:`greenplan.jobs._batch_worker.run_tasks`); tasks are submitted impure (every
call runs) with retries, and a worker lost mid-task has its tasks rescheduled by the
scheduler.
"""

from __future__ import annotations

import concurrent.futures as cf
import logging
from typing import Any

from greenplan.core.errors import GreenplanError, SettingError

#: retries of a task whose worker raised outside our code (a lost worker is rescheduled
#: by the scheduler anyway, up to ``distributed.scheduler.allowed-failures`` times)
RETRIES = 2
INSTALL_HINT_EN = 'Install it with: pip install "greenplan[region]" (or pip install "dask[distributed]").'
INSTALL_HINT_ZH = '请先安装：pip install "greenplan[region]"（或 pip install "dask[distributed]"）。'


class EngineError(GreenplanError):
    """The distributed engine cannot be used: Dask missing, scheduler unreachable, a worker
    that cannot read a project."""


def require_dask() -> Any:
    """``distributed``, or :class:`EngineError` saying how to install it."""
    try:
        import distributed
    except ImportError:
        raise EngineError("Running counties on Dask needs the optional package dask.distributed, which is not installed.",
                          "区域批量运行需要可选组件 dask.distributed，当前未安装。",
                          hint_en=INSTALL_HINT_EN, hint_zh=INSTALL_HINT_ZH) from None
    return distributed


def _has_bokeh() -> bool:
    """On the scheduler: whether its dashboard can draw (bokeh installed)."""
    import importlib.util

    return importlib.util.find_spec("bokeh") is not None


class SerialEngine:
    """This process, one task at a time (benchmarks' baseline; ``--workers 0``)."""

    dashboard: str | None = None
    workers = 1
    #: the thread budget of a county task: None, this process keeps all its cores
    task_threads: int | None = None

    def __init__(self) -> None:
        from greenplan.core.parallel import thread_pool

        self._pool = thread_pool(1, "greenplan-region")

    def executor(self) -> cf.Executor:
        return self._pool

    def probe(self, paths: list[str], out_dir: str | None) -> dict[str, dict[str, Any]]:
        from greenplan.jobs.region.tasks import probe_paths

        return {"this process": probe_paths(paths, out_dir)}

    def wait_idle(self, timeout_s: float = 60.0) -> bool:
        """Nothing to wait for: the caller closes the pool (its running task ends first)."""
        return True

    def close(self, wait: bool = True) -> None:
        # a running task cannot be stopped mid-way: let it end, so nothing writes after the close
        self._pool.shutdown(wait=True, cancel_futures=True)


class DaskEngine:
    """A Dask client: of a new LocalCluster (``workers`` single-threaded processes, default one
    per core), or of the running scheduler at ``scheduler`` (``tcp://host:8786``).

    Raises
    ------
    EngineError
        Dask is not installed, or the scheduler cannot be reached or has no worker.
    """

    #: the thread budget of a task: a worker runs one task per Dask thread, one per core
    task_threads: int | None = 1

    def __init__(self, workers: int | None = None, scheduler: str | None = None, *, timeout_s: float = 20) -> None:
        distributed = require_dask()
        self.cluster = None
        self.scheduler = scheduler
        quiet = logging.ERROR
        for name in ("distributed", "distributed.nanny", "distributed.worker", "distributed.scheduler"):
            logging.getLogger(name).setLevel(quiet)
        if scheduler:
            try:
                self.client = distributed.Client(scheduler, timeout=f"{timeout_s}s", set_as_default=False)
                self.client.wait_for_workers(1, timeout=timeout_s)
            except (OSError, TimeoutError) as exc:
                raise EngineError(f"Cannot reach a Dask scheduler with workers at {scheduler} ({exc}).",
                                  f"无法连接到 Dask 调度器 {scheduler}，或它没有可用的工作进程（{exc}）。", key="--scheduler",
                                  hint_en="Start it with `dask scheduler` and `dask worker ADDRESS --nthreads 1` on each "
                                          "machine (docs/region.md), or leave out --scheduler to use this machine.",
                                  hint_zh="请先运行 `dask scheduler`，并在每台机器上运行 `dask worker 地址 --nthreads 1`"
                                          "（见 docs/region.md）；或去掉 --scheduler 使用本机。") from None
        else:
            from greenplan.core.parallel import cpu_count

            n = workers or cpu_count()
            if n < 1:
                raise SettingError(f"--workers must be at least 1, not {n}.", f"--workers 至少为 1，而不是 {n}。", key="--workers")
            # any free port (8787 may be another cluster's); a dashboard only with bokeh installed
            dashboard = ":0"
            self.cluster = distributed.LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                                                    dashboard_address=dashboard, silence_logs=quiet,
                                                    preload=["greenplan.jobs.region._worker_preload"])
            self.client = distributed.Client(self.cluster, set_as_default=False)
        self._executor = self.client.get_executor(pure=False, retries=RETRIES)

    def _info(self, n_workers: int) -> dict[str, Any]:
        try:  # newer Dask lists only the first few workers unless asked for all (-1)
            return self.client.scheduler_info(n_workers=n_workers)
        except TypeError:  # Dask before 2025
            return self.client.scheduler_info()

    @property
    def workers(self) -> int:
        return len(self._info(-1).get("workers", {}))

    @property
    def dashboard(self) -> str | None:
        """The dashboard's address, when the scheduler runs one."""
        try:
            services = self._info(0).get("services", {})
            if "dashboard" not in services or not self.client.run_on_scheduler(_has_bokeh):
                return None
            return self.client.dashboard_link
        except Exception:  # noqa: BLE001 - no dashboard to show
            return None

    def executor(self) -> cf.Executor:
        return self._executor

    def probe(self, paths: list[str], out_dir: str | None) -> dict[str, dict[str, Any]]:
        """:func:`~greenplan.jobs.region.tasks.probe_paths` on every worker: address -> answer."""
        from greenplan.jobs.region.tasks import probe_paths

        return self.client.run(probe_paths, paths, out_dir)

    def wait_idle(self, timeout_s: float = 60.0) -> bool:
        """Wait until no worker runs a task (after a cancel: a running task cannot be stopped
        and may still write its staging folder); False if ``timeout_s`` passed first."""
        import time

        end = time.monotonic() + timeout_s
        while time.monotonic() < end:
            try:
                if not any(self.client.processing().values()):
                    return True
            except Exception:  # noqa: BLE001 - the scheduler is gone: nothing runs any more
                return True
            time.sleep(0.2)
        return False

    def worker_pids(self) -> dict[str, int]:
        """Worker address -> process id (tests kill one)."""
        import os

        return self.client.run(os.getpid)

    def close(self, wait: bool = True) -> None:
        try:
            self.client.close()
        finally:
            if self.cluster is not None:
                self.cluster.close()


def open_engine(workers: int | None = None, scheduler: str | None = None) -> SerialEngine | DaskEngine:
    """``workers == 0``: this process; else Dask (:class:`DaskEngine`)."""
    if workers == 0 and not scheduler:
        return SerialEngine()
    return DaskEngine(workers, scheduler)


def check_workers(answers: dict[str, dict[str, Any]]) -> None:
    """Raise :class:`EngineError` naming the first worker and path it cannot read (or write)."""
    for addr, a in answers.items():
        who = f"{addr} ({a.get('host')}, pid {a.get('pid')})"
        if a.get("unreadable"):
            path, why = a["unreadable"][0]
            more = len(a["unreadable"]) - 1
            extra_en = f" and {more} more path(s)" if more else ""
            extra_zh = f"等 {more + 1} 个路径" if more else ""
            raise EngineError(f"Worker {who} cannot read {path}{extra_en} ({why}); nothing was run.",
                              f"工作进程 {who} 无法读取 {path}{extra_zh}（{why}），未运行任何任务。", path=path,
                              hint_en="Put the projects on a drive every worker can read, by the same path (UNC paths "
                                      "\\\\server\\share\\... on Windows); see docs/region.md.",
                              hint_zh="请把各县项目放在所有工作机都能以同一路径访问的共享盘上（Windows 用 \\\\服务器\\共享\\... "
                                      "形式的 UNC 路径），见 docs/region.md。")
        if a.get("unwritable"):
            raise EngineError(f"Worker {who} cannot write into the output folder ({a['unwritable']}); nothing was run.",
                              f"工作进程 {who} 无法写入输出文件夹（{a['unwritable']}），未运行任何任务。", key="--out",
                              hint_en="Choose an output folder on a drive every worker can write to.",
                              hint_zh="请选择所有工作机都能写入的共享输出文件夹。")
