from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from .models import User


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
