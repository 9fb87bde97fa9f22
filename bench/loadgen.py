"""A small closed-loop HTTP load generator: N threads, each with its own keep-alive connection.

Closed loop (each thread sends its next request only when the previous answer has arrived) so the
offered load adapts to the server and the latency we record is what a client actually waits. Every run
is bounded by both a request count and a wall-clock limit, so a slow or stuck server cannot make the
bench run away.
"""

import http.client
import itertools
import os
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field


@dataclass
class LoadResult:
    label: str
    concurrency: int
    elapsed_s: float
    latencies_ms: list[float]
    statuses: Counter = field(default_factory=Counter)
    errors: Counter = field(default_factory=Counter)
    # Filled by the body checker, e.g. the number of results per search page.
    items: list[int] = field(default_factory=list)
    # Shares of the machine's CPU time during the run (0-1): all of it, and what processes other than
    # this bench, its server and its database sessions used, i.e. how much the run was disturbed.
    cpu_busy: float = float("nan")
    cpu_other: float = float("nan")

    @property
    def ok(self) -> int:
        return self.statuses.get(200, 0)

    @property
    def rps(self) -> float:
        return self.ok / self.elapsed_s if self.elapsed_s else 0.0

    def percentile(self, p: float) -> float:
        """Nearest-rank percentile: a value that was actually observed, no interpolation."""
        if not self.latencies_ms:
            return float("nan")
        ordered = sorted(self.latencies_ms)
        rank = max(1, min(len(ordered), round(p / 100 * len(ordered) + 0.5)))
        return ordered[rank - 1]


def cpu_times() -> tuple[int, int]:
    """(busy, total) clock ticks of all CPUs from /proc/stat; (0, 0) where there is no /proc."""
    try:
        with open("/proc/stat") as stat:
            fields = [int(v) for v in stat.readline().split()[1:]]
    except OSError:
        return 0, 0
    idle = fields[3] + fields[4]  # idle + iowait
    total = sum(fields[:8])  # guest time is already counted in user
    return total - idle, total


def cpu_busy_between(before: tuple[int, int], after: tuple[int, int]) -> float:
    total = after[1] - before[1]
    return (after[0] - before[0]) / total if total else float("nan")


def process_ticks(pids: Iterable[int]) -> int:
    """User + system clock ticks used so far by these processes (all their threads)."""
    ticks = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as stat:
                # The command name may contain spaces: the fields we want come after its ')'.
                fields = stat.read().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # ended meanwhile
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks


@dataclass
class CpuSnapshot:
    busy: int
    total: int
    ours: int

    @classmethod
    def take(cls, own_pids: Callable[[], Iterable[int]] | None) -> "CpuSnapshot":
        busy, total = cpu_times()
        ours = process_ticks([os.getpid(), *(own_pids() if own_pids else [])])
        return cls(busy, total, ours)


def run_load(
    *,
    label: str,
    host: str,
    port: int,
    paths: Sequence[str],
    concurrency: int,
    max_requests: int,
    max_seconds: float,
    count_items: Callable[[bytes], int] | None = None,
    own_pids: Callable[[], Iterable[int]] | None = None,
) -> LoadResult:
    counter = itertools.count()
    counter_lock = threading.Lock()
    deadline = time.perf_counter() + max_seconds
    # One list per thread, merged at the end: no lock on the hot path.
    per_thread: list[tuple[list[float], Counter, Counter, list[int]]] = []
    start_barrier = threading.Barrier(concurrency + 1)

    def worker() -> None:
        latencies: list[float] = []
        statuses: Counter = Counter()
        errors: Counter = Counter()
        items: list[int] = []
        per_thread.append((latencies, statuses, errors, items))
        conn = http.client.HTTPConnection(host, port, timeout=30)
        start_barrier.wait()
        while True:
            with counter_lock:
                index = next(counter)
            if index >= max_requests or time.perf_counter() >= deadline:
                break
            path = paths[index % len(paths)]
            started = time.perf_counter()
            try:
                conn.request("GET", path, headers={"Accept": "application/json"})
                response = conn.getresponse()
                body = response.read()
            except (OSError, http.client.HTTPException) as exc:
                errors[type(exc).__name__] += 1
                conn.close()  # http.client reopens it on the next request
                continue
            latencies.append((time.perf_counter() - started) * 1000)
            statuses[response.status] += 1
            if count_items is not None and response.status == 200:
                items.append(count_items(body))
        conn.close()

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    start_barrier.wait()
    started = time.perf_counter()
    cpu_before = CpuSnapshot.take(own_pids)
    for thread in threads:
        thread.join(timeout=max_seconds + 60)
    elapsed = time.perf_counter() - started
    cpu_after = CpuSnapshot.take(own_pids)
    total = cpu_after.total - cpu_before.total
    busy = cpu_after.busy - cpu_before.busy
    other = busy - (cpu_after.ours - cpu_before.ours)

    result = LoadResult(
        label=label,
        concurrency=concurrency,
        elapsed_s=elapsed,
        latencies_ms=[],
        cpu_busy=busy / total if total else float("nan"),
        cpu_other=max(other, 0) / total if total else float("nan"),
    )
    for latencies, statuses, errors, items in per_thread:
        result.latencies_ms.extend(latencies)
        result.statuses.update(statuses)
        result.errors.update(errors)
        result.items.extend(items)
    return result
