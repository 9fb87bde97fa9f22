"""In-process companion of bench/run.py: SQL queries and time per search, without HTTP in the way.

Reads {"variants": {label: [path, ...]}} as JSON on stdin and prints a JSON report on stdout. Run by
run.py with the bench database's environment; it only reads.
"""

import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402


class SqlTimer:
    """Wall time spent in cursor.execute, at microsecond resolution (Django's own log keeps 1 ms)."""

    def __init__(self) -> None:
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started


def measure(client: Client, paths: list[str]) -> dict:
    query_counts = []
    sql_ms = []
    total_ms = []
    results = []
    matches = []
    last_sql: list[str] = []
    cpu_started = time.process_time()
    for path in paths:
        timer = SqlTimer()
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as ctx, connection.execute_wrapper(timer):
            response = client.get(path)
        total_ms.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}: {response.content[:300]!r}")
        page = response.json()
        results.append(len(page["results"]))
        matches.append(page["count"])  # institutions within the radius: what is scored in Python
        query_counts.append(len(ctx.captured_queries))
        sql_ms.append(timer.seconds * 1000)
        last_sql = [q["sql"] for q in ctx.captured_queries]
    # CPU of this Python process alone (PostgreSQL's share is not in it): what bounds a worker's rate.
    cpu_ms = (time.process_time() - cpu_started) * 1000 / len(paths)
    return {
        "requests": len(paths),
        "mean_cpu_ms": cpu_ms,
        "queries_min": min(query_counts),
        "queries_max": max(query_counts),
        "median_total_ms": statistics.median(total_ms),
        "median_sql_ms": statistics.median(sql_ms),
        "median_results": statistics.median(results),
        "median_matches": statistics.median(matches),
        "max_matches": max(matches),
        "sql": last_sql,
    }


def main() -> None:
    spec = json.load(sys.stdin)
    client = Client()
    report = {}
    for label, paths in spec["variants"].items():
        # The first requests pay for imports, URL resolver and connection set-up: not what we measure.
        for path in paths[:10]:
            client.get(path)
        report[label] = measure(client, paths[10:])
    # The baseline's cost on the same footing: the full middleware stack, no database.
    for _ in range(100):
        client.get("/healthz")
    started = time.process_time()
    for _ in range(2000):
        client.get("/healthz")
    report["healthz"] = {"mean_cpu_ms": (time.process_time() - started) * 1000 / 2000}
    json.dump(report, sys.stdout)


if __name__ == "__main__":
    main()
