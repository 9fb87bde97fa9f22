"""财政扶持 (SPEC §8, the plan's §11 and §13): subsidies computed from the records, explained line by line,
approved and paid.

What is data, not code: the rules and rates (`RuleSet`, one row per version, in force from its
`effective_from` until the next version: the plan's 动态调整机制), loaded from `data/` by
`manage.py load_subsidy_rules`; the year's budget (`Budget`); who finance is
(settings.TUOYU_FINANCE_DEPARTMENT_CODE).

How money moves: for a `Period` (a half year or a year) the commission proposes every institution's
`Entitlement` per kind, computed from the records by the pure rules in `rules.py`; each amount is the sum
of its `EntitlementLine`s (one per child, class and rate version; or the one-time subsidy; or the award;
or an adjustment of an earlier period), and a zero keeps a line saying why. The institution confirms or
disputes, the commission reviews, finance approves (never edits), and the `Payment` is recorded with its
date and voucher. A paid entitlement is never edited: a later correction is an adjustment line in the
next period's proposal.

Money is Decimal end to end, rounded once at the line (money.py).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from tuoyu.core.models import TransitionEvent
from tuoyu.core.validators import validate_uscc

MONEY = {"max_digits": 14, "decimal_places": 2}


class RuleSet(models.Model):
    """One version of the district's subsidy rules and rates, in force from `effective_from` (included)
    until the day before the next version's. A new rate is a new row: a past period keeps the rates it
    was computed with, because each line names the version it used."""

    effective_from = models.DateField(_("in force from"), unique=True)
    name = models.CharField(_("name"), max_length=100)
    source = models.CharField(_("source document"), max_length=200, blank=True)  # 文号
    # Operating subsidy (运营补贴), 元 per child per year, by class type.
    rate_infant = models.DecimalField(_("乳儿班 per child per year"), **MONEY)
    rate_toddler = models.DecimalField(_("托小班 per child per year"), **MONEY)
    rate_preschool = models.DecimalField(_("托大班 per child per year"), **MONEY)
    # The plan names no rate for a mixed-age class (18–36 months); the data decides.
    rate_mixed = models.DecimalField(_("混合班 per child per year"), **MONEY)
    # A month counts for a child who was enrolled on this day of the month (the part-month rule).
    count_day = models.PositiveSmallIntegerField(
        _("a month counts when enrolled on day"),
        default=15,
        validators=[MinValueValidator(1), MaxValueValidator(28)],
    )
    # One-time construction subsidy (建设补助).
    construction_amount = models.DecimalField(_("construction subsidy"), **MONEY)
    chain_min_institutions = models.PositiveSmallIntegerField(_("chain: at least institutions"), default=3)
    chain_min_slots_each = models.PositiveSmallIntegerField(_("chain: at least slots each"), default=50)
    single_min_slots = models.PositiveSmallIntegerField(_("one institution: at least slots"), default=150)
    # Demonstration award (示范奖励) by enrolled children: below `small_below`, below `large_from`, or more.
    demonstration_small_below = models.PositiveSmallIntegerField(_("award: small below children"), default=50)
    demonstration_large_from = models.PositiveSmallIntegerField(_("award: large from children"), default=100)
    demonstration_small_amount = models.DecimalField(_("award: small"), **MONEY)
    demonstration_medium_amount = models.DecimalField(_("award: medium"), **MONEY)
    demonstration_large_amount = models.DecimalField(_("award: large"), **MONEY)
    # §13: rent-free years on state-owned premises, and how long before their end the reminder goes.
    rent_free_years = models.PositiveSmallIntegerField(_("rent-free years"), default=3)
    rent_free_reminder_days = models.PositiveSmallIntegerField(
        _("remind days before rent-free ends"), default=60
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["effective_from"]
        verbose_name = _("subsidy rules")
        verbose_name_plural = _("subsidy rules")

    def __str__(self) -> str:
        return f"{self.name} ({self.effective_from:%Y-%m-%d})"


class Budget(models.Model):
    """The district's subsidy budget for a year (all kinds together)."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    amount = models.DecimalField(_("budget"), **MONEY)
    note = models.CharField(_("note"), max_length=200, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("subsidy budget")
        verbose_name_plural = _("subsidy budgets")

    def __str__(self) -> str:
        return f"{self.year}: {self.amount}"


class PeriodStatus(models.TextChoices):
    OPEN = "open", _("Not yet proposed")
    PROPOSED = "proposed", _("Proposed")
    CLOSED = "closed", _("Closed")


class Period(models.Model):
    """A subsidy period: a half year or a year, both ends included."""

    name = models.CharField(_("name"), max_length=60)  # 2024年上半年
    start = models.DateField(_("from"))
    end = models.DateField(_("to"))
    status = models.CharField(
        _("status"), max_length=10, choices=PeriodStatus.choices, default=PeriodStatus.OPEN
    )
    proposed_at = models.DateTimeField(_("proposed"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start"]
        verbose_name = _("subsidy period")
        verbose_name_plural = _("subsidy periods")
        constraints = [
            models.UniqueConstraint(fields=["start", "end"], name="subsidy_period_once"),
            models.CheckConstraint(
                condition=models.Q(end__gte=models.F("start")), name="subsidy_period_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PeriodEvent(TransitionEvent):
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=10, choices=PeriodStatus.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=PeriodStatus.choices)

    class Meta(TransitionEvent.Meta):
        verbose_name = _("period event")
        verbose_name_plural = _("period events")


class SubsidyKind(models.TextChoices):
    OPERATING = "operating", _("Operating subsidy")  # 运营补贴
    CONSTRUCTION = "construction", _("One-time construction subsidy")  # 建设补助
    DEMONSTRATION = "demonstration", _("Demonstration award")  # 示范奖励


class EntitlementStatus(models.TextChoices):
    NIL = "nil", _("Nothing due")  # a zero, kept with its reason; nothing to approve
    PROPOSED = "proposed", _("Proposed, awaiting the institution")
    CONFIRMED = "confirmed", _("Confirmed by the institution")
    DISPUTED = "disputed", _("Disputed by the institution")
    REVIEWED = "reviewed", _("Reviewed by the health commission")
    APPROVED = "approved", _("Approved by finance")
    PAID = "paid", _("Paid")


class Entitlement(models.Model):
    """What one institution is entitled to, of one kind, in one period: the sum of its lines."""

    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="entitlements")
    institution = models.ForeignKey(
        "institutions.Institution", on_delete=models.PROTECT, related_name="subsidy_entitlements"
    )
    kind = models.CharField(_("kind"), max_length=14, choices=SubsidyKind.choices)
    amount = models.DecimalField(_("amount"), **MONEY)
    status = models.CharField(
        _("status"), max_length=10, choices=EntitlementStatus.choices, default=EntitlementStatus.PROPOSED
    )
    # For a zero: why (rules.NilReason); blank when something is due.
    nil_reason = models.CharField(_("why nothing is due"), max_length=30, blank=True)
    # The one-time construction subsidy to a chain is paid once per investor (统一社会信用代码).
    investor_uscc = models.CharField(_("investor's unified social credit code"), max_length=18, blank=True)
    dispute_reason = models.TextField(_("reason for the dispute"), blank=True)
    computed_at = models.DateTimeField(_("computed"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["institution__name", "kind"]
        verbose_name = _("entitlement")
        verbose_name_plural = _("entitlements")
        constraints = [
            models.UniqueConstraint(
                fields=["period", "institution", "kind"], name="entitlement_once_per_period"
            ),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="entitlement_not_negative"),
        ]
        indexes = [models.Index(fields=["kind", "investor_uscc"])]

    def __str__(self) -> str:
        return f"{self.period} · {self.institution} · {self.get_kind_display()}"


class LineKind(models.TextChoices):
    CHILD = "child", _("Child and class")  # class × months × rate
    CONSTRUCTION = "construction", _("One-time construction subsidy")
    DEMONSTRATION = "demonstration", _("Demonstration award")
    ADJUSTMENT = "adjustment", _("Adjustment of an earlier period")
    NIL = "nil", _("Nothing due")


class EntitlementLine(models.Model):
    """One line of an entitlement's explanation. The words are not stored: `rules.explain(line)` writes
    them from these fields, the same in the page, the PDF notice and the Excel, in the reader's language.
    `params` holds what else the explanation needs, numbers as strings (never a float)."""

    entitlement = models.ForeignKey(Entitlement, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField()
    kind = models.CharField(max_length=14, choices=LineKind.choices)
    child = models.ForeignKey(
        "bookings.Child", null=True, blank=True, on_delete=models.PROTECT, related_name="subsidy_lines"
    )
    age_group = models.CharField(max_length=12, blank=True)  # institutions.AgeGroup
    months = models.PositiveSmallIntegerField(null=True, blank=True)
    rate = models.DecimalField(null=True, blank=True, **MONEY)
    rule_set = models.ForeignKey(RuleSet, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    adjusted_period = models.ForeignKey(
        Period, null=True, blank=True, on_delete=models.PROTECT, related_name="adjusted_by"
    )
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)  # an adjustment may be < 0
    reason = models.CharField(max_length=30, blank=True)  # rules.NilReason for a NIL line
    params = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["entitlement", "position"]
        verbose_name = _("entitlement line")
        verbose_name_plural = _("entitlement lines")
        constraints = [
            models.UniqueConstraint(fields=["entitlement", "position"], name="entitlement_line_position_once")
        ]

    def __str__(self) -> str:
        return f"{self.entitlement_id}#{self.position}: {self.amount}"


class EntitlementEvent(TransitionEvent):
    entitlement = models.ForeignKey(Entitlement, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=10, choices=EntitlementStatus.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=EntitlementStatus.choices)

    class Meta(TransitionEvent.Meta):
        verbose_name = _("entitlement event")
        verbose_name_plural = _("entitlement events")


class Payment(models.Model):
    """The ledger: one payment per approved entitlement, with its date and voucher number (凭证号)."""

    entitlement = models.OneToOneField(Entitlement, on_delete=models.PROTECT, related_name="payment")
    amount = models.DecimalField(_("amount paid"), **MONEY)
    paid_on = models.DateField(_("paid on"))
    voucher_number = models.CharField(_("voucher number"), max_length=40, unique=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-paid_on", "-id"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="payment_positive")]

    def __str__(self) -> str:
        return f"{self.voucher_number}: {self.amount}"


class SubsidyProfile(models.Model):
    """What the subsidies rest on that the register does not hold: the investing body (for the chain rule)
    and state-owned premises (§13: 3 rent-free years). Kept by the health commission."""

    institution = models.OneToOneField(
        "institutions.Institution", on_delete=models.CASCADE, related_name="subsidy_profile"
    )
    investor_name = models.CharField(_("investing body"), max_length=100, blank=True)
    investor_uscc = models.CharField(
        _("investing body's unified social credit code"),
        max_length=18,
        blank=True,
        db_index=True,
        validators=[validate_uscc],
    )
    state_premises = models.BooleanField(_("rents state-owned premises"), default=False)
    rent_free_from = models.DateField(_("rent-free from"), null=True, blank=True)
    premises_note = models.CharField(_("premises"), max_length=200, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("subsidy profile")
        verbose_name_plural = _("subsidy profiles")

    def __str__(self) -> str:
        return str(self.institution)


class RentFreeReminder(models.Model):
    """A reminder that an institution's rent-free years end soon, sent once per end date."""

    profile = models.ForeignKey(SubsidyProfile, on_delete=models.CASCADE, related_name="reminders")
    ends_on = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["profile", "ends_on"], name="rent_free_reminder_once")]

    def __str__(self) -> str:
        return f"{self.profile} {self.ends_on}"
