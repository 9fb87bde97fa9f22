"""The public and family pages the site-wide browser checks walk (accessibility, tap targets), and the
data that makes each of them show what a visitor really sees: a district with institutions, the demo
family with a child, a booking, an attended visit to review, a complaint to track, the supervision
demo's published inspection results and its public draw, the workforce demo's staffing, the health
demo's record of the family's child (its growth chart and who looked at it), and the subsidies demo's
public list of subsidies paid.

Everything is made through the demo seeders and the services. Sessions are made on the server and
handed to the browser as its cookie, so the walk spends its time on the pages, not on signing in.
"""

import uuid
from dataclasses import dataclass
from importlib import import_module

from django.conf import settings
from django.utils import timezone


@dataclass
class Site:
    first: int  # the demo operator's institution: visit times, the family's booking, reviews
    second: int
    lat: float
    lng: float
    receipt_code: str
    tracking_number: str
    visit_to_review: int
    complaint: int
    query_code: str
    family_session: str  # the demo family, signed in
    free_slot: int  # a visit time of the first institution the family has not booked: its confirmation page
    result: int  # a published inspection result (一公开), with a finding put right
    draw: int  # the demo plan's public draw
    health_record: int  # the health record of the demo family's child, with measurements


def seed_site() -> Site:
    from django.test import Client

    from tuoyu.accounts.models import User
    from tuoyu.bookings.demo import DEMO_FAMILY_PHONE, seed_bookings
    from tuoyu.bookings.models import VisitSlot
    from tuoyu.bookings.services import visit_book, visit_record
    from tuoyu.feedback.demo import seed_feedback
    from tuoyu.feedback.models import Complaint
    from tuoyu.feedback.services import ROUTING_FILE, routing_load_file
    from tuoyu.filings.demo import seed_filings
    from tuoyu.filings.models import Filing
    from tuoyu.health.demo import seed_health
    from tuoyu.health.models import HealthRecord
    from tuoyu.inspections.demo import seed_inspections
    from tuoyu.inspections.models import FindingStatus
    from tuoyu.inspections.selectors import published_results
    from tuoyu.institutions.demo import seed_district, seed_personas
    from tuoyu.institutions.models import Institution, InstitutionMembership
    from tuoyu.regions.services import KAIZHOU_FILE, regions_load_file
    from tuoyu.subsidies.demo import seed_subsidies
    from tuoyu.workforce.demo import seed_workforce

    regions_load_file(path=KAIZHOU_FILE)
    routing_load_file(ROUTING_FILE)
    seed_district(count=12)
    seed_personas()
    seed_bookings()
    seed_feedback()
    seed_filings()
    supervision = seed_inspections()
    seed_workforce()  # the institution page's staffing (carers, certified rate, ratios) as a visitor sees it
    seed_health()  # the family's child's health record with its growth chart
    seed_subsidies()  # the public list of subsidies paid (a paid entitlement, never a child)
    membership = InstitutionMembership.objects.select_related("institution", "user").get(
        user__username="operator"
    )
    first = membership.institution
    second = Institution.objects.filter(status="filed").exclude(pk=first.pk).order_by("id").first()
    family = User.objects.get(phone=DEMO_FAMILY_PHONE)
    # A second visit the institution recorded as attended and nobody has reviewed yet: the review form.
    slot = (
        VisitSlot.objects.filter(institution=first, starts_at__gt=timezone.now())
        .order_by("starts_at")
        .first()
    )
    visit = visit_book(slot=slot, family=family, idempotency_key=uuid.uuid4().hex)
    visit_record(visit=visit, by=membership.user, attended=True)
    free_slot = (
        VisitSlot.objects.filter(institution=first, starts_at__gt=timezone.now())
        .exclude(pk=slot.pk)
        .exclude(visits__family=family)
        .order_by("starts_at")
        .first()
    )
    complaint = Complaint.objects.filter(institution=first).order_by("id").first()
    client = Client()
    client.force_login(family)
    receipt = (
        Filing.objects.exclude(receipt_code="").values_list("receipt_code", flat=True).first() or "unknown"
    )
    # The result a visitor most wants to read: one whose finding was put right.
    result = published_results().filter(findings__status=FindingStatus.RECTIFIED).first()
    return Site(
        first=first.pk,
        second=second.pk,
        lat=float(first.lat),
        lng=float(first.lng),
        receipt_code=receipt,
        tracking_number=complaint.tracking_number,
        visit_to_review=visit.pk,
        complaint=complaint.pk,
        query_code=complaint.query_code,
        family_session=client.cookies[settings.SESSION_COOKIE_NAME].value,
        free_slot=free_slot.pk,
        result=result.pk,
        draw=supervision.plan.draws.get().pk,
        health_record=HealthRecord.objects.filter(child__family=family, measurements__isnull=False)
        .order_by("pk")
        .values_list("pk", flat=True)
        .first(),
    )


def visitor_session(site: Site) -> str:
    """A visitor who has just filed the complaint (the done page, shown once) and looked it up with its
    code (its tracking page)."""
    from tuoyu.feedback.views_public import SESSION_FILED, SESSION_TRACKED

    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_TRACKED] = [site.complaint]
    session[SESSION_FILED] = {
        "pk": site.complaint,
        "number": site.tracking_number,
        "code": site.query_code,
        "sms": False,
    }
    session.save()
    return session.session_key


def public_pages(site: Site) -> list[str]:
    """Every page a visitor reaches without signing in. The done page comes before the track page
    because it is shown once per session (it forgets the number as it shows it)."""
    return [
        "/",
        "/institutions/",
        "/institutions/?q=示例",
        f"/institutions/?near={site.lat},{site.lng}",
        f"/institutions/{site.first}/",
        f"/institutions/compare/?ids={site.first}&ids={site.second}",
        f"/institutions/{site.first}/reviews/",
        "/filings/notices/",
        "/filings/verify/",
        f"/filings/verify/{site.receipt_code}/",
        "/filings/register/",
        "/complaints/new/",
        f"/complaints/new/?institution={site.first}",
        "/complaints/done/",
        "/complaints/track/",
        f"/complaints/track/{site.tracking_number}/",
        "/complaints/statistics/",
        "/inspections/results/",
        "/subsidies/public/",
        f"/inspections/results/{site.result}/",
        f"/inspections/draws/{site.draw}/",
        "/accounts/login/phone/",
        "/accounts/login/",
        "/no-such-page/",
    ]


def family_pages(site: Site) -> list[str]:
    """Every page of a signed-in family: 我的办件, bookings (adding a child is on it), an institution's
    visit times and application form, reviews and the review form, their own page."""
    return [
        "/mine/",
        "/bookings/me/",
        f"/bookings/institutions/{site.first}/",
        f"/bookings/institutions/{site.first}/visits/{site.free_slot}/",
        f"/bookings/children/new/?next=/bookings/institutions/{site.first}/",
        "/reviews/",
        f"/reviews/new/visit/{site.visit_to_review}/",
        "/health/my/",
        f"/health/records/{site.health_record}/",
        f"/health/records/{site.health_record}/access/",
        "/accounts/me/",
    ]


def use_session(context, base_url: str, session_key: str) -> None:
    """Make the browser that session's visitor (replacing the session cookie it had)."""
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session_key, "url": base_url}])
