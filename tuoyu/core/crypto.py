"""Personal identifiers at rest: encrypted (Fernet: AES-128-CBC + HMAC-SHA256) and looked up by a
keyed hash (a "blind index"), so a database dump reveals neither ID numbers nor which rows share one.

Keys come from TUOYU_FIELD_KEYS (comma-separated, newest first, each any long secret string); without
it they are derived from SECRET_KEY. Older keys stay readable after a rotation (MultiFernet); new
writes always use the first. Changing the first key also changes the blind index, so rotate with
`manage.py` re-saving the rows (documented in docs/deploy.md).
"""

import base64
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import models


def _secrets() -> list[str]:
    configured = [k.strip() for k in getattr(settings, "TUOYU_FIELD_KEYS", "").split(",") if k.strip()]
    return configured or [settings.SECRET_KEY]


def _derive(secret: str, purpose: bytes) -> bytes:
    # Separate keys for encryption and for the blind index, so one never weakens the other.
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"tuoyu-field-keys", info=purpose).derive(
        secret.encode()
    )


def _fernet() -> MultiFernet:
    return MultiFernet([Fernet(base64.urlsafe_b64encode(_derive(s, b"encrypt"))) for s in _secrets()])


def encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise ValueError(
            "This value was encrypted with a key that is not configured (TUOYU_FIELD_KEYS)."
        ) from exc


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
