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


def measure(client: Client, paths: list[str]) -> dict:
    query_counts = []
    sql_ms = []
    total_ms = []
    results = []
    last_sql: list[str] = []
    for path in paths:
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(path)
        total_ms.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}: {response.content[:300]!r}")
        results.append(len(response.json()["results"]))
        query_counts.append(len(ctx.captured_queries))
        # Django records each query's wall time as a string of seconds.
        sql_ms.append(sum(float(q["time"]) for q in ctx.captured_queries) * 1000)
        last_sql = [q["sql"] for q in ctx.captured_queries]
    return {
        "requests": len(paths),
        "queries_min": min(query_counts),
        "queries_max": max(query_counts),
        "median_total_ms": statistics.median(total_ms),
        "median_sql_ms": statistics.median(sql_ms),
        "median_results": statistics.median(results),
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
    json.dump(report, sys.stdout)


if __name__ == "__main__":
    main()
