from django.contrib import admin

from .models import Objective, Programme


class ObjectiveInline(admin.TabularInline):
    model = Objective
    extra = 0


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "launched_on"]
    inlines = [ObjectiveInline]
