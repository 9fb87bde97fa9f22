from django.contrib import admin

from .models import ModeratedWord, Open311Client, RoutingRule


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    """The district's routing table: which department answers each category, in how many working days."""

    list_display = ["category", "department", "involve_street", "acknowledge_days", "answer_days"]
    filter_horizontal = ["co_departments"]


@admin.register(ModeratedWord)
class ModeratedWordAdmin(admin.ModelAdmin):
    search_fields = ["word"]


@admin.register(Open311Client)
class Open311ClientAdmin(admin.ModelAdmin):
    """Keys are made with `manage.py open311_client` (shown once); here a client is renamed or switched off."""

    list_display = ["name", "active", "created_at"]
    fields = ["name", "active"]

    def has_add_permission(self, request):
        return False


# Complaints are deliberately not in the admin: the reporter's identity is for the handling
# departments only, and every change goes through the services and their timeline.
