"""The field-encryption keys: the process refuses to start with keys that cannot read the data, and
`manage.py rotate_field_keys` moves every value (and its blind index) to the newest key."""

import importlib
import os
import subprocess
import sys
from datetime import date
from io import StringIO

import pytest
from django.conf import settings as django_settings
from django.core.checks import ERROR, run_checks
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.management import CommandError, call_command
from stdnum.cn import ric

from tuoyu.bookings.models import Child
from tuoyu.bookings.services import child_add
from tuoyu.core.crypto import blind_index
from tuoyu.feedback.models import Complaint

KEY_A = "key-a-for-tests-" + "a" * 40
KEY_B = "key-b-for-tests-" + "b" * 40
BIRTH = date(2024, 3, 15)


def id_number(n: int) -> str:
    stem = f"110105{BIRTH:%Y%m%d}{n:03d}"
    return stem + ric.calc_check_digit(stem + "0")  # stdnum expects a placeholder check digit


def key_errors() -> list:
    return [m for m in run_checks(tags=["tuoyu_keys"]) if m.level >= ERROR]


@pytest.fixture
def add_child(family):
    def add(n: int = 1) -> Child:
        return child_add(family=family, name=f"孩子{n}", sex="M", birth_date=BIRTH, id_number=id_number(n))

    return add


@pytest.fixture
def file_complaint(kaizhou, make_institution):
    from tuoyu.feedback.services import ROUTING_FILE, complaint_file, routing_load_file

    routing_load_file(ROUTING_FILE)

    def file() -> Complaint:
        return complaint_file(
            category="food",
            description="午餐的饭菜是凉的。",
            institution=make_institution(),
            anonymous=False,
            reporter_name="王小明",
            reporter_phone="13912345678",
        ).complaint

    return file


# --- the start-up check ----------------------------------------------------------------------------


def test_the_key_check_names_the_variable_and_the_table_when_the_keys_cannot_read_the_data(
    settings, add_child
):
    settings.TUOYU_FIELD_KEYS = KEY_A
    add_child()
    settings.TUOYU_FIELD_KEYS = KEY_B
    errors = key_errors()
    assert len(errors) == 1
    assert "TUOYU_FIELD_KEYS" in errors[0].msg and "bookings_child.id_number" in errors[0].msg


@pytest.mark.parametrize("keys", [KEY_A, f"{KEY_B},{KEY_A}"])
def test_the_key_check_passes_with_the_key_the_data_was_written_with(settings, add_child, keys):
    settings.TUOYU_FIELD_KEYS = KEY_A
    add_child()
    settings.TUOYU_FIELD_KEYS = keys
    assert key_errors() == []


def test_the_key_check_finds_old_rows_that_newer_rows_would_hide(settings, add_child):
    # Dropping the old key before rotating: the newest row reads fine, the oldest one does not.
    settings.TUOYU_FIELD_KEYS = KEY_A
    add_child(1)
    settings.TUOYU_FIELD_KEYS = f"{KEY_B},{KEY_A}"
    add_child(2)
    settings.TUOYU_FIELD_KEYS = KEY_B
    assert len(key_errors()) == 1


def test_the_key_check_passes_on_a_database_without_encrypted_values(settings, db):
    settings.TUOYU_FIELD_KEYS = KEY_B
    assert key_errors() == []


def test_the_web_server_refuses_to_start_when_the_keys_cannot_read_the_data(settings, add_child):
    settings.TUOYU_FIELD_KEYS = KEY_A
    add_child()
    settings.TUOYU_FIELD_KEYS = KEY_B
    sys.modules.pop("config.wsgi", None)
    with pytest.raises(ImproperlyConfigured, match="TUOYU_FIELD_KEYS"):
        importlib.import_module("config.wsgi")


def test_the_web_server_refuses_to_start_with_an_audit_retention_below_six_months(settings, db):
    # gunicorn runs no system checks, so wsgi.py itself must stop on the legal floor (网络安全法 §21).
    settings.TUOYU_AUDIT_RETENTION_DAYS = 90
    sys.modules.pop("config.wsgi", None)
    with pytest.raises(ImproperlyConfigured, match="TUOYU_AUDIT_RETENTION_DAYS"):
        importlib.import_module("config.wsgi")


def test_production_refuses_to_start_without_field_keys(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("TUOYU_FIELD_KEYS", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY="a-production-like-secret-" + "k" * 40,
        DATABASE_URL="sqlite:///" + str(tmp_path / "unused.sqlite3"),
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=django_settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "TUOYU_FIELD_KEYS is required in production" in result.stderr


# --- rotation --------------------------------------------------------------------------------------


def rotate(*args: str) -> str:
    out = StringIO()
    call_command("rotate_field_keys", *args, stdout=out)
    return out.getvalue()


def test_rotation_moves_every_value_to_the_new_key_so_the_old_one_can_go(
    settings, add_child, file_complaint, family
):
    settings.TUOYU_FIELD_KEYS = KEY_A
    children = [add_child(n) for n in (1, 2, 3)]
    complaint = file_complaint()
    query_code = complaint.query_code

    settings.TUOYU_FIELD_KEYS = f"{KEY_B},{KEY_A}"
    output = rotate("--batch-size", "2")  # several batches: the paging must not skip or repeat a row
    assert (
        "bookings_child.id_number: 3 row(s) with a value, 3 re-encrypted, 3 blind index(es) recomputed"
        in output
    )
    assert "feedback_complaint.reporter_name: 1 row(s) with a value, 1 re-encrypted" in output

    settings.TUOYU_FIELD_KEYS = KEY_B  # the old key is gone
    assert key_errors() == []
    for n, child in enumerate(children, start=1):
        assert Child.objects.get(pk=child.pk).id_number == id_number(n)
        # The blind index is the new key's: finding a child by ID number still works …
        assert Child.objects.get(id_number_index=blind_index(id_number(n))) == child
    # … and so does refusing a second record with the same number.
    with pytest.raises(ValidationError) as refused:
        child_add(family=family, name="又一个", sex="M", birth_date=BIRTH, id_number=id_number(2))
    assert list(refused.value.message_dict) == ["id_number"]
    complaint = Complaint.objects.get(pk=complaint.pk)
    assert (complaint.reporter_name, complaint.reporter_phone) == ("王小明", "13912345678")
    assert complaint.query_code == query_code


def test_rotation_check_reports_what_is_left_and_a_second_run_changes_nothing(settings, add_child):
    settings.TUOYU_FIELD_KEYS = KEY_A
    child = add_child()
    settings.TUOYU_FIELD_KEYS = f"{KEY_B},{KEY_A}"
    with pytest.raises(CommandError, match="1 row") as refused:
        rotate("--check")
    assert refused.value.returncode == 1
    # --check changed nothing: the row is still the old key's.
    settings.TUOYU_FIELD_KEYS = KEY_A
    assert Child.objects.get(pk=child.pk).id_number == id_number(1)

    settings.TUOYU_FIELD_KEYS = f"{KEY_B},{KEY_A}"
    rotate()
    second = rotate()
    assert (
        "bookings_child.id_number: 1 row(s) with a value, 0 re-encrypted, 0 blind index(es) recomputed"
        in second
    )
    assert "All encrypted values are under the newest key." in rotate("--check")


def test_rotation_refuses_values_no_configured_key_opens_and_leaves_them_alone(settings, add_child):
    settings.TUOYU_FIELD_KEYS = KEY_A
    child = add_child()
    settings.TUOYU_FIELD_KEYS = KEY_B  # the old key was dropped before rotating
    with pytest.raises(CommandError, match="TUOYU_FIELD_KEYS"):
        rotate()
    settings.TUOYU_FIELD_KEYS = KEY_A
    assert Child.objects.get(pk=child.pk).id_number == id_number(1)
