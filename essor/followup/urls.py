from django.urls import path

from . import views

app_name = "followup"

urlpatterns = [
    path("impact/", views.impact, name="impact"),
    path("impact/survey/<int:pk>/", views.survey, name="survey"),
]
