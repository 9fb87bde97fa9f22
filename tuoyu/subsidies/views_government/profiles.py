"""An institution's subsidy profile (/subsidies/profiles/<institution>/): every official reads it, the
commission edits it (the investing body and its credit code, state-owned premises and the day their
rent-free years start). Views parse, authorise and render; services.profiles writes."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from tuoyu.accounts import capabilities
from tuoyu.core.access import role_required
from tuoyu.core.forms import add_service_errors
from tuoyu.core.workdays import beijing_today
from tuoyu.institutions.models import Institution

from ..forms.profiles import ProfileForm
from ..models import SubsidyProfile
from ..selectors.lists import rent_free_row, rule_sets
from ..services.profiles import FIELDS, profile_save


@role_required(*capabilities.SUBSIDY_VIEWERS, write=capabilities.SUBSIDY_MANAGERS)
def profile(request, institution_pk: int):
    institution = get_object_or_404(Institution.objects.select_related("unit"), pk=institution_pk)
    found = SubsidyProfile.objects.filter(institution=institution).first()
    manages = capabilities.can_manage_subsidies(request.user)
    status = 200
    if request.method == "POST":
        form = ProfileForm(request.POST)
        if form.is_valid():
            try:
                profile_save(institution=institution, by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The subsidy profile is saved."))
                return redirect("subsidies:profile", institution_pk=institution.pk)
        status = 400
    else:
        initial = {name: getattr(found, name) for name in FIELDS} if found else {}
        form = ProfileForm(initial=initial)
    rent_free = None
    if found is not None and found.state_premises and found.rent_free_from:
        found.institution = institution
        rent_free = rent_free_row(found, rule_sets(), beijing_today())
    return render(
        request,
        "subsidies/profile.html",
        {
            "institution": institution,
            "profile": found,
            "form": form,
            "manages": manages,
            "rent_free": rent_free,
        },
        status=status,
    )
