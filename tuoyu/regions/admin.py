from django.contrib import admin

from .models import Department, Population, Unit


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["name", "code"]
    raw_id_fields = ["parent"]


@admin.register(Population)
class PopulationAdmin(admin.ModelAdmin):
    list_display = ["unit", "year", "total", "under_three", "illustrative"]
    list_filter = ["year", "illustrative"]
    raw_id_fields = ["unit"]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "code", "unit", "is_health_commission"]
    raw_id_fields = ["unit"]
