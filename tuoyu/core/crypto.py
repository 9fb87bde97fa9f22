"""Personal identifiers at rest: encrypted (Fernet: AES-128-CBC + HMAC-SHA256) and looked up by a
keyed hash (a "blind index"), so a database dump reveals neither ID numbers nor which rows share one.

Keys come from TUOYU_FIELD_KEYS (comma-separated, newest first, each any long secret string); without
it they are derived from SECRET_KEY. Older keys stay readable after a rotation (MultiFernet); new
writes always use the first. Changing the first key also changes the blind index, so after putting a
new key first run `manage.py rotate_field_keys`, which re-encrypts every row under it and recomputes
the blind indexes (docs/deploy.md).

Convention: the blind index of an encrypted field `x` is the sibling column `x_index` (Child.id_number
and Child.id_number_index), which is how the rotation and the key check find them without importing
any app.
"""

import base64
import dataclasses
import hashlib
import hmac
import logging

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.apps import apps
from django.conf import settings
from django.db import DatabaseError, connection, models, transaction
from django.db.models.functions import Cast

logger = logging.getLogger(__name__)


def _secrets() -> list[str]:
    configured = [k.strip() for k in getattr(settings, "TUOYU_FIELD_KEYS", "").split(",") if k.strip()]
    return configured or [settings.SECRET_KEY]


def _derive(secret: str, purpose: bytes) -> bytes:
    # Separate keys for encryption and for the blind index, so one never weakens the other.
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"tuoyu-field-keys", info=purpose).derive(
        secret.encode()
    )


def _fernet_for(secret: str) -> Fernet:
    return Fernet(base64.urlsafe_b64encode(_derive(secret, b"encrypt")))


def _fernet() -> MultiFernet:
    return MultiFernet([_fernet_for(s) for s in _secrets()])


def encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise ValueError(
            "This value was encrypted with a key that is not configured (TUOYU_FIELD_KEYS)."
        ) from exc


def is_under_newest_key(token: str) -> bool:
    """True when the newest key alone opens the token: nothing left for rotate_field_keys to do."""
    try:
        _fernet_for(_secrets()[0]).decrypt(token.encode())
    except InvalidToken:
        return False
    return True


def blind_index(value: str) -> str:
    """Equal values give equal digests (find a child by ID number, refuse a duplicate) without storing it."""
    key = _derive(_secrets()[0], b"blind-index")
    return hmac.new(key, value.strip().upper().encode(), hashlib.sha256).hexdigest()


class EncryptedTextField(models.TextField):
    """A text column stored encrypted; Python code sees the plain value. Never filter on it: use a
    separate blind_index column."""

    def from_db_value(self, value, expression, connection):
        # An empty column reads back empty, not None: a row saved again must not write NULL into NOT NULL.
        return value if value is None or value == "" else decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return value if value is None or value == "" else encrypt(value)


def encrypted_fields() -> list[tuple[type[models.Model], list[EncryptedTextField]]]:
    """Every concrete model with encrypted columns, and those columns (found by type, so core imports no app)."""
    found = []
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        fields = [f for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
        if fields:
            found.append((model, fields))
    return found


def blind_index_field(model: type[models.Model], field: models.Field) -> models.Field | None:
    """The `<name>_index` column that holds the blind index of `field`, if the model has one."""
    try:
        return model._meta.get_field(f"{field.name}_index")
    except Exception:  # noqa: BLE001 - FieldDoesNotExist: this field has no lookup column
        return None


def check_keys() -> list[str]:
    """Problems that make the configured keys unable to read the stored data; empty when all is well.

    Reads the oldest and the newest non-empty value of every encrypted column and decrypts them, so a
    wrong or missing TUOYU_FIELD_KEYS stops the process at start-up (wsgi.py, the system check) instead
    of turning every page with an ID number into a 500. A database without our tables yet (before the
    first migrate) or out of reach has nothing to check: the readiness probe reports an outage.
    """
    problems = []
    try:
        tables = set(connection.introspection.table_names())
        for model, fields in encrypted_fields():
            table = model._meta.db_table
            if table not in tables:
                continue
            for field in fields:
                # The raw column, not the model field: decrypting it here names the failure precisely.
                raw = model._default_manager.exclude(**{field.name: ""}).exclude(
                    **{f"{field.name}__isnull": True}
                )
                for order in ("pk", "-pk"):
                    token = _raw_value(raw.order_by(order), field)
                    if token is None:
                        break  # the column holds no value yet
                    try:
                        _fernet().decrypt(token.encode())
                    except InvalidToken:
                        problems.append(
                            f"TUOYU_FIELD_KEYS cannot decrypt the stored values of {table}.{field.column}: "
                            "the encryption keys are missing or wrong. Set TUOYU_FIELD_KEYS to the keys "
                            "the data was written with (newest first, older ones after it)."
                        )
                        break
    except DatabaseError as exc:
        logger.warning("The field-encryption keys were not checked: the database is unavailable (%s)", exc)
        return []
    return problems


def _raw_value(queryset: models.QuerySet, field: EncryptedTextField) -> str | None:
    # Cast to a plain text column so the ORM hands back the ciphertext instead of decrypting it.
    row = queryset.annotate(_token=Cast(field.name, models.TextField())).values_list("_token", flat=True)[:1]
    return next(iter(row), None)


@dataclasses.dataclass
class RotationCount:
    """What a rotation found (or, with dry_run, would do) in one encrypted column."""

    column: str  # "table.column"
    rows: int = 0  # rows holding a value
    reencrypted: int = 0  # values not under the newest key (re-encrypted unless dry_run)
    reindexed: int = 0  # blind indexes that did not match the newest key (recomputed unless dry_run)
    changed: int = 0  # rows with either change
    unreadable: list[int] = dataclasses.field(default_factory=list)  # primary keys no configured key opens


def rotate_keys(*, batch_size: int = 500, dry_run: bool = False) -> list[RotationCount]:
    """Re-encrypt every encrypted value under the newest key and recompute its blind index.

    Rows already under the newest key with a current index are left alone, so a second run (or a run
    resumed after an interruption) changes nothing. Each batch is its own transaction with its rows
    locked, so a request saving a row at the same moment is not overwritten with a stale value, and a
    long table does not hold one transaction open for its whole length.
    """
    counts = []
    for model, fields in encrypted_fields():
        for fld in fields:
            index = blind_index_field(model, fld)
            count = RotationCount(column=f"{model._meta.db_table}.{fld.column}")
            last_pk = None
            while True:
                with transaction.atomic():
                    rows = model._default_manager.exclude(**{fld.name: ""}).exclude(
                        **{f"{fld.name}__isnull": True}
                    )
                    if last_pk is not None:
                        rows = rows.filter(pk__gt=last_pk)
                    rows = rows.order_by("pk").annotate(_token=Cast(fld.name, models.TextField()))
                    names = ["pk", "_token"] + ([index.attname] if index else [])
                    batch = list(rows.select_for_update().values_list(*names)[:batch_size])
                    for pk, token, *stored_index in batch:
                        count.rows += 1
                        try:
                            plain = decrypt(token)
                        except ValueError:
                            count.unreadable.append(pk)
                            continue
                        changes = {}
                        if not is_under_newest_key(token):
                            count.reencrypted += 1
                            changes[fld.name] = plain  # the field encrypts it under the newest key
                        if index and stored_index[0] != blind_index(plain):
                            count.reindexed += 1
                            changes[index.name] = blind_index(plain)
                        count.changed += bool(changes)
                        if changes and not dry_run:
                            # update(), not save(): no auto_now stamps, audit entries or signals for
                            # a change that is only the same value under another key.
                            model._default_manager.filter(pk=pk).update(**changes)
                if len(batch) < batch_size:
                    break
                last_pk = batch[-1][0]
            counts.append(count)
    return counts
