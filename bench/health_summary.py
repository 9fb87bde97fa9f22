"""`make bench`, second part: the officials' child-health summary (/health/summary/, issue 14) for a whole
city on PostgreSQL.

City scale is the register's `seed_demo --scale city` (3,000 institutions in 12 counties × 15 towns, the
classes filled to their synthetic `enrolled`), with one synthetic child per enrolled place: an active
enrolment, a health record (90 % with the entry check, 92 % with the vaccination check, 5 % of those with
doses missing), two growth measurements for 85 % of them (2 % of the latest flagged, spread over the five
kinds), morning checks on the last ten days' working days and an open alert at 1 % of the institutions.
Seeded in SQL (`INSERT … SELECT` over the classes) in a few seconds; the numbers are what the summary reads,
not a story.

Measured in-process with Django's test client signed in as a child-health officer (production settings, no
HTTP): the selector alone, the page, the Excel and the API, for the whole city (every institution a row)
and for one synthetic county; SQL queries (must not depend on the rows), median time and SQL time.

Its own database, `tuoyu_bench_city` (BENCH_CITY_DATABASE_URL), never DATABASE_URL. See docs/performance.md.
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
DEFAULT_DB_URL = "postgres://postgres@127.0.0.1:5432/tuoyu_bench_city"


# --- inside Django (run as a child process with the bench's environment) -----------------------------------


def _setup() -> None:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


SEED_SQL = """
CREATE TEMP TABLE bench_kids ON COMMIT DROP AS
SELECT nextval(pg_get_serial_sequence('bookings_child', 'id')) AS child_id,
       cg.id AS class_id, cg.institution_id, cg.age_group, g
FROM institutions_classgroup cg
JOIN institutions_institution i ON i.id = cg.institution_id
JOIN regions_unit u ON u.id = i.unit_id
CROSS JOIN LATERAL generate_series(1, cg.enrolled) AS g
WHERE u.path LIKE %(prefix)s AND i.status IN ('filed', 'suspended');

INSERT INTO bookings_child (id, family_id, name, sex, birth_date, id_number, id_number_index,
                            is_second_or_later, created_at)
SELECT child_id, NULL, '示例·' || child_id, CASE WHEN child_id %% 2 = 0 THEN 'M' ELSE 'F' END,
       %(today)s::date - (CASE age_group WHEN 'infant' THEN 270 WHEN 'toddler' THEN 540 ELSE 900 END
                          + (child_id %% 90)::int),
       '', '', false, now()
FROM bench_kids;

INSERT INTO bookings_enrolment (child_id, institution_id, class_group_id, service_type, start_date,
                                end_date, status, application_id, recorded_by_id, created_at)
SELECT child_id, institution_id, class_id, 'full_day', %(today)s::date - 60, NULL, 'active', NULL,
       %(by)s, now()
FROM bench_kids;

INSERT INTO health_healthrecord (child_id, institution_id, opened_at, entry_check_on,
    entry_check_hospital, entry_check_result, entry_check_note, entry_check_report,
    vaccination_checked_on, vaccination_status, missing_doses, allergies, special_needs, family_doctor,
    updated_at)
SELECT child_id, institution_id, now() - interval '60 days',
       CASE WHEN child_id %% 10 <> 0 THEN %(today)s::date - 65 END,
       CASE WHEN child_id %% 10 <> 0 THEN '示例医院' ELSE '' END,
       CASE WHEN child_id %% 10 <> 0 THEN 'normal' ELSE '' END, '', '',
       CASE WHEN child_id %% 25 NOT IN (1, 2) THEN %(today)s::date - 60 END,
       CASE WHEN child_id %% 25 IN (1, 2) THEN '' WHEN child_id %% 20 = 3 THEN 'missing' ELSE 'complete' END,
       '', '', '', NULL, now()
FROM bench_kids;

INSERT INTO health_measurement (record_id, measured_on, age_days, weight_kg, length_cm, lying, head_cm,
                                waz, laz, wlz, baz, hcz, flags, by_id, created_at)
SELECT r.id, %(today)s::date - d, 500, 11.00, 82.0, true, NULL, 0, 0, 0, 0, NULL,
       CASE WHEN d = 10 AND r.child_id %% 50 < 5
            THEN jsonb_build_array((ARRAY['underweight', 'stunted', 'wasted', 'overweight', 'obese'])
                                   [(r.child_id %% 50)::int + 1])
            ELSE '[]'::jsonb END,
       %(by)s, now()
FROM health_healthrecord r
JOIN bench_kids k ON k.child_id = r.child_id
CROSS JOIN (VALUES (60), (10)) AS days(d)
WHERE r.child_id %% 20 NOT IN (5, 6, 7);

INSERT INTO health_dailycheck (institution_id, class_group_id, child_id, day, session, attendance,
                               absence_reason, symptoms, temperature, note, by_id, at)
SELECT k.institution_id, k.class_id, k.child_id, day::date, 'morning',
       CASE WHEN k.child_id %% 30 = 0 THEN 'absent' ELSE 'present' END,
       CASE WHEN k.child_id %% 30 = 0 THEN 'personal' ELSE '' END, '[]'::jsonb, 36.6, '', %(by)s, now()
FROM bench_kids k
CROSS JOIN generate_series(%(today)s::date - 9, %(today)s::date, interval '1 day') AS day
WHERE extract(isodow FROM day) < 6;

INSERT INTO health_outbreakalert (institution_id, class_group_id, symptom, rule_id, first_day, last_day,
                                  cases, status, raised_at)
SELECT DISTINCT ON (k.institution_id) k.institution_id, k.class_id, 'fever',
       (SELECT id FROM health_outbreakrule ORDER BY days, min_cases LIMIT 1),
       %(today)s::date, %(today)s::date, 3, 'open', now()
FROM bench_kids k
WHERE k.institution_id %% 100 = 0
ORDER BY k.institution_id, k.class_id;
"""


def inside_seed(prefix: str) -> dict:
    """Seed the health rows once (skipped when the synthetic children exist); counts and seconds."""
    _setup()
    from django.db import connection, transaction

    from tuoyu.accounts.models import User
    from tuoyu.core.workdays import beijing_today
    from tuoyu.health.models import DailyCheck, HealthRecord, Measurement, OutbreakAlert

    started = time.perf_counter()
    seeded_now = False
    if not HealthRecord.objects.filter(institution__unit__path__startswith=prefix).exists():
        by, _ = User.objects.get_or_create(
            username="bench-health", defaults={"role": "inst_health", "display_name": "示例·基准"}
        )
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(SEED_SQL, {"prefix": f"{prefix}%", "today": beijing_today(), "by": by.pk})
        seeded_now = True
    return {
        "seed_s": time.perf_counter() - started,
        "seeded_now": seeded_now,
        "records": HealthRecord.objects.count(),
        "measurements": Measurement.objects.count(),
        "checks": DailyCheck.objects.count(),
        "alerts": OutbreakAlert.objects.count(),
    }


def _measure(action, repeat: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(2):  # warm-up: imports, templates, the first connection
        action()
    totals, sqls, queries, sizes = [], [], [], []
    cpu_started = time.process_time()
    for _ in range(repeat):
        timer = SqlTimer()
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as ctx, connection.execute_wrapper(timer):
            size = action()
        totals.append((time.perf_counter() - started) * 1000)
        sqls.append(timer.seconds * 1000)
        queries.append(len(ctx.captured_queries))
        sizes.append(size)
    return {
        "queries_min": min(queries),
        "queries_max": max(queries),
        "median_ms": statistics.median(totals),
        "max_ms": max(totals),
        "median_sql_ms": statistics.median(sqls),
        "mean_cpu_ms": (time.process_time() - cpu_started) * 1000 / repeat,
        "size": sizes[-1],
    }


def inside_measure(prefix: str, repeat: int) -> dict:
    _setup()
    from tuoyu.accounts.models import User
    from tuoyu.core.testing import StaffVerifiedClient
    from tuoyu.core.workdays import beijing_today
    from tuoyu.health.selectors.summary import summary
    from tuoyu.regions.models import Unit

    officer, _ = User.objects.get_or_create(
        username="bench-childhealth", defaults={"role": "hc_child_health", "display_name": "示例·基准"}
    )
    client = StaffVerifiedClient()
    client.force_login(officer)
    # A 区县 of the synthetic city (the synthetic tree calls its counties "district").
    county = (
        Unit.objects.filter(path__startswith=prefix, level__in=("county", "district"))
        .order_by("code")
        .first()
    )
    town = Unit.objects.filter(path__startswith=prefix, level="town").order_by("code").first()
    today = beijing_today()

    def get(path: str) -> int:
        response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}")
        return len(response.content)

    found = summary(None, on=today)
    report = {
        "institutions": len(found.institutions),
        "enrolled": found.total.enrolled,
        "complete": found.total.complete,
        "rate": str(found.total.rate),
        "county": county.name if county else None,
        "town": town.name if town else None,
    }
    variants = {
        "selector, whole city": lambda: len(summary(None, on=today).institutions),
        "selector, one county": lambda: len(summary(county, on=today).institutions),
        "page /health/summary/": lambda: get("/health/summary/"),
        "page, one town": lambda: get(f"/health/summary/?unit={town.pk}"),
        "Excel": lambda: get("/health/summary/export.xlsx"),
        "API": lambda: get("/api/v1/health/summary/"),
    }
    report["variants"] = {label: _measure(action, repeat) for label, action in variants.items()}
    return report


# --- outside: the database, then the two child steps ------------------------------------------------------


def child(env: dict[str, str], *args: str) -> dict:
    child_env = {**env, "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver"}  # Django's test client host
    done = subprocess.run(
        [PYTHON, str(Path(__file__).resolve()), "--inside", *args],
        cwd=ROOT,
        env=child_env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        sys.stderr.write(done.stdout[-2000:] + done.stderr[-6000:])
        raise SystemExit(f"bench/health_summary.py --inside {' '.join(args)} failed")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--fresh", action="store_true", help="drop and recreate the bench database first")
    parser.add_argument("--repeat", type=int, default=10, help="measured requests per variant")
    parser.add_argument(
        "--no-collectstatic", action="store_true", help="skip collectstatic (already run by bench/run.py)"
    )
    parser.add_argument("--inside", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    prefix = "/SYN/"
    if args.inside:
        step = args.inside[0]
        result = inside_seed(prefix) if step == "seed" else inside_measure(prefix, int(args.inside[1]))
        print(json.dumps(result))
        return 0

    db_url = os.environ.get("BENCH_CITY_DATABASE_URL", DEFAULT_DB_URL)
    env = bench_env(db_url)
    log(f"Health summary bench database: {db_url}; {os.cpu_count()} CPU cores")
    ensure_database(db_url, fresh=args.fresh)
    manage(env, "migrate", "--no-input", "-v0")
    started = time.perf_counter()
    output = manage(env, "seed_demo", "--scale", "city")
    log(f"  {output.strip()}  [{time.perf_counter() - started:.1f} s]")
    manage(env, "load_health_rules")
    seeded = child(env, "seed")
    log(
        f"  Health rows {'seeded' if seeded['seeded_now'] else 'already there'} [{seeded['seed_s']:.1f} s]:"
        f" {seeded['records']} records, {seeded['measurements']} measurements,"
        f" {seeded['checks']} morning checks, {seeded['alerts']} alerts"
    )
    with psycopg.connect(conninfo(db_url), autocommit=True) as conn:
        started = time.perf_counter()
        conn.execute("VACUUM (ANALYZE)")
        log(f"  VACUUM ANALYZE [{time.perf_counter() - started:.1f} s]")
    if not args.no_collectstatic:
        manage(env, "collectstatic", "--no-input", "-v0")

    report = child(env, "measure", str(args.repeat))
    log(
        f"\nDistrict summary at city scale: {report['institutions']} institutions, {report['enrolled']}"
        f" enrolled children, {report['complete']} complete records (rate {report['rate']} %);"
        f" one county: {report['county']}; one town: {report['town']}. In-process, {args.repeat} requests per variant:"
    )
    log(
        f"  {'variant':<24} {'queries':>7} {'median ms':>10} {'max ms':>8} {'SQL ms':>8} {'CPU ms':>8} {'bytes':>10}"
    )
    for label, f in report["variants"].items():
        queries = str(f["queries_min"])
        if f["queries_max"] != f["queries_min"]:
            queries = f"{f['queries_min']}-{f['queries_max']}"
        size = f["size"] if "selector" not in label else f"{f['size']} rows"
        log(
            f"  {label:<24} {queries:>7} {f['median_ms']:>10.1f} {f['max_ms']:>8.1f}"
            f" {f['median_sql_ms']:>8.1f} {f['mean_cpu_ms']:>8.1f} {size!s:>10}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
