"""Backups an operator can trust: one dated folder with the database, the uploaded files and a manifest
that says what a correct restore must contain (row counts per table, a sha256 per file).

    <dir>/tuoyu-20261129-020000/
        database.pgdump   (PostgreSQL: pg_dump -Fc)   or   database.sqlite3 (SQLite's backup API)
        files.tar.gz      media/… (MEDIA_ROOT) and private/… (PRIVATE_MEDIA_ROOT)
        manifest.json

The field-encryption keys (TUOYU_FIELD_KEYS) are deliberately NOT in it: a stolen backup then holds
only ciphertext of the ID numbers. The keys are backed up separately (docs/deploy.md, "Keys"), and a
restore needs both.

restore() loads a backup into an EMPTY database and EMPTY media folders and then checks the result
against the manifest, so a restore that lost rows or files fails loudly instead of looking fine.
"""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

FORMAT = 1
MANIFEST = "manifest.json"
PG_DUMP = "database.pgdump"
SQLITE_COPY = "database.sqlite3"
FILES_ARCHIVE = "files.tar.gz"
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup that cannot be made or a restore that does not match its manifest."""


def _roots() -> dict[str, Path]:
    # Archive prefix -> folder. Read at call time so an environment or settings override applies.
    return {"media": Path(settings.MEDIA_ROOT), "private": Path(settings.PRIVATE_MEDIA_ROOT)}


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


# --- the database ----------------------------------------------------------------------------------


def _pg_conninfo_and_env() -> tuple[str, dict[str, str]]:
    """libpq connection string for pg_dump/pg_restore; the password goes in the environment, never argv
    (which any local user can read in the process list)."""
    from psycopg.conninfo import make_conninfo

    db = connection.settings_dict
    params = {"dbname": db["NAME"], "host": db.get("HOST"), "port": db.get("PORT"), "user": db.get("USER")}
    for option in ("sslmode", "sslrootcert", "sslcert", "sslkey"):
        if db.get("OPTIONS", {}).get(option):
            params[option] = db["OPTIONS"][option]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return make_conninfo(**{k: str(v) for k, v in params.items() if v not in (None, "")}), env


def _count_rows(cursor, tables: list[str], quote) -> dict[str, int]:
    counts = {}
    for table in sorted(tables):
        cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")  # noqa: S608 - names from introspection
        counts[table] = cursor.fetchone()[0]
    return counts


def _sqlite_tables(conn: sqlite3.Connection) -> list[str]:
    rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    return [name for (name,) in rows]


def _sqlite_counts(conn: sqlite3.Connection) -> dict[str, int]:
    return _count_rows(conn.cursor(), _sqlite_tables(conn), lambda name: '"' + name.replace('"', '""') + '"')


def database_counts() -> dict[str, int]:
    """Rows per table in the configured database, counted the same way for a backup and its restore."""
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        return _sqlite_counts(connection.connection)
    with connection.cursor() as cursor:
        return _count_rows(cursor, connection.introspection.table_names(cursor), connection.ops.quote_name)


def _dump_postgresql(target: Path) -> dict[str, int]:
    if not shutil.which("pg_dump"):
        raise BackupError("pg_dump is not installed (Debian: apt-get install postgresql-client).")
    conninfo, env = _pg_conninfo_and_env()
    connection.ensure_connection()  # its session set-up must not be the first statement of the transaction
    # The counts and the dump come from one exported snapshot, so the manifest describes exactly the
    # dump even while the site keeps taking bookings.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        counts = _count_rows(cursor, connection.introspection.table_names(cursor), connection.ops.quote_name)
        result = subprocess.run(  # noqa: S603 - fixed program, arguments from settings
            [  # noqa: S607 - found on PATH like psql: Debian's postgresql-client wrapper picks the version
                "pg_dump",
                "--format=custom",
                f"--snapshot={snapshot}",
                f"--file={target}",
                f"--dbname={conninfo}",
            ],
            env=env,
            capture_output=True,
            text=True,
        )
    if result.returncode != 0:
        raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
    return counts


def _copy_sqlite(target: Path) -> dict[str, int]:
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        # The online backup API copies a consistent state even while the site writes.
        connection.connection.backup(copy)
        return _sqlite_counts(copy)
    finally:
        copy.close()


# --- the files -------------------------------------------------------------------------------------


class _HashingReader:
    """Hands a file to tarfile and hashes the very bytes that go into the archive."""

    def __init__(self, f):
        self.f = f
        self.digest = hashlib.sha256()

    def read(self, size=-1):
        data = self.f.read(size)
        self.digest.update(data)
        return data


def _archive_files(target: Path) -> dict[str, str]:
    checksums = {}
    with tarfile.open(target, "w:gz") as tar:
        for prefix, root in _roots().items():
            if not root.is_dir():
                continue
            for path in sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink()):
                name = f"{prefix}/{path.relative_to(root).as_posix()}"
                info = tar.gettarinfo(str(path), arcname=name)
                with open(path, "rb") as f:
                    reader = _HashingReader(f)
                    tar.addfile(info, reader)
                checksums[name] = reader.digest.hexdigest()
    return checksums


# --- backup ----------------------------------------------------------------------------------------


def backup(*, into: Path) -> Path:
    """Write a dated backup folder under `into` and return it."""
    folder = Path(into) / f"tuoyu-{timezone.localtime():%Y%m%d-%H%M%S}"
    folder.mkdir(parents=True, exist_ok=False)
    folder.chmod(0o700)  # personal data: only the operator's account may read it
    try:
        if connection.vendor == "postgresql":
            database_file = PG_DUMP
            tables = _dump_postgresql(folder / PG_DUMP)
        elif connection.vendor == "sqlite":
            database_file = SQLITE_COPY
            tables = _copy_sqlite(folder / SQLITE_COPY)
        else:
            raise BackupError(f"Backups of a {connection.vendor} database are not supported.")
        files = _archive_files(folder / FILES_ARCHIVE)
        manifest = {
            "format": FORMAT,
            "created_at": timezone.now().isoformat(),
            "vendor": connection.vendor,
            "database": {"file": database_file, "sha256": sha256_file(folder / database_file)},
            "files_archive": {"file": FILES_ARCHIVE, "sha256": sha256_file(folder / FILES_ARCHIVE)},
            "tables": tables,
            "files": files,
        }
        (folder / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True), encoding="utf-8")
        for path in folder.iterdir():
            path.chmod(0o600)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)  # never leave a half backup that looks complete
        raise
    return folder


# --- restore ---------------------------------------------------------------------------------------


@dataclass
class Restored:
    tables: int
    rows: int
    files: int


def read_manifest(folder: Path) -> dict:
    try:
        manifest = json.loads((Path(folder) / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise BackupError(f"{folder} has no {MANIFEST}: not a backup folder.") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Unknown backup format {manifest.get('format')!r}.")
    for part in ("database", "files_archive"):
        path = Path(folder) / manifest[part]["file"]
        if not path.is_file() or sha256_file(path) != manifest[part]["sha256"]:
            raise BackupError(f"{path.name} is missing or damaged: its checksum differs from the manifest.")
    return manifest


def _refuse_non_empty_targets() -> None:
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        tables = _sqlite_tables(connection.connection)
    else:
        tables = connection.introspection.table_names()
    if tables:
        raise BackupError(
            f"The database {connection.settings_dict['NAME']} is not empty ({len(tables)} tables): "
            "restore into a new, empty database."
        )
    for root in _roots().values():
        if root.exists() and any(root.iterdir()):
            raise BackupError(f"{root} is not empty: restore into new, empty folders.")


def _restore_database(folder: Path, manifest: dict) -> None:
    source = folder / manifest["database"]["file"]
    if manifest["vendor"] == "postgresql":
        conninfo, env = _pg_conninfo_and_env()
        result = subprocess.run(  # noqa: S603 - fixed program, arguments from settings
            # --no-owner/--no-privileges: the new server's role owns everything, whatever the old one was.
            [  # noqa: S607 - found on PATH, like pg_dump above
                "pg_restore",
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--single-transaction",
                f"--dbname={conninfo}",
                str(source),
            ],
            env=env,
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            raise BackupError(f"pg_restore failed: {result.stderr.strip()}")
    else:
        connection.ensure_connection()
        backup_copy = sqlite3.connect(source)
        try:
            backup_copy.backup(connection.connection)
        finally:
            backup_copy.close()


def _restore_files(folder: Path, manifest: dict) -> int:
    roots = _roots()
    expected = manifest["files"]
    restored = 0
    with tarfile.open(folder / manifest["files_archive"]["file"], "r:gz") as tar:
        for member in tar:
            if not member.isfile():
                continue
            name = PurePosixPath(member.name)
            prefix, *rest = name.parts
            # Only names the manifest lists, under a known root, without ".." or absolute paths.
            if (
                prefix not in roots
                or not rest
                or ".." in rest
                or name.is_absolute()
                or member.name not in expected
            ):
                raise BackupError(f"Unexpected entry in the archive: {member.name}")
            target = roots[prefix].joinpath(*rest)
            target.parent.mkdir(parents=True, exist_ok=True)
            digest = hashlib.sha256()
            source = tar.extractfile(member)
            with open(target, "wb") as out:
                while chunk := source.read(CHUNK):
                    digest.update(chunk)
                    out.write(chunk)
            # Private uploads keep the storage's own mode (not world-readable).
            target.chmod(0o640 if prefix == "private" else 0o644)
            if digest.hexdigest() != expected[member.name]:
                raise BackupError(f"{member.name}: checksum differs from the manifest.")
            restored += 1
    if restored != len(expected):
        raise BackupError(
            f"{len(expected) - restored} file(s) listed in the manifest are not in the archive."
        )
    return restored


def restore(*, folder: Path) -> Restored:
    """Load a backup into the configured (empty) database and media folders, then verify it."""
    folder = Path(folder)
    manifest = read_manifest(folder)
    if manifest["vendor"] != connection.vendor:
        raise BackupError(
            f"This is a {manifest['vendor']} backup; the configured database is {connection.vendor}."
        )
    _refuse_non_empty_targets()
    _restore_database(folder, manifest)
    files = _restore_files(folder, manifest)
    counts = database_counts()
    if counts != manifest["tables"]:
        different = sorted(
            t for t in set(counts) | set(manifest["tables"]) if counts.get(t) != manifest["tables"].get(t)
        )
        raise BackupError(f"Row counts differ from the manifest in: {', '.join(different)}")
    return Restored(tables=len(counts), rows=sum(counts.values()), files=files)


def checksums_on_disk() -> dict[str, str]:
    """sha256 of every file under the media roots, named as in a manifest (for checks after a restore)."""
    found = {}
    for prefix, root in _roots().items():
        if root.is_dir():
            for path in sorted(p for p in root.rglob("*") if p.is_file()):
                found[f"{prefix}/{path.relative_to(root).as_posix()}"] = sha256_file(path)
    return found
