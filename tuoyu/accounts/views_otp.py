"""Staff second factor pages (enrol an authenticator app, enter a code) and the sign-in lockout page."""

from datetime import timedelta

import django_otp
from axes.helpers import get_cool_off
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_static.models import StaticDevice

from tuoyu.core.access import ANY_SIGNED_IN, role_required
from tuoyu.core.http import safe_next
from tuoyu.core.security import needs_second_factor

from . import otp
from .forms import OtpCodeForm
from .views import landing_url


def _continue(request):
    return redirect(safe_next(request) or landing_url(request.user))


@role_required(ANY_SIGNED_IN)
def otp_setup(request):
    """First sign-in of a staff member: scan the QR code, confirm with one code, keep the recovery codes."""
    user = request.user
    if not needs_second_factor(user):
        return redirect("accounts:me")
    if otp.totp_device_of(user) is not None:
        # Replacing a device needs the current one first; after that this page is not for them.
        return _continue(request) if user.is_verified() else redirect("accounts:otp_verify")
    device = otp.otp_enrol_start(user=user)
    form = OtpCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = otp.otp_enrol_confirm(user=user, device=device, token=form.cleaned_data["code"])
        if codes is not None:
            device.refresh_from_db()
            django_otp.login(request, device)
            # Shown once, in this answer only: nothing keeps them readable afterwards.
            return render(
                request, "accounts/otp_recovery_codes.html", {"codes": codes, "next": safe_next(request)}
            )
        form.add_error("code", _("The code is wrong. Check the time on your phone and try the newest code."))
    return render(
        request,
        "accounts/otp_setup.html",
        {
            "form": form,
            "qr": otp.qr_data_uri(device),
            "key": otp.key_text(device),
            "next": safe_next(request),
        },
    )


@role_required(ANY_SIGNED_IN)
def otp_verify(request):
    """After the password: a code from the authenticator app, or one recovery code."""
    user = request.user
    if not needs_second_factor(user) or user.is_verified():
        return _continue(request)
    if otp.totp_device_of(user) is None:
        query = request.META.get("QUERY_STRING", "")
        return redirect(reverse("accounts:otp_setup") + (f"?{query}" if query else ""))
    form = OtpCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = otp.otp_verify(user=user, token=form.cleaned_data["code"])
        if result.device is not None:
            django_otp.login(request, result.device)
            if isinstance(result.device, StaticDevice):
                left = otp.recovery_codes_left(user)
                messages.warning(
                    request,
                    ngettext(
                        "You used a recovery code. %(left)s code is left; ask the system administrator "
                        "for new ones when few are left.",
                        "You used a recovery code. %(left)s codes are left; ask the system administrator "
                        "for new ones when few are left.",
                        left,
                    )
                    % {"left": left},
                )
            return _continue(request)
        if result.locked_until is not None:
            form.add_error("code", _("Too many wrong codes. Please wait a moment and try again."))
        else:
            form.add_error(
                "code", _("The code is wrong. Check the time on your phone and try the newest code.")
            )
    return render(request, "accounts/otp_verify.html", {"form": form, "next": safe_next(request)})


def lockout(request, response=None, credentials=None):
    """django-axes' answer to a locked-out sign-in: the site's page, in the visitor's language, with when
    to try again. 429 Too Many Requests, as axes answers by default."""
    cool_off = get_cool_off(request) or timedelta(0)
    minutes = max(1, round(cool_off.total_seconds() / 60))
    until = timezone.localtime(timezone.now() + cool_off)
    return render(
        request,
        "accounts/lockout.html",
        {"minutes": minutes, "until": until},
        status=429,
    )
