"""`make bench`, third part: computing and proposing a subsidy period (issue 15) for every institution of a
city, and of the national tree, on PostgreSQL.

City scale is the register's `seed_demo --scale city` (3,000 institutions in 12 counties × 15 towns);
national scale the national tree of `bench/run.py` (`seed_demo --scale national`, 100,000 institutions),
measured only with `--national` (it seeds 2 million children). Each enrolled place of the synthetic
classes gets a synthetic child whose enrolment starts within the bench's half year or before it (a fifth
of them ending within it); every institution is filed before the half year; one in twenty belongs to an
investor with two others (the chain rule), one in a hundred holds a Chongqing demonstration title of the
year. Seeded in SQL (`INSERT … SELECT`) once; the numbers are what the rules read, not a story.

Measured in-process (production settings): `selectors.compute.compute_period` for the half year
2025-01-01–06-30 (three entitlements per institution, their lines), and `services.periods.period_propose`
(the same, saved with bulk_create, an event each, notices), inside a transaction rolled back so it can be
repeated. SQL queries (fixed per batch of 500 institutions, never per child), median time and SQL time.

Its own databases, `tuoyu_bench_city` (BENCH_CITY_DATABASE_URL) and `tuoyu_bench` (BENCH_DATABASE_URL),
never DATABASE_URL. See docs/performance.md.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import ROOT, SqlTimer, bench_env, conninfo, ensure_database, log, manage  # noqa: E402

PYTHON = sys.executable
CITY_DB_URL = "postgres://postgres@127.0.0.1:5432/tuoyu_bench_city"
NATIONAL_DB_URL = "postgres://postgres@127.0.0.1:5432/tuoyu_bench"
PERIOD = ("2025-01-01", "2025-06-30")
AIM_CITY_S = 5.0


def _setup() -> None:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


SEED_SQL = """
UPDATE institutions_institution i SET filed_on = DATE '2024-06-01'
FROM regions_unit u
WHERE u.id = i.unit_id AND u.path LIKE %(prefix)s AND i.status IN ('filed', 'suspended');

CREATE TEMP TABLE bench_subsidy_kids ON COMMIT DROP AS
SELECT nextval(pg_get_serial_sequence('bookings_child', 'id')) AS child_id,
       cg.id AS class_id, cg.institution_id, cg.age_group, g
FROM institutions_classgroup cg
JOIN institutions_institution i ON i.id = cg.institution_id
JOIN regions_unit u ON u.id = i.unit_id
CROSS JOIN LATERAL generate_series(1, cg.enrolled) AS g
WHERE u.path LIKE %(prefix)s AND i.status IN ('filed', 'suspended');

INSERT INTO bookings_child (id, family_id, name, sex, birth_date, id_number, id_number_index,
                            is_second_or_later, created_at)
SELECT child_id, NULL, '补贴·' || child_id, CASE WHEN child_id %% 2 = 0 THEN 'M' ELSE 'F' END,
       DATE '2024-06-01', '', '', false, now()
FROM bench_subsidy_kids;

INSERT INTO bookings_enrolment (child_id, institution_id, class_group_id, service_type, start_date,
                                end_date, status, application_id, recorded_by_id, created_at)
SELECT child_id, institution_id, class_id, 'full_day',
       DATE '2024-12-01' + (child_id %% 150)::int,
       CASE WHEN child_id %% 5 = 0 THEN DATE '2024-12-01' + (child_id %% 150)::int + 60 END,
       CASE WHEN child_id %% 5 = 0 THEN 'ended' ELSE 'active' END, NULL, %(by)s, now()
FROM bench_subsidy_kids;

INSERT INTO subsidies_subsidyprofile (institution_id, investor_name, investor_uscc, state_premises,
                                      rent_free_from, premises_note, updated_by_id, updated_at)
SELECT i.id, '基准投资方' || (i.id / 60), '91500000BENCH' || lpad((i.id / 60)::text, 5, '0'), false, NULL, '',
       NULL, now()
FROM institutions_institution i
JOIN regions_unit u ON u.id = i.unit_id
WHERE u.path LIKE %(prefix)s AND i.id %% 60 < 3
ON CONFLICT DO NOTHING;

INSERT INTO grading_demonstrationunit (institution_id, year, level, title, document_number, recorded_by_id,
                                       recorded_at)
SELECT i.id, 2025, 'municipal', '重庆市托育服务示范单位', '', %(by)s, now()
FROM institutions_institution i
JOIN regions_unit u ON u.id = i.unit_id
WHERE u.path LIKE %(prefix)s AND i.id %% 100 = 7 AND i.status = 'filed'
ON CONFLICT DO NOTHING;
"""


def inside_seed(prefix: str) -> dict:
    """Seed the subsidies' rows once (skipped when the synthetic children exist); counts and seconds."""
    _setup()
    from django.db import connection, transaction

    from tuoyu.accounts.models import User
    from tuoyu.bookings.models import Child, Enrolment
    from tuoyu.subsidies.models import Period

    started = time.perf_counter()
    seeded_now = False
    if not Child.objects.filter(name__startswith="补贴·").exists():
        by, _ = User.objects.get_or_create(
            username="bench-subsidies", defaults={"role": "hc_admin", "display_name": "示例·基准"}
        )
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(SEED_SQL, {"prefix": f"{prefix}%", "by": by.pk})
        seeded_now = True
    by = User.objects.get(username="bench-subsidies")
    Period.objects.get_or_create(
        start=PERIOD[0], end=PERIOD[1], defaults={"name": "基准·2025年上半年", "created_by": by}
    )
    return {
        "seed_s": time.perf_counter() - started,
        "seeded_now": seeded_now,
        "enrolments": Enrolment.objects.filter(child__name__startswith="补贴·").count(),
    }


def _measure(action, repeat: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    totals, sqls, queries, sizes = [], [], [], []
    for _ in range(repeat):
        timer = SqlTimer()
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as ctx, connection.execute_wrapper(timer):
            size = action()
        totals.append(time.perf_counter() - started)
        sqls.append(timer.seconds)
        queries.append(len(ctx.captured_queries))
        sizes.append(size)
    return {
        "queries_min": min(queries),
        "queries_max": max(queries),
        "median_s": statistics.median(totals),
        "max_s": max(totals),
        "median_sql_s": statistics.median(sqls),
        "size": sizes[-1],
    }


class Rollback(Exception):
    pass


def inside_measure(repeat: int) -> dict:
    _setup()
    from django.db import transaction

    from tuoyu.accounts.models import User
    from tuoyu.subsidies.models import Entitlement, EntitlementLine, Period
    from tuoyu.subsidies.selectors.compute import (
        BATCH_SIZE,
        QUERIES_PER_BATCH,
        compute_period,
        period_institutions,
    )
    from tuoyu.subsidies.services.periods import period_propose

    period = Period.objects.get(start=PERIOD[0], end=PERIOD[1])
    by = User.objects.get(username="bench-subsidies")
    institutions = period_institutions(period).count()

    def compute() -> int:
        results = compute_period(period)
        return sum(len(r.lines) for r in results)

    def propose() -> int:
        lines = 0
        try:
            with transaction.atomic():
                period_propose(period=period, by=by)
                lines = EntitlementLine.objects.filter(entitlement__period=period).count()
                raise Rollback
        except Rollback:
            pass
        assert not Entitlement.objects.filter(period=period).exists()
        return lines

    compute()  # warm-up: imports, the first connection
    return {
        "institutions": institutions,
        "batches": -(-institutions // BATCH_SIZE),
        "queries_per_batch": QUERIES_PER_BATCH,
        "compute": _measure(compute, repeat),
        "propose": _measure(propose, max(1, repeat // 2)),
    }


def child(env: dict[str, str], *args: str) -> dict:
    done = subprocess.run(
        [PYTHON, str(Path(__file__).resolve()), "--inside", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        sys.stderr.write(done.stdout[-2000:] + done.stderr[-6000:])
        raise SystemExit(f"bench/subsidies.py --inside {' '.join(args)} failed")
    return json.loads(done.stdout.strip().splitlines()[-1])


def bench_scale(label: str, scale: str, db_url: str, *, fresh: bool, repeat: int) -> None:
    env = bench_env(db_url)
    log(f"Subsidies bench, {label}: database {db_url}; {os.cpu_count()} CPU cores")
    ensure_database(db_url, fresh=fresh)
    manage(env, "migrate", "--no-input", "-v0")
    started = time.perf_counter()
    output = manage(env, "seed_demo", "--scale", scale)
    log(f"  {output.strip()}  [{time.perf_counter() - started:.1f} s]")
    manage(env, "load_subsidy_rules")
    seeded = child(env, "seed")
    log(
        f"  Subsidy rows {'seeded' if seeded['seeded_now'] else 'already there'} [{seeded['seed_s']:.1f} s]:"
        f" {seeded['enrolments']} synthetic enrolments"
    )
    with psycopg.connect(conninfo(db_url), autocommit=True) as conn:
        conn.execute("VACUUM (ANALYZE)")
    report = child(env, "measure", str(repeat))
    log(
        f"\n{label}: {report['institutions']} institutions considered, {report['batches']} batches of 500"
        f" ({report['queries_per_batch']} queries each). In-process:"
    )
    log(f"  {'step':<16} {'queries':>9} {'median s':>9} {'max s':>7} {'SQL s':>7} {'lines':>9}")
    for step in ("compute", "propose"):
        f = report[step]
        queries = str(f["queries_min"])
        if f["queries_max"] != f["queries_min"]:
            queries = f"{f['queries_min']}-{f['queries_max']}"
        log(
            f"  {step:<16} {queries:>9} {f['median_s']:>9.2f} {f['max_s']:>7.2f} {f['median_sql_s']:>7.2f}"
            f" {f['size']:>9}"
        )
    if scale == "city" and report["compute"]["median_s"] > AIM_CITY_S:
        log(f"  above the aim of {AIM_CITY_S} s at city scale")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--fresh", action="store_true", help="drop and recreate the bench databases first")
    parser.add_argument("--repeat", type=int, default=3, help="measured runs of compute_period")
    parser.add_argument(
        "--national", action="store_true", help="also the national tree (100,000 institutions)"
    )
    parser.add_argument("--inside", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inside:
        step = args.inside[0]
        result = inside_seed("/SYN/") if step == "seed" else inside_measure(int(args.inside[1]))
        print(json.dumps(result))
        return 0
    city = os.environ.get("BENCH_CITY_DATABASE_URL", CITY_DB_URL)
    bench_scale("City scale", "city", city, fresh=args.fresh, repeat=args.repeat)
    if args.national:
        national = os.environ.get("BENCH_DATABASE_URL", NATIONAL_DB_URL)
        bench_scale("National scale", "national", national, fresh=args.fresh, repeat=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
