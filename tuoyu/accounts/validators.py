from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext, ngettext


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's rule with our own message: Django 5.2 reworded its message and its Chinese catalogue has
    not caught up, so an operator registering would read English.

    Role-aware: institution accounts need `min_length`; every other password (government staff, and an
    account an administrator creates, whose role is set only after its password) needs
    `staff_min_length`. Families sign in by SMS code and have no password.
    """

    def __init__(self, min_length=10, staff_min_length=12):
        super().__init__(min_length=min_length)
        self.staff_min_length = max(min_length, staff_min_length)

    def min_length_for(self, user) -> int:
        from .models import INSTITUTION_ROLES

        institution = getattr(user, "role", None) in INSTITUTION_ROLES and not getattr(
            user, "is_staff", False
        )
        return self.min_length if institution else self.staff_min_length

    def validate(self, password, user=None):
        # The instance is shared by every request (Django caches the validators): nothing is stored on it.
        min_length = self.min_length_for(user)
        if len(password) < min_length:
            raise ValidationError(
                self._too_short(min_length), code="password_too_short", params={"min_length": min_length}
            )

    @staticmethod
    def _too_short(min_length: int) -> str:
        return ngettext(
            "This password is too short. It must contain at least %(min_length)d character.",
            "This password is too short. It must contain at least %(min_length)d characters.",
            min_length,
        ) % {"min_length": min_length}

    def get_error_message(self):
        return self._too_short(self.min_length)

    def get_help_text(self):
        return (
            ngettext(
                "Your password must contain at least %(min_length)d character.",
                "Your password must contain at least %(min_length)d characters.",
                self.min_length,
            )
            % {"min_length": self.min_length}
            + " "
            + gettext("Government staff accounts need at least %(min_length)d.")
            % {"min_length": self.staff_min_length}
        )
