from django.urls import path

from . import export_views, import_views, views

app_name = "companies"

urlpatterns = [
    path("companies/", views.company_list, name="company_list"),
    path("companies/new/", views.company_create, name="company_create"),
    path("companies/pipeline/", views.pipeline, name="pipeline"),
    path("companies/<int:pk>/", views.company_detail, name="company_detail"),
    path("companies/<int:pk>/edit/", views.company_edit, name="company_edit"),
    path("companies/<int:pk>/transition/", views.company_transition, name="company_transition"),
    path(
        "companies/<int:pk>/establishments/new/",
        views.establishment_create,
        name="establishment_create",
    ),
    path("companies/<int:pk>/contacts/new/", views.contact_create, name="contact_create"),
    path(
        "companies/<int:pk>/contacts/<int:contact_pk>/erase/",
        views.contact_erase_view,
        name="contact_erase",
    ),
    path(
        "companies/<int:pk>/contacts/<int:contact_pk>/export.json",
        views.contact_export_view,
        name="contact_export",
    ),
    path("companies/import/", import_views.company_import, name="company_import"),
    path("companies/import/<int:pk>/", import_views.import_job, name="import_job"),
    path("companies/import/<int:pk>/run/", import_views.import_job_run, name="import_job_run"),
    path(
        "companies/import/<int:pk>/status/",
        import_views.import_job_status,
        name="import_job_status",
    ),
    path("companies/export.csv", export_views.company_export_csv, name="company_export_csv"),
    path("companies/export.xlsx", export_views.company_export_xlsx, name="company_export_xlsx"),
]
