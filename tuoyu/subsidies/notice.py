"""The subsidy notice (补贴核定通知) as a PDF: the institution, the period, the kind, the amount, every line
of the explanation in the words of the page (rules.explain), the rounding rule and the status.

Rendered like the filing receipt (tuoyu.core.pdf): WeasyPrint with the embedded Noto CJK font, checked
before rendering so the notice never prints empty boxes, and a fetcher that loads nothing (institution
data must never make the server fetch a URL or read a file). It is a document issued by a Chinese
authority, so it is written in the site's default language (Simplified Chinese) whatever language the
person downloading it browses in.
"""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from weasyprint import HTML, URLFetcher

from tuoyu.core.pdf import FONT_FAMILY, chinese_date, require_font

from .models import Entitlement
from .selectors.entitlements import explain_rule, explained_lines, nil_reason_label, payment_of

TEMPLATE = "subsidies/entitlement_notice.html"


def notice_html(entitlement: Entitlement, *, names: bool) -> str:
    """The notice as HTML (what the PDF is made from); `names`: whether children are named or masked."""
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "e": entitlement,
            "lines": explained_lines(entitlement, names=names),
            "rounding_rule": explain_rule(),
            "nil_reason_label": nil_reason_label(entitlement),
            "payment": payment_of(entitlement),
            "issuer": settings.TUOYU_ISSUER,
            "issued_on_text": chinese_date(timezone.localdate()),
            "font_family": FONT_FAMILY,
            "demo": settings.TUOYU_DEMO or entitlement.institution.is_demo,
        }
        # No request: the notice must not depend on who downloads it beyond the names, so no context
        # processors run.
        return render_to_string(TEMPLATE, context)


def notice_pdf(entitlement: Entitlement, *, names: bool) -> bytes:
    require_font(FONT_FAMILY)
    fetcher = URLFetcher(allowed_protocols={"data"}, fail_on_errors=True)
    return HTML(string=notice_html(entitlement, names=names), url_fetcher=fetcher).write_pdf()
