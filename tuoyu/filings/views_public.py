"""Public pages of the filing workflow: receipt verification and the notice feed (公示, §14)."""

from urllib.parse import quote

from django.contrib.syndication.views import Feed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from tuoyu.core.access import public
from tuoyu.core.excel import xlsx_response
from tuoyu.core.text import xml_safe
from tuoyu.institutions.workflow import is_public

from .models import Notice, NoticeKind
from .selectors import public_notices, topic_labels
from .services import receipt_verify

NOTICES_PER_PAGE = 50


@public
def verify(request):
    """Type in the code printed under the receipt's QR code."""
    code = request.GET.get("code", "").strip()
    if "/" in code:
        # No receipt code has a slash, and the code's own address cannot hold one (a 500 before).
        return verify_code(request, code.upper()[:40])
    if code:
        return redirect("filings:verify_code", code=code.upper()[:40])
    return render(request, "filings/verify.html", {"result": None})


@public
def verify_code(request, code: str):
    result, filing = receipt_verify(code)
    status = 200 if result == "valid" else 404 if result == "unknown" else 410
    return render(
        request, "filings/verify.html", {"result": result, "filing": filing, "code": code}, status=status
    )


def _notices(request):
    qs = public_notices()
    kind = request.GET.get("kind", "")
    if kind in NoticeKind.values:
        qs = qs.filter(kind=kind)
    return qs, kind


@public
def notices(request):
    qs, kind = _notices(request)
    try:
        page = max(1, int(request.GET.get("page", 1)))
    except ValueError:
        page = 1
    rows = list(
        qs.select_related("filing__institution")[(page - 1) * NOTICES_PER_PAGE : page * NOTICES_PER_PAGE + 1]
    )
    for notice in rows:
        institution = notice.filing.institution
        # Link only what the public may open: an institution still on the register.
        notice.public_institution = (
            institution if institution is not None and is_public(institution) else None
        )
        notice.change_words = pgettext("list separator", ", ").join(topic_labels(notice.changes or []))
    return render(
        request,
        "filings/notices.html",
        {
            "rows": rows[:NOTICES_PER_PAGE],
            "has_next": len(rows) > NOTICES_PER_PAGE,
            "page": page,
            "kind": kind,
            "kinds": NoticeKind.choices,
        },
    )


@public
def notices_export(request):
    qs, _kind = _notices(request)
    headers = [
        _("Published"),
        _("Kind"),
        _("Institution"),
        _("Filing number"),
        _("Street or town"),
        _("Content"),
    ]
    rows = (
        [n.published_at, n.get_kind_display(), n.institution_name, n.filing_number, n.unit_name, n.summary]
        for n in qs.iterator(chunk_size=2000)
    )
    filename = quote(f"{_('Filing notices')}-{timezone.localdate():%Y%m%d}.xlsx")
    return xlsx_response(filename=filename, sheet=_("Filing notices"), headers=headers, rows=rows)


class NoticeRssFeed(Feed):
    """Subscribers (officials, journalists, other departments' systems) follow the notices by RSS or Atom."""

    title = gettext_lazy("Childcare filing notices")
    description = gettext_lazy(
        "Filings, changes, non-compliance findings and deregistrations of childcare institutions."
    )

    def link(self):
        return reverse("filings:notices")

    def items(self):
        return public_notices()[:NOTICES_PER_PAGE]

    # Django refuses to write a control character into a feed (a 500 for every subscriber), and text
    # stored before the edge refused them may hold one: drop what XML cannot carry.
    def item_title(self, item: Notice):
        return xml_safe(f"{item.get_kind_display()} · {item.institution_name}")

    def item_description(self, item: Notice):
        return xml_safe(item.summary)

    def item_link(self, item: Notice):
        return f"{reverse('filings:notices')}#notice-{item.pk}"

    def item_pubdate(self, item: Notice):
        return item.published_at


class NoticeAtomFeed(NoticeRssFeed):
    feed_type = Atom1Feed
    subtitle = NoticeRssFeed.description


notices_rss = public(NoticeRssFeed())
notices_atom = public(NoticeAtomFeed())
