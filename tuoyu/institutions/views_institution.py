"""Pages for an institution's own people: the photos on its public page."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tuoyu.accounts import capabilities
from tuoyu.core.access import role_required
from tuoyu.core.forms import add_service_errors

from . import services
from .forms import PhotoForm
from .models import Institution, InstitutionPhoto
from .selectors import institutions_of


def _own_institution(user, pk: int) -> Institution:
    institution = institutions_of(user).filter(pk=pk).first()
    if institution is None:
        raise Http404
    return institution


@role_required(*capabilities.INSTITUTION_OFFICE)
def manage_photos(request, pk: int):
    institution = _own_institution(request.user, pk)
    form = PhotoForm()
    status = 200
    if request.method == "POST":
        form = PhotoForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.institution_photo_add(
                    institution=institution,
                    by=request.user,
                    upload=form.cleaned_data["image"],
                    caption=form.cleaned_data["caption"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc, default_field="image")
            else:
                messages.success(request, _("The photo is on your public page now."))
                return redirect("institutions:photos", pk=institution.pk)
        status = 400
    return render(
        request,
        "institutions/photos.html",
        {
            "institution": institution,
            "photos": list(institution.photos.all()),
            "form": form,
            "max_photos": services.MAX_PHOTOS,
        },
        status=status,
    )


@role_required(*capabilities.INSTITUTION_OFFICE)
@require_POST
def remove_photo(request, pk: int, photo_pk: int):
    institution = _own_institution(request.user, pk)
    photo = get_object_or_404(InstitutionPhoto, pk=photo_pk, institution=institution)
    services.institution_photo_remove(photo=photo, by=request.user)
    messages.success(request, _("The photo was removed."))
    return redirect("institutions:photos", pk=institution.pk)
