from django.urls import path

from . import views

app_name = "actionplans"

urlpatterns = [
    path("companies/<int:company_pk>/action-plans/", views.company_plans, name="company_plans"),
    path("diagnostics/<int:diagnostic_pk>/action-plan/new/", views.plan_create, name="plan_create"),
    path("action-plans/", views.plan_queue, name="plan_queue"),
    path("action-plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("action-plans/<int:pk>/actions/new/", views.action_create, name="action_create"),
    path(
        "action-plans/<int:pk>/actions/<int:action_pk>/edit/",
        views.action_edit,
        name="action_edit",
    ),
    path(
        "action-plans/<int:pk>/actions/<int:action_pk>/delete/",
        views.action_delete,
        name="action_delete",
    ),
    path(
        "action-plans/<int:pk>/actions/<int:action_pk>/progress/",
        views.action_progress,
        name="action_progress",
    ),
    path("action-plans/<int:pk>/submit/", views.plan_submit, name="plan_submit"),
    path(
        "action-plans/<int:pk>/company-validate/",
        views.plan_company_validate,
        name="plan_company_validate",
    ),
    path("action-plans/<int:pk>/validate/", views.plan_validate, name="plan_validate"),
    path("action-plans/<int:pk>/return/", views.plan_return, name="plan_return"),
]
