import pytest
from django.db import connection, models
from django.test.utils import isolate_apps

from tuoyu.core.crypto import EncryptedTextField, blind_index, decrypt, encrypt
from tuoyu.core.validators import mask_middle

ID_NUMBER = "11010519491231002X"


def test_a_value_round_trips_and_the_token_does_not_contain_it():
    token = encrypt(ID_NUMBER)
    assert ID_NUMBER not in token and "19491231" not in token
    assert decrypt(token) == ID_NUMBER
    assert encrypt(ID_NUMBER) != token  # a fresh IV each time: equal values do not look equal


def test_the_blind_index_matches_equal_values_only(settings):
    assert blind_index(ID_NUMBER) == blind_index(ID_NUMBER.lower())
    assert blind_index(ID_NUMBER) != blind_index("110105194912310021")
    assert ID_NUMBER not in blind_index(ID_NUMBER)


def test_a_rotated_key_still_reads_old_values_and_writes_with_the_new_one(settings):
    settings.TUOYU_FIELD_KEYS = "old-secret-key-material-for-tests"
    old_token = encrypt(ID_NUMBER)
    settings.TUOYU_FIELD_KEYS = "new-secret-key-material-for-tests,old-secret-key-material-for-tests"
    assert decrypt(old_token) == ID_NUMBER
    settings.TUOYU_FIELD_KEYS = "new-secret-key-material-for-tests"
    with pytest.raises(ValueError):
        decrypt(old_token)


def test_masking_shows_only_the_ends():
    assert mask_middle(ID_NUMBER, 3, 4) == "110***********002X"


@pytest.mark.django_db(transaction=True)  # SQLite creates tables only outside a transaction
@isolate_apps("tuoyu.core")
def test_the_database_holds_only_ciphertext():
    class Secret(models.Model):  # noqa: DJ008 - a throwaway table for this test only
        value = EncryptedTextField()

        class Meta:
            app_label = "core"

    with connection.schema_editor() as editor:
        editor.create_model(Secret)
    try:
        row = Secret.objects.create(value=ID_NUMBER)
        with connection.cursor() as cursor:
            table = connection.ops.quote_name(Secret._meta.db_table)
            cursor.execute(f"SELECT value FROM {table} WHERE id = %s", [row.pk])  # noqa: S608 - our own table name
            raw = cursor.fetchone()[0]
        assert ID_NUMBER not in raw
        assert Secret.objects.get(pk=row.pk).value == ID_NUMBER
    finally:
        with connection.schema_editor() as editor:
            editor.delete_model(Secret)
