from django.contrib import admin, messages
from django.utils import formats
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import CalendarDay, OutboxEvent, OutboxMessage
from .notifications import outbox_retry


class ReadOnlyAdminMixin:
    """Rows that only their app's services write (workflow records with their events, the register, the
    totals kept in step): the admin shows them, and a change goes through the service that validates it
    and leaves the audit trail and the timeline."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    pass


class ReadOnlyInline(ReadOnlyAdminMixin, admin.TabularInline):
    extra = 0


class OutboxEventInline(admin.TabularInline):
    """Each attempt and each retry, with the provider's error: read-only, the worker writes them."""

    model = OutboxEvent
    fields = ["at", "from_status", "to_status", "by", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    inlines = [OutboxEventInline]
    list_display = ["created_at", "channel", "recipient", "status", "attempts"]
    list_filter = ["channel", "status"]
    readonly_fields = [
        "channel",
        "recipient",
        "body",
        "status",
        "attempts",
        "last_error",
        "next_attempt_at",
        "created_at",
        "sent_at",
    ]
    actions = ["retry"]

    @admin.action(description=_("Send the selected abandoned messages again"))
    def retry(self, request, queryset):
        count = outbox_retry(messages=queryset, by=request.user)
        self.message_user(
            request,
            ngettext(
                "%(count)d abandoned message will be sent again.",
                "%(count)d abandoned messages will be sent again.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )


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
