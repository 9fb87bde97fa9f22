from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from .models import AccessLog, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "display_name", "role", "department", "unit", "is_active"]
    list_filter = ["role", "is_active"]
    search_fields = ["username", "display_name", "phone"]
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        ("托育", {"fields": ("role", "phone", "display_name", "department", "unit")}),
    )
    raw_id_fields = ["department", "unit"]


@admin.register(AccessLog)
class AccessLogAdmin(admin.ModelAdmin):
    """Read-only: the access log is evidence, so nobody edits or removes an entry through the site."""

    list_display = ["at", "username", "kind", "object_label", "detail", "ip"]
    list_filter = ["kind"]
    search_fields = ["username", "object_label"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
