import pytest
from django.core.exceptions import ValidationError

from tuoyu.core.validators import (
    mask_middle,
    normalize_mobile,
    normalize_resident_id,
    normalize_uscc,
    required_text,
)


def test_it_accepts_a_credit_code_with_the_right_check_character():
    assert normalize_uscc("91500154MA5U00001C") == "91500154MA5U00001C"


@pytest.mark.parametrize("code", ["91500154MA5U00001X", "91500154MA5U0000", "ABCDEFGH1234567890", ""])
def test_it_refuses_a_credit_code_with_a_wrong_check_character_or_shape(code):
    with pytest.raises(ValidationError) as exc:
        normalize_uscc(code)
    assert exc.value.code == "uscc"


def test_it_checks_a_resident_id_by_its_check_digit():
    assert normalize_resident_id("11010519491231002X") == "11010519491231002X"
    with pytest.raises(ValidationError):
        normalize_resident_id("110105194912310021")


@pytest.mark.parametrize("raw", ["13800138000", "138 0013 8000", "+86 138-0013-8000"])
def test_it_normalises_mainland_mobile_numbers(raw):
    assert normalize_mobile(raw) == "13800138000"


@pytest.mark.parametrize("raw", ["12345", "023-52212345", "1380013800", "abc"])
def test_it_refuses_what_is_not_a_mobile_number(raw):
    with pytest.raises(ValidationError):
        normalize_mobile(raw)


def test_it_masks_the_middle_of_numbers_on_screen():
    assert mask_middle("13800138000") == "138****8000"
    assert mask_middle("11010519491231002X", 3, 4) == "110***********002X"


@pytest.mark.parametrize("blank", [None, "", "   \n"])
def test_required_text_strips_and_refuses_blank_on_its_field(blank):
    assert required_text("  通道已清理 ", field="note", message="说明整改情况") == "通道已清理"
    with pytest.raises(ValidationError) as refused:
        required_text(blank, field="note", message="说明整改情况")
    assert refused.value.message_dict == {"note": ["说明整改情况"]}
