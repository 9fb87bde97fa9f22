"""Verified reviews of childcare institutions (评价): services (writes) and selectors (reads).

Only a family that really had contact with the institution may review it: a visit the institution
recorded as attended, or an enrolment of the family's child (active or ended). One review per visit or
enrolment; the database's one-to-one columns are the last guard against a double submit.

A review whose text holds a moderated word, or something that looks like a mobile or ID number (a
family naming a carer's phone, or its own), is held for a moderator instead of going public. The
public never learns who wrote a review: pages show only "a parent who visited" style labels.
"""

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.db.models import Avg, Count, Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tuoyu.accounts import capabilities
from tuoyu.accounts.models import User
from tuoyu.bookings.models import Enrolment, EnrolmentStatus, Visit, VisitStatus
from tuoyu.core.statemachine import lock, transition
from tuoyu.institutions.models import Institution
from tuoyu.institutions.selectors import institutions_of
from tuoyu.institutions.services import guard_member

from .models import Aspect, ModeratedWord, Review, ReviewEvent, ReviewStatus
from .workflow import WORKFLOW_REVIEW

MAX_TEXT = 1000
MAX_REPLY = 1000
ASPECTS: tuple[str, ...] = tuple(Aspect.values)

# Held whatever the ModeratedWord table holds, so a fresh deployment is never unguarded; the table adds
# the district's own words without a release. Matching is a case-insensitive substring.
DEFAULT_MODERATED_WORDS: tuple[str, ...] = (
    "傻逼",
    "煞笔",
    "傻b",
    "脑残",
    "王八蛋",
    "混蛋",
    "贱人",
    "人渣",
    "畜生",
    "去死",
    "他妈的",
    "操你",
    "狗日",
    "fuck",
)

# Candidates, not validation: a number with a wrong check digit is still personal data to a moderator,
# so these find anything shaped like one (after NFKC, which turns full-width digits into ASCII).
_MOBILE_LIKE = re.compile(r"(?<!\d)(?:\+?86[\s-]?)?1[3-9]\d(?:[\s-]?\d){8}(?!\d)")
_ID_LIKE = re.compile(r"(?<![0-9A-Za-z])(?:\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])")

ALREADY_REVIEWED = gettext_lazy("You have already reviewed this. Each visit or place can be reviewed once.")


# --- reading -------------------------------------------------------------------------------------


REVIEWS_PER_PAGE = 20


def decorate(rows):
    """What a page prints about a review: the reviewer's label and the aspects that were scored."""
    for review in rows:
        review.label = reviewer_label(review)
        review.scores = aspect_scores(review)
    return rows


def page_of(number, qs: QuerySet[Review]):
    """One page of reviews, decorated for printing."""
    page = Paginator(qs, REVIEWS_PER_PAGE).get_page(number)
    decorate(page.object_list)
    return page


def reviewer_label(review: Review) -> str:
    """Who wrote it, as the public may know it: how they know the institution, never who they are."""
    if review.visit_id:
        return _("A parent who visited")
    # enrolment is select_related by every list that calls this.
    if review.enrolment and review.enrolment.status == EnrolmentStatus.ENDED:
        return _("A parent whose child attended")
    return _("A parent whose child attends")


def aspect_scores(review: Review) -> list[tuple[str, int]]:
    return [(Aspect(name).label, getattr(review, name)) for name in ASPECTS if getattr(review, name)]


@dataclass(frozen=True)
class RatingSummary:
    count: int
    overall: float | None  # one decimal place; None without published reviews
    aspects: list[tuple[str, float]]  # (label, average) of the aspects anybody scored, in Aspect order


def rating_summary(institution: Institution) -> RatingSummary:
    """Count and averages of the published reviews, in one aggregate query (Avg skips unscored aspects)."""
    row = Review.objects.filter(institution=institution, status=ReviewStatus.PUBLISHED).aggregate(
        n=Count("id"), overall=Avg("overall"), **{name: Avg(name) for name in ASPECTS}
    )

    def one(value):
        return None if value is None else round(float(value), 1)

    return RatingSummary(
        count=row["n"] or 0,
        overall=one(row["overall"]),
        aspects=[(Aspect(name).label, one(row[name])) for name in ASPECTS if row[name] is not None],
    )


def published_reviews(institution: Institution) -> QuerySet[Review]:
    # The family is never joined: nothing on a public page can print a name or a number by mistake.
    return (
        Review.objects.filter(institution=institution, status=ReviewStatus.PUBLISHED)
        .select_related("enrolment")
        .order_by("-created_at", "-id")
    )


def recent_reviews(institution: Institution, n: int = 5) -> list[Review]:
    return list(published_reviews(institution)[:n])


@dataclass(frozen=True)
class Reviewable:
    basis: str  # "visit" or "enrolment", as in the review_new route
    pk: int
    institution: Institution
    on: date
    child_name: str = ""


def reviewable_for(family: User) -> list[Reviewable]:
    """The family's attended visits and enrolments that have no review yet, newest first (two queries)."""
    if not capabilities.is_family(family):
        return []
    visits = (
        Visit.objects.filter(family=family, status=VisitStatus.ATTENDED, review__isnull=True)
        .select_related("slot__institution", "child")
        .order_by("-slot__starts_at", "-id")
    )
    enrolments = (
        Enrolment.objects.filter(child__family=family, review__isnull=True)
        .select_related("institution", "child")
        .order_by("-start_date", "-id")
    )
    rows = [
        Reviewable(
            "visit",
            v.pk,
            v.slot.institution,
            timezone.localdate(v.slot.starts_at),
            v.child.name if v.child else "",
        )
        for v in visits
    ]
    rows += [Reviewable("enrolment", e.pk, e.institution, e.start_date, e.child.name) for e in enrolments]
    return sorted(rows, key=lambda r: r.on, reverse=True)


def reviews_of_family(family: User) -> QuerySet[Review]:
    return Review.objects.filter(family=family).select_related("institution").order_by("-created_at", "-id")


def access_review_basis_for_family(family: User, basis: str, pk: int) -> Visit | Enrolment:
    """The family's own visit or enrolment; anybody else's, or an unknown basis, is a 404."""
    if capabilities.is_family(family):
        if basis == "visit":
            found = Visit.objects.select_related("slot__institution").filter(family=family, pk=pk).first()
        elif basis == "enrolment":
            found = (
                Enrolment.objects.select_related("institution", "child")
                .filter(child__family=family, pk=pk)
                .first()
            )
        else:
            found = None
        if found is not None:
            return found
    raise Http404


def reviews_for_institution_user(user: User) -> QuerySet[Review]:
    """Published reviews of the institutions the user acts for; held ones stay with the moderators."""
    ids = institutions_of(user).values("pk")
    return (
        Review.objects.filter(institution_id__in=ids, status=ReviewStatus.PUBLISHED)
        .select_related("institution", "enrolment", "replied_by")
        .order_by("-created_at", "-id")
    )


def _with_history(qs: QuerySet[Review]) -> QuerySet[Review]:
    """The moderation decisions of each review with who took them, in one query for the whole list."""
    return qs.prefetch_related(
        Prefetch("events", queryset=ReviewEvent.objects.select_related("by").order_by("at", "id"))
    )


def reviews_held() -> QuerySet[Review]:
    return _with_history(
        Review.objects.filter(status=ReviewStatus.HELD)
        .select_related("institution", "enrolment")
        .order_by("created_at", "id")
    )


def reviews_recently_published(n: int = 20) -> list[Review]:
    """The latest public reviews, so a moderator can take one down that slipped through."""
    return list(
        _with_history(
            Review.objects.filter(status=ReviewStatus.PUBLISHED)
            .select_related("institution", "enrolment")
            .order_by("-created_at", "-id")
        )[:n]
    )


# --- moderation checks ---------------------------------------------------------------------------


def moderated_words() -> list[str]:
    words = {w.casefold() for w in DEFAULT_MODERATED_WORDS}
    words |= {w.casefold() for w in ModeratedWord.objects.values_list("word", flat=True) if w.strip()}
    return sorted(words)


def hold_reasons(text: str) -> list[str]:
    """Why a text may not go public unseen: moderated words and anything shaped like personal data."""
    plain = unicodedata.normalize("NFKC", text).casefold()
    reasons = []
    found = [w for w in moderated_words() if w in plain]
    if found:
        reasons.append(_("Words on the moderation list: %(words)s") % {"words": "、".join(found)})
    if _MOBILE_LIKE.search(plain):
        reasons.append(_("Looks like a mobile number"))
    if _ID_LIKE.search(plain):
        reasons.append(_("Looks like an ID number"))
    return reasons


# --- writes --------------------------------------------------------------------------------------


def _score(value, field: str, *, required: bool, errors: dict) -> int | None:
    if value in (None, ""):
        if required:
            errors[field] = [_("Please give a score from 1 to 5.")]
        return None
    try:
        score = int(value)
    except (TypeError, ValueError):
        score = 0
    if not 1 <= score <= 5:
        errors[field] = [_("A score is a whole number from 1 to 5.")]
        return None
    return score


def review_submit(
    *,
    family: User,
    visit: Visit | None = None,
    enrolment: Enrolment | None = None,
    overall: int,
    aspects: dict,
    text: str,
) -> Review:
    """A family reviews an institution it visited or where its child has (had) a place."""
    if (visit is None) == (enrolment is None):
        raise ValidationError(_("A review is about one visit or one place."), code="basis")
    if not capabilities.is_family(family):
        raise PermissionDenied
    # Read again: the caller's object may be stale (the institution may have recorded it since).
    if visit is not None:
        visit = Visit.objects.select_related("slot").get(pk=visit.pk)
        if visit.family_id != family.pk or visit.status != VisitStatus.ATTENDED:
            raise PermissionDenied
        institution_id = visit.slot.institution_id
    else:
        assert enrolment is not None
        enrolment = Enrolment.objects.select_related("child").get(pk=enrolment.pk)
        if enrolment.child.family_id != family.pk:
            raise PermissionDenied
        institution_id = enrolment.institution_id

    errors: dict[str, list[str]] = {}
    scores = {"overall": _score(overall, "overall", required=True, errors=errors)}
    unknown = set(aspects or {}) - set(ASPECTS)
    if unknown:
        errors["aspects"] = [_("Unknown aspect: %(names)s") % {"names": ", ".join(sorted(unknown))}]
    for name in ASPECTS:
        scores[name] = _score((aspects or {}).get(name), name, required=False, errors=errors)
    text = (text or "").strip()
    if len(text) > MAX_TEXT:
        errors["text"] = [
            _("Please keep the review within %(n)s characters (now %(m)s).") % {"n": MAX_TEXT, "m": len(text)}
        ]
    already = Review.objects.filter(visit=visit) if visit else Review.objects.filter(enrolment=enrolment)
    if already.exists():
        errors.setdefault("__all__", []).append(str(ALREADY_REVIEWED))
    if errors:
        raise ValidationError(errors)

    reasons = hold_reasons(text)
    try:
        # A savepoint: a double submit that loses the race on the one-to-one column must not break an
        # outer transaction, only come back as the same clear message.
        with transaction.atomic():
            return Review.objects.create(
                institution_id=institution_id,
                family=family,
                visit=visit,
                enrolment=enrolment,
                text=text,
                status=ReviewStatus.HELD if reasons else ReviewStatus.PUBLISHED,
                held_reason="; ".join(reasons)[:200],
                **scores,
            )
    except IntegrityError as exc:
        raise ValidationError({"__all__": [str(ALREADY_REVIEWED)]}, code="duplicate") from exc


MAX_MODERATION_NOTE = 500


@transaction.atomic
def review_moderate(*, review: Review, by: User, publish: bool, note: str = "") -> Review:
    """A health-commission moderator publishes a held review, or keeps one (held or public) off the site.
    Each decision is a ReviewEvent (who, from, to, when, why); the review keeps the last one's who/when."""
    if not capabilities.can_moderate_reviews(by):
        raise PermissionDenied
    locked = lock(WORKFLOW_REVIEW, review)
    target = ReviewStatus.PUBLISHED if publish else ReviewStatus.REJECTED
    if locked.status == target:
        raise ValidationError(
            _("This review is already published.") if publish else _("This review is already not published."),
            code="status",
        )
    return transition(
        WORKFLOW_REVIEW,
        locked,
        target,
        by=by,
        note=(note or "").strip()[:MAX_MODERATION_NOTE],
        changes={"moderated_by": by, "moderated_at": timezone.now()},
        locked=True,
    )


@transaction.atomic
def review_reply(*, review: Review, by: User, text: str) -> Review:
    """The institution answers a published review once, in public, beneath it."""
    locked = Review.objects.select_for_update().get(pk=review.pk)
    guard_member(locked.institution_id, by)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Please write your reply.")}, code="required")
    if len(text) > MAX_REPLY:
        raise ValidationError(
            {"text": _("Please keep the reply within %(n)s characters.") % {"n": MAX_REPLY}}, code="long"
        )
    if locked.status != ReviewStatus.PUBLISHED:
        raise ValidationError({"text": _("Only a published review can be answered.")}, code="status")
    if locked.replied_at is not None:
        raise ValidationError(
            {"text": _("Your institution has already replied to this review.")}, code="replied"
        )
    locked.reply, locked.replied_at, locked.replied_by = text, timezone.now(), by
    locked.save(update_fields=["reply", "replied_at", "replied_by"])
    return locked
