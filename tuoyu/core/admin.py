from django.contrib import admin
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from .models import CalendarDay, OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ["created_at", "channel", "recipient", "status", "attempts"]
    list_filter = ["channel", "status"]
    readonly_fields = [
        "channel",
        "recipient",
        "body",
        "status",
        "attempts",
        "last_error",
        "created_at",
        "sent_at",
    ]


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ["date", "weekday", "is_workday", "name", "note"]
    list_filter = ["is_workday"]
    date_hierarchy = "date"
    search_fields = ["name", "note"]

    @admin.display(description=_("weekday"), ordering="date")
    def weekday(self, obj: CalendarDay) -> str:
        # The weekday shows a slip at a glance: an adjusted working day belongs on a Saturday or Sunday.
        # Django's own catalogue translates the day names.
        return formats.date_format(obj.date, "l")
