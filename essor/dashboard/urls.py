from django.urls import path

from . import views

app_name = "dashboard"

urlpatterns = [path("programme/", views.programme, name="programme")]
