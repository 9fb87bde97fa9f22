"""Deadlines count working days on the official Chinese calendar, and never fail for a year it lacks.

The 2025 and 2026 expectations come from chinesecalendar's own data (checked against the State
Council's notices); nothing for those years is stubbed. Expected dates are worked out by hand in the
comments, day by day, so a wrong answer cannot agree with itself.
"""

import logging
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tuoyu.core import workdays
from tuoyu.core.models import CalendarDay
from tuoyu.core.workdays import DeadlineStatus, add_workdays, deadline_status, is_workday, workdays_between

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_warnings(monkeypatch):
    """Each test sees the once-per-year warning afresh, whichever test warned first in this process."""
    monkeypatch.setattr(workdays, "_warned_years", set())


@pytest.fixture
def spring_festival_2027(db):
    """2027's Spring Festival as an administrator would enter it.

    TEST DATA, invented: the State Council had not published 2027's holidays when this was written.
    Rest Sat 6 Feb (Spring Festival is Sat 6 Feb 2027) to Sun 14 Feb; adjusted working days on
    Sat 30 Jan and Sat 20 Feb.
    """
    rows = [CalendarDay(date=date(2027, 2, d), is_workday=False, name="春节") for d in range(6, 15)]
    rows += [
        CalendarDay(date=date(2027, 1, 30), is_workday=True, name="春节调休上班"),
        CalendarDay(date=date(2027, 2, 20), is_workday=True, name="春节调休上班"),
    ]
    return CalendarDay.objects.bulk_create(rows)


def fallback_warnings(caplog):
    return [r for r in caplog.records if r.name == "tuoyu.workdays" and r.levelno == logging.WARNING]


# Spring Festival 2025: rest Tue 28 Jan to Tue 4 Feb; adjusted working days Sun 26 Jan and Sat 8 Feb.


def test_the_package_holds_the_real_spring_festival_2025_the_tests_rely_on():
    assert not chinese_calendar.is_workday(date(2025, 1, 28))
    assert not chinese_calendar.is_workday(date(2025, 2, 4))
    assert chinese_calendar.is_workday(date(2025, 1, 26))
    assert chinese_calendar.is_workday(date(2025, 2, 8))


def test_spring_festival_2025_closes_weekdays_and_opens_the_adjusted_weekend_days():
    assert is_workday(date(2025, 1, 24))  # Friday, the last normal day before the break
    assert not is_workday(date(2025, 1, 25))  # Saturday
    assert is_workday(date(2025, 1, 26))  # Sunday worked in exchange
    assert not is_workday(date(2025, 1, 28))  # Tuesday, first day of the holiday
    assert not is_workday(date(2025, 2, 3))  # Monday inside the holiday
    assert not is_workday(date(2025, 2, 4))  # Tuesday, last day of the holiday
    assert is_workday(date(2025, 2, 5))  # Wednesday, back at work
    assert is_workday(date(2025, 2, 8))  # Saturday worked in exchange
    assert not is_workday(date(2025, 2, 9))  # an ordinary Sunday


def test_five_working_days_from_the_eve_of_spring_festival_skip_the_holiday():
    # Fri 24 Jan: Sat 25 no, Sun 26 adjusted (1), Mon 27 (2), Tue 28 .. Tue 4 Feb holiday,
    # Wed 5 (3), Thu 6 (4), Fri 7 (5). Monday to Friday alone would have said Fri 31 Jan.
    assert add_workdays(date(2025, 1, 24), 5) == date(2025, 2, 7)


def test_the_sixth_working_day_after_the_eve_of_spring_festival_is_the_adjusted_saturday():
    # ... Fri 7 Feb (5), Sat 8 Feb adjusted (6).
    assert add_workdays(date(2025, 1, 24), 6) == date(2025, 2, 8)
    # ... Sun 9 no, Mon 10 (7).
    assert add_workdays(date(2025, 1, 24), 7) == date(2025, 2, 10)


def test_two_working_days_from_the_last_day_before_the_break_land_after_it():
    # Mon 27 Jan: Tue 28 .. Tue 4 Feb holiday, Wed 5 (1), Thu 6 (2).
    assert add_workdays(date(2025, 1, 27), 2) == date(2025, 2, 6)


def test_counting_across_spring_festival_2025_agrees_with_adding():
    assert workdays_between(date(2025, 1, 24), date(2025, 2, 7)) == 5
    # Inside the holiday there is nothing to count: Tue 28 Jan (excluded) to Tue 4 Feb.
    assert workdays_between(date(2025, 1, 28), date(2025, 2, 4)) == 0


# National Day 2025: rest Wed 1 to Wed 8 Oct; adjusted working days Sun 28 Sep and Sat 11 Oct.


def test_five_working_days_from_the_friday_before_national_day_skip_the_golden_week():
    # Fri 26 Sep: Sat 27 no, Sun 28 adjusted (1), Mon 29 (2), Tue 30 (3), Wed 1 .. Wed 8 Oct holiday,
    # Thu 9 (4), Fri 10 (5).
    assert add_workdays(date(2025, 9, 26), 5) == date(2025, 10, 10)
    # ... Sat 11 adjusted (6), Sun 12 no, Mon 13 (7).
    assert add_workdays(date(2025, 9, 26), 6) == date(2025, 10, 11)
    assert add_workdays(date(2025, 9, 26), 7) == date(2025, 10, 13)


def test_one_working_day_after_the_last_day_of_september_is_the_day_after_the_golden_week():
    assert add_workdays(date(2025, 9, 30), 1) == date(2025, 10, 9)


def test_a_deadline_of_zero_working_days_is_the_start_itself_even_on_a_holiday():
    assert add_workdays(date(2025, 10, 3), 0) == date(2025, 10, 3)


def test_a_negative_number_of_working_days_is_refused():
    with pytest.raises(ValueError):
        add_workdays(date(2025, 10, 3), -1)


def test_a_datetime_is_refused_because_its_calendar_day_depends_on_a_timezone():
    with pytest.raises(TypeError):
        is_workday(datetime(2025, 10, 3, 23, 30, tzinfo=UTC))
    with pytest.raises(TypeError):
        add_workdays(datetime(2025, 10, 3, 12, 0, tzinfo=UTC), 1)


# "3 working days left" / "2 working days overdue"


def test_working_days_left_before_a_deadline_after_national_day():
    # Thu 25 Sep to Fri 10 Oct: Fri 26 (1), Sun 28 adjusted (2), Mon 29 (3), Tue 30 (4),
    # Thu 9 Oct (5), Fri 10 Oct (6).
    assert workdays_between(date(2025, 9, 25), date(2025, 10, 10)) == 6


def test_a_deadline_due_today_has_no_working_days_left():
    assert workdays_between(date(2025, 10, 10), date(2025, 10, 10)) == 0


def test_working_days_overdue_count_backwards_and_include_an_adjusted_saturday():
    # Due Fri 10 Oct, today Mon 13 Oct: counting back from today, Sun 12 no, Sat 11 adjusted (1),
    # Fri 10 the due date (2).
    assert workdays_between(date(2025, 10, 13), date(2025, 10, 10)) == -2
    # Today Sat 11 Oct: Fri 10 (1); the deadline passed at the end of Friday.
    assert workdays_between(date(2025, 10, 11), date(2025, 10, 10)) == -1


def test_a_deadline_on_the_eve_of_the_golden_week_is_one_working_day_overdue_all_week():
    # Due Tue 30 Sep; every day of the holiday counts back to Tue 30 alone.
    for today in range(1, 9):
        assert workdays_between(date(2025, 10, today), date(2025, 9, 30)) == -1
    # Thu 9 Oct, back at work: counting back from Thu 9 (excluded) to Tue 30 Sep (included) finds Tue 30.
    assert workdays_between(date(2025, 10, 9), date(2025, 9, 30)) == -1
    # Fri 10 Oct: Thu 9 (1), Tue 30 Sep (2).
    assert workdays_between(date(2025, 10, 10), date(2025, 9, 30)) == -2


def test_deadline_status_says_how_many_working_days_are_left():
    assert deadline_status(due=date(2025, 10, 10), today=date(2025, 9, 25)) == DeadlineStatus(
        days_left=6, overdue=False
    )


def test_deadline_status_is_not_overdue_on_the_due_date():
    status = deadline_status(due=date(2025, 10, 10), today=date(2025, 10, 10))
    assert status.days_left == 0
    assert not status.overdue


def test_deadline_status_is_overdue_the_day_after_even_on_a_weekend():
    status = deadline_status(due=date(2025, 10, 10), today=date(2025, 10, 13))
    assert status == DeadlineStatus(days_left=-2, overdue=True)
    assert status._asdict() == {"days_left": -2, "overdue": True}


def test_deadline_status_takes_today_in_beijing_time_whatever_timezone_is_active(monkeypatch):
    # 16:30 UTC on Fri 10 Oct is 00:30 on Sat 11 Oct in Beijing: the Friday deadline has passed.
    monkeypatch.setattr(timezone, "now", lambda: datetime(2025, 10, 10, 16, 30, tzinfo=UTC))
    with timezone.override(ZoneInfo("UTC")):
        status = deadline_status(due=date(2025, 10, 10))
    assert status == DeadlineStatus(days_left=-1, overdue=True)


# A year the package does not know. chinesecalendar is pinned at 1.11, whose data ends with 2026.


def test_the_pinned_chinesecalendar_does_not_know_2027_which_the_tests_below_rely_on():
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(date(2027, 2, 8))
    # After an upgrade that knows 2027, move the unknown-year tests to the first year it lacks.


def test_a_year_the_package_lacks_counts_monday_to_friday_and_warns_once(caplog):
    caplog.set_level(logging.WARNING, logger="tuoyu.workdays")
    # Fri 5 Feb 2027: Mon 8 (1) .. Fri 12 (5); weekends only, no holiday known.
    assert add_workdays(date(2027, 2, 5), 5) == date(2027, 2, 12)
    assert not is_workday(date(2027, 2, 6))  # Saturday
    assert is_workday(date(2027, 2, 8))  # Monday
    warnings = fallback_warnings(caplog)
    assert len(warnings) == 1
    assert "2027" in warnings[0].getMessage()


def test_spring_festival_2027_entered_by_the_administrator_is_skipped(spring_festival_2027, caplog):
    caplog.set_level(logging.WARNING, logger="tuoyu.workdays")
    # Fri 5 Feb 2027: Sat 6 .. Sun 14 rest (test data), Mon 15 (1) .. Fri 19 (5).
    assert add_workdays(date(2027, 2, 5), 5) == date(2027, 2, 19)
    assert not is_workday(date(2027, 2, 8))  # a Monday inside the entered break
    # The administrator has taken care of 2027, so falling back for its ordinary days is not news.
    assert fallback_warnings(caplog) == []


def test_an_adjusted_saturday_entered_by_the_administrator_counts(spring_festival_2027):
    assert is_workday(date(2027, 1, 30))
    # Fri 29 Jan 2027: Sat 30 adjusted (1).
    assert add_workdays(date(2027, 1, 29), 1) == date(2027, 1, 30)
    # Fri 5 Feb: Mon 15 (1) .. Fri 19 (5), Sat 20 adjusted (6).
    assert add_workdays(date(2027, 2, 5), 6) == date(2027, 2, 20)
    assert workdays_between(date(2027, 2, 5), date(2027, 2, 20)) == 6


def test_the_same_call_changes_its_answer_once_the_administrator_adds_the_holiday():
    assert add_workdays(date(2027, 2, 5), 5) == date(2027, 2, 12)
    CalendarDay.objects.bulk_create(
        CalendarDay(date=date(2027, 2, d), is_workday=False, name="春节") for d in range(6, 15)
    )
    assert add_workdays(date(2027, 2, 5), 5) == date(2027, 2, 19)


# The administrator's table overrides the package.


def test_a_holiday_row_beats_the_package_on_a_known_weekday():
    assert is_workday(date(2026, 6, 1))  # an ordinary Monday to the package
    CalendarDay.objects.create(date=date(2026, 6, 1), is_workday=False, name="区政府闭馆", note="test data")
    assert not is_workday(date(2026, 6, 1))
    # Fri 29 May 2026: Mon 1 Jun now rests, Tue 2 (1).
    assert add_workdays(date(2026, 5, 29), 1) == date(2026, 6, 2)


def test_a_working_day_row_beats_a_holiday_of_the_package():
    assert not is_workday(date(2026, 10, 7))  # Wednesday, last day of National Day 2026
    CalendarDay.objects.create(date=date(2026, 10, 7), is_workday=True, name="国庆节调休上班")
    assert is_workday(date(2026, 10, 7))


def test_an_edit_in_the_admin_counts_from_the_next_call_without_stale_cache():
    day = CalendarDay.objects.create(date=date(2026, 6, 1), is_workday=False, name="闭馆")
    assert not is_workday(date(2026, 6, 1))
    day.delete()
    assert is_workday(date(2026, 6, 1))


# The reason this module exists: a deadline set in December 2026 reaches 2027.


def test_fifteen_working_days_from_december_2026_reach_into_2027(caplog):
    caplog.set_level(logging.WARNING, logger="tuoyu.workdays")
    # Fri 18 Dec 2026: Mon 21 .. Fri 25 (5), Mon 28 .. Thu 31 (9); 2027 by weekdays alone:
    # Fri 1 Jan (10), Mon 4 .. Fri 8 (15).
    assert add_workdays(date(2026, 12, 18), 15) == date(2027, 1, 8)
    assert len(fallback_warnings(caplog)) == 1


def test_fifteen_working_days_from_december_2026_skip_new_year_2027_once_entered():
    CalendarDay.objects.create(date=date(2027, 1, 1), is_workday=False, name="元旦", note="test data")
    # ... Thu 31 Dec (9), Fri 1 Jan rests, Mon 4 .. Fri 8 (14), Mon 11 (15).
    assert add_workdays(date(2026, 12, 18), 15) == date(2027, 1, 11)
    assert workdays_between(date(2026, 12, 18), date(2027, 1, 11)) == 15


# Efficiency: one read of the table per call, whatever the number of days.


def test_sixty_working_days_read_the_table_once(django_assert_num_queries):
    with django_assert_num_queries(1):
        due = add_workdays(date(2025, 9, 1), 60)
    # Mon 1 Sep 2025: Tue 2 .. Fri 26 Sep (19), Sun 28 adjusted (20), Mon 29, Tue 30 (22), Oct 1-8 rest,
    # Thu 9, Fri 10 (24), Sat 11 adjusted (25), then five a week: 17 Oct (30), 24 (35), 31 (40),
    # 7 Nov (45), 14 (50), 21 (55), Fri 28 Nov (60).
    assert due == date(2025, 11, 28)


def test_a_deadline_across_the_new_year_reads_both_years_in_one_query(
    spring_festival_2027, django_assert_num_queries
):
    with django_assert_num_queries(1):
        add_workdays(date(2026, 12, 18), 60)
    with django_assert_num_queries(1):
        workdays_between(date(2026, 11, 2), date(2027, 3, 31))
    with django_assert_num_queries(1):
        deadline_status(due=date(2027, 2, 19), today=date(2026, 12, 18))


def test_zero_working_days_need_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        add_workdays(date(2025, 9, 1), 0)


# The two functions agree everywhere, including on the administrator's rows.


@settings(
    max_examples=150,
    deadline=None,
    # The rows are set up once and only read, so sharing them between examples is what we want.
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    start=st.dates(min_value=date(2024, 1, 1), max_value=date(2027, 12, 31)),
    n=st.integers(min_value=0, max_value=40),
)
def test_counting_the_working_days_to_a_deadline_gives_back_the_number_added(spring_festival_2027, start, n):
    due = add_workdays(start, n)
    assert workdays_between(start, due) == n
    if n > 0:
        assert is_workday(due)
        # The due date is the first date with n working days, not a later rest day.
        assert add_workdays(start, n - 1) < due
    else:
        assert due == start


# The administrator's table in the admin.


def test_a_calendar_day_reads_as_its_date_and_name():
    day = CalendarDay.objects.create(date=date(2027, 1, 1), is_workday=False, name="元旦")
    assert str(day) == "2027-01-01 元旦"


def test_the_system_administrator_lists_and_adds_calendar_days_in_the_admin(client, sys_admin):
    client.force_login(sys_admin)
    CalendarDay.objects.create(date=date(2027, 2, 6), is_workday=False, name="春节")
    response = client.get("/admin/core/calendarday/?is_workday__exact=0")
    assert response.status_code == 200
    assert "春节" in response.content.decode()
    response = client.post(
        "/admin/core/calendarday/add/",
        {"date": "2027-02-20", "is_workday": "on", "name": "春节调休上班", "note": ""},
    )
    assert response.status_code == 302
    assert is_workday(date(2027, 2, 20))  # a Saturday, now worked


def test_deadline_statuses_count_as_deadline_status_does_with_one_query(db, django_assert_num_queries):
    # Around the National Day holiday and its adjusted working days, both ways from today, with an
    # administrator's correction in the table, which wins over the package.
    from tuoyu.core.workdays import deadline_statuses

    CalendarDay.objects.create(date=date(2026, 10, 20), is_workday=False)
    today = date(2026, 9, 28)
    dues = [today + timedelta(days=n) for n in range(-40, 40)]
    with django_assert_num_queries(1):
        statuses = deadline_statuses(dues, today=today)
    for due in dues:
        assert statuses[due] == deadline_status(due=due, today=today), due
