"""`make backup` and `manage.py restore` end to end: a backup restored into a new database and new media
folders has the same rows and files, and its encrypted ID numbers read back with the same keys."""

import json
import os
import subprocess
import sys
import uuid
from datetime import date
from io import StringIO
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import connection
from stdnum.cn import ric

from tuoyu.bookings.services import child_add
from tuoyu.core.backup import checksums_on_disk, database_counts
from tuoyu.core.files import private_storage
from tuoyu.institutions.models import InstitutionPhoto

pytestmark = pytest.mark.django_db(transaction=True)  # pg_dump and the subprocesses see committed rows only

KEY = "backup-test-field-key-" + "k" * 40
BIRTH = date(2024, 3, 15)
STEM = f"110105{BIRTH:%Y%m%d}007"
ID_NUMBER = STEM + ric.calc_check_digit(STEM + "0")  # stdnum expects a placeholder check digit
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"not really pixels, only bytes to checksum"


@pytest.fixture
def seeded(settings, tmp_path, family, make_institution):
    settings.MEDIA_ROOT = tmp_path / "live" / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "live" / "private"
    settings.TUOYU_FIELD_KEYS = KEY
    child = child_add(family=family, name="小明", sex="M", birth_date=BIRTH, id_number=ID_NUMBER)
    photo = InstitutionPhoto(institution=make_institution(), caption="大门")
    photo.image.save("front.png", ContentFile(PNG), save=True)
    private_storage.save("2026/11/lease.pdf", ContentFile(PDF))
    return child


def process_env(*, database_url: str, root: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.test",
        DATABASE_URL=database_url,
        MEDIA_ROOT=str(root / "media"),
        PRIVATE_MEDIA_ROOT=str(root / "private"),
        TUOYU_FIELD_KEYS=KEY,
    )
    return env


def run(args: list[str], env: dict[str, str]) -> str:
    result = subprocess.run(  # noqa: S603 - our own commands
        args, cwd=django_settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def postgres_url(name: str) -> str:
    db = connection.settings_dict
    password = f":{quote(str(db['PASSWORD']), safe='')}" if db.get("PASSWORD") else ""
    return f"postgres://{quote(db['USER'] or '', safe='')}{password}@{db['HOST'] or ''}:{db['PORT'] or 5432}/{name}"


@pytest.fixture
def new_database(tmp_path):
    """DATABASE_URL of a database nobody has used: a new PostgreSQL database (dropped after), or a new
    SQLite file."""
    if connection.vendor != "postgresql":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    name = f"tuoyu_restore_{uuid.uuid4().hex[:12]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        yield postgres_url(name)
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def make_backup(tmp_path: Path) -> Path:
    if connection.vendor == "postgresql":
        # Exactly what an operator runs; DATABASE_URL points the subprocess at the test database.
        env = process_env(database_url=postgres_url(connection.settings_dict["NAME"]), root=tmp_path / "live")
        out = run(["make", "-s", "backup", f"BACKUP_DIR={tmp_path / 'backups'}"], env)
    else:
        # SQLite's test database lives in this process's memory: only an in-process backup can see it.
        stdout = StringIO()
        call_command("backup", "--to", str(tmp_path / "backups"), stdout=stdout)
        out = stdout.getvalue()
    return Path(out.strip().splitlines()[-1])


def test_a_backup_restores_into_a_new_database_with_the_same_rows_files_and_id_numbers(
    seeded, tmp_path, new_database
):
    rows_before = database_counts()
    files_before = checksums_on_disk()
    assert len(files_before) == 2 and rows_before["bookings_child"] == 1

    folder = make_backup(tmp_path)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["tables"] == rows_before and manifest["files"] == files_before
    # The keys stay out of the backup, and the ID number is in it only as ciphertext.
    for path in folder.iterdir():
        content = path.read_bytes()
        assert KEY.encode() not in content and ID_NUMBER.encode() not in content

    restored_root = tmp_path / "restored"
    env = process_env(database_url=new_database, root=restored_root)
    out = run([sys.executable, "manage.py", "restore", "--from", str(folder)], env)
    assert "match the manifest" in out

    # Compared here too, not only by the restore's own check: row counts per table and file checksums.
    counts_json = run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "import json; from tuoyu.core.backup import database_counts; print(json.dumps(database_counts()))",
        ],
        env,
    )
    assert json.loads(counts_json.strip().splitlines()[-1]) == rows_before
    restored_files = {
        f"{prefix}/{path.relative_to(restored_root / prefix).as_posix()}": path
        for prefix in ("media", "private")
        for path in (restored_root / prefix).rglob("*")
        if path.is_file()
    }
    assert set(restored_files) == set(files_before)
    assert restored_files["private/2026/11/lease.pdf"].read_bytes() == PDF

    # The encrypted ID number reads back from the restored database with the same keys, and the
    # child is found by it (the blind index came back too).
    id_number = run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "from tuoyu.bookings.models import Child; from tuoyu.core.crypto import blind_index; "
            f"print(Child.objects.get(id_number_index=blind_index('{ID_NUMBER}')).id_number)",
        ],
        env,
    )
    assert id_number.strip().splitlines()[-1] == ID_NUMBER


def test_a_restore_refuses_a_database_that_already_has_data(seeded, tmp_path):
    folder = make_backup(tmp_path)
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", "--from", str(folder))


def test_a_restore_refuses_a_damaged_backup_before_touching_anything(seeded, tmp_path):
    folder = make_backup(tmp_path)
    archive = folder / "files.tar.gz"
    archive.write_bytes(archive.read_bytes()[:-10])
    with pytest.raises(CommandError, match="files.tar.gz is missing or damaged"):
        call_command("restore", "--from", str(folder))
