from django.contrib import messages
from django.contrib.auth import authenticate, login
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _

from tuoyu.core.access import ANY_SIGNED_IN, public, role_required
from tuoyu.core.http import safe_next
from tuoyu.core.validators import mask_middle

from .capabilities import is_family, is_government
from .forms import PhoneCodeForm, PhoneForm, StaffLoginForm
from .models import GOVERNMENT_ROLES
from .services import phone_code_request


def landing_url(user) -> str:
    """Where a sign-in ends when no safe `next` was asked for: officials at their workspace, families at
    我的办件, institution accounts at their own page (with their institutions and its links)."""
    if is_government(user):
        return reverse("workspace:home")
    if is_family(user):
        return reverse("workspace:mine")
    return reverse("accounts:me")


@method_decorator(public, name="dispatch")
class StaffLoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = StaffLoginForm
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        # Used when the form carries no safe `next`; a staff member then passes the second factor, whose
        # page keeps this address as its own `next`.
        return landing_url(self.request.user)


@public
def phone_login(request):
    """Step 1 sends a code; step 2 (same page) checks it. Works without JavaScript."""
    step = "phone"
    if request.method == "POST" and "code" not in request.POST:
        form = PhoneForm(request.POST)
        if form.is_valid():
            try:
                phone_code_request(phone=form.cleaned_data["phone"])
            except ValidationError as exc:
                form.add_error("phone", exc)
            else:
                messages.success(request, _("A 6-digit code has been sent to your phone."))
                step = "code"
                form = PhoneCodeForm(initial={"phone": form.cleaned_data["phone"]})
    elif request.method == "POST":
        form = PhoneCodeForm(request.POST)
        step = "code"
        if form.is_valid():
            user = authenticate(request, phone=form.cleaned_data["phone"], code=form.cleaned_data["code"])
            if user is not None:
                login(request, user, backend="tuoyu.accounts.backends.PhoneCodeBackend")
                messages.success(request, _("You are signed in."))
                return redirect(safe_next(request) or landing_url(user))
            form.add_error("code", _("The code is wrong or has expired. Please request a new one."))
    else:
        form = PhoneForm()
    phone = form["phone"].value() or ""
    masked = mask_middle(phone) if len(phone) == 11 else ""
    return render(request, "accounts/phone_login.html", {"form": form, "step": step, "masked_phone": masked})


@role_required(ANY_SIGNED_IN)
def me(request):
    memberships = []
    if hasattr(request.user, "institution_memberships"):
        memberships = list(request.user.institution_memberships.select_related("institution"))
    return render(
        request,
        "accounts/me.html",
        {
            "memberships": memberships,
            "government_roles": GOVERNMENT_ROLES,
            "is_official": is_government(request.user),
            "is_family": is_family(request.user),
        },
    )


# Signing out is harmless for anyone, and must work after a session expired.
logout = public(auth_views.LogoutView.as_view())
