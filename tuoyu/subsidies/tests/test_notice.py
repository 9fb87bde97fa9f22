"""The subsidy notice (补贴核定通知) PDF, read back with pypdf: it opens, holds every line's amount and its
explanation in the page's words, the total, and masks the children for finance as the page does."""

import io
import re

import pytest
from django.utils import translation
from pypdf import PdfReader

from tuoyu.subsidies import rules
from tuoyu.subsidies.selectors.entitlements import explained_lines

from .test_entitlement_pages import add_child_lines


@pytest.fixture
def entitlement(make_entitlement, period_2024, puhui_institution):  # noqa: F811
    # 800 × 5 ÷ 12 = 333.333… → 333.33, rounded once at the line.
    return add_child_lines(make_entitlement(period_2024, puhui_institution, "900.00"), ["王小红"], months=5)


def pdf_text(response) -> str:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) >= 1
    # Text extraction may break a line anywhere: compare without whitespace.
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))


def test_the_notice_opens_and_holds_every_lines_amount_words_and_the_total(client, operator, entitlement):
    client.force_login(operator)
    text = pdf_text(client.get(f"/subsidies/entitlements/{entitlement.pk}/notice.pdf"))
    assert entitlement.amount.to_eng_string() == "1233.33"
    assert "1233.33" in text
    for line in entitlement.lines.all():
        assert str(line.amount) in text
    assert "王小红" in text
    # The same words as the page, in the notice's language (the site's default).
    with translation.override("zh-hans"):
        for line in explained_lines(entitlement, names=True):
            assert re.sub(r"\s+", "", line.explanation) in text
        assert re.sub(r"\s+", "", str(rules.explain_rule())) in text
    assert entitlement.institution.name in text and entitlement.period.name in text


def test_finance_gets_the_notice_with_the_children_masked(client, finance_officer, entitlement):
    client.force_login(finance_officer)
    text = pdf_text(client.get(f"/subsidies/entitlements/{entitlement.pk}/notice.pdf"))
    assert "王小红" not in text and "王*红" in text
    assert "1233.33" in text
