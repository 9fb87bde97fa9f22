"""The what-if (/subsidies/whatif/, the commission): change rates or thresholds in a form and see, without
saving anything, what a period (or a whole year) would cost per institution, per street or town and in
total against the year's budget, next to the rules on record.

A GET with parameters, so a what-if is a link to keep and share, and nothing can be written: the changed
values become an unsaved RuleSet in force from the period's start, given to the same computation a
proposal uses (selectors/compute.py). Values left out of the query keep the rules in force."""

from django.shortcuts import render
from django.views.decorators.http import require_safe

from tuoyu.accounts import capabilities
from tuoyu.core.access import role_required
from tuoyu.core.workdays import beijing_today

from ..forms.whatif import RULE_FIELDS, WhatIfForm, initial_from
from ..models import RuleSet
from ..selectors.lists import rule_set_in_force
from ..selectors.summary import whatif

SHOWN_INSTITUTIONS = 300  # a district's register fits; the rest are in the totals


@role_required(*capabilities.SUBSIDY_MANAGERS)
@require_safe
def whatif_page(request):
    today = beijing_today()
    current = rule_set_in_force(today)
    initial = {"year": str(today.year), **initial_from(current)}
    submitted = bool(request.GET)
    if submitted:
        # Whatever the query leaves out keeps the value in force (a link may name only the changed rate).
        data = {**initial, **{key: request.GET.get(key) for key in request.GET}}
        if data.get("period"):
            data.pop("year", None)
        form = WhatIfForm(data)
    else:
        form = WhatIfForm(initial=initial)
    found = None
    status = 200
    if current is None:
        pass  # nothing to compare with: the page says no rules are loaded
    elif submitted and form.is_valid():
        period = form.simulated_period()
        changed = RuleSet(
            effective_from=period.start,
            name=f"{current.name} (what-if)",
            rent_free_years=current.rent_free_years,
            rent_free_reminder_days=current.rent_free_reminder_days,
            **form.rule_values(),
        )
        found = whatif(period, changed)
    elif submitted:
        status = 400
    return render(
        request,
        "subsidies/whatif.html",
        {
            "form": form,
            "current": current,
            "found": found,
            "rule_fields": [form[name] for name in RULE_FIELDS],
            "changed": [
                (form[name].label, getattr(current, name), form.cleaned_data[name])
                for name in RULE_FIELDS
                if found is not None and form.cleaned_data[name] != getattr(current, name)
            ],
            "institutions": found.institutions[:SHOWN_INSTITUTIONS] if found else [],
            "more": max(0, len(found.institutions) - SHOWN_INSTITUTIONS) if found else 0,
        },
        status=status,
    )
