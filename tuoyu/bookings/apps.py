from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BookingsConfig(AppConfig):
    name = "tuoyu.bookings"
    verbose_name = _("Bookings")

    def ready(self):
        from auditlog.registry import auditlog

        from .models import Application, BookingPolicy, Child, Enrolment, Visit

        # Personal data writes are audited; the ID number never enters the log, not even encrypted.
        auditlog.register(Child, exclude_fields=["id_number", "id_number_index"])
        auditlog.register(Application)
        auditlog.register(Visit)
        auditlog.register(Enrolment)
        auditlog.register(BookingPolicy)
