from django.contrib import admin

from .models import FollowUp, ImpactFigure, ImpactSurvey


@admin.register(FollowUp)
class FollowUpAdmin(admin.ModelAdmin):
    list_display = ["company", "started_on", "t1_due_on", "region_code"]
    list_filter = ["region_code"]


class ImpactFigureInline(admin.TabularInline):
    model = ImpactFigure
    extra = 0


@admin.register(ImpactSurvey)
class ImpactSurveyAdmin(admin.ModelAdmin):
    list_display = ["company", "due_on", "status", "reminders_sent", "submitted_at"]
    list_filter = ["status", "region_code"]
    inlines = [ImpactFigureInline]
