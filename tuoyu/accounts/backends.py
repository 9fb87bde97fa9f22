from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError

from .services import phone_code_verify


class PhoneCodeBackend(ModelBackend):
    """Families sign in with their mobile number and a code sent by SMS."""

    def authenticate(self, request, phone=None, code=None, **kwargs):
        if phone is None or code is None:
            return None
        try:
            user = phone_code_verify(phone=phone, code=code)
        except ValidationError:
            return None
        return user if self.user_can_authenticate(user) else None
