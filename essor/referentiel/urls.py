from django.urls import path

from . import views

app_name = "referentiel"

urlpatterns = [
    path("referentiels/", views.version_list, name="version_list"),
    path("referentiels/publish/", views.version_publish, name="version_publish"),
    path("referentiels/<int:pk>/", views.version_detail, name="version_detail"),
    path("referentiels/<int:pk>/export/", views.version_export, name="version_export"),
]
