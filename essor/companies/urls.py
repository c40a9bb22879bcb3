from django.urls import path

from . import views

app_name = "companies"

urlpatterns = [
    path("companies/", views.company_list, name="company_list"),
    path("companies/new/", views.company_create, name="company_create"),
    path("companies/pipeline/", views.pipeline, name="pipeline"),
    path("companies/<int:pk>/", views.company_detail, name="company_detail"),
    path("companies/<int:pk>/edit/", views.company_edit, name="company_edit"),
    path("companies/<int:pk>/transition/", views.company_transition, name="company_transition"),
]
