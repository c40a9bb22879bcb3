from django.urls import path

from . import views

app_name = "funding"

urlpatterns = [
    path("funding/", views.overview, name="overview"),
    path("funding/budget/", views.budget_edit, name="budget_edit"),
    path("funding/consumption.<str:fmt>", views.consumption_export, name="consumption_export"),
    path("funding/envelopes/<str:code>/", views.envelope_detail, name="envelope_detail"),
    path(
        "funding/envelopes/<str:code>/allocate/", views.envelope_allocate, name="envelope_allocate"
    ),
    path("funding/envelopes/<str:code>/committee/", views.committee, name="committee"),
    path("funding/ledger/<int:pk>/reverse/", views.entry_reverse, name="entry_reverse"),
    path("funding/requests/", views.request_list, name="request_list"),
    path("funding/requests/export.<str:fmt>", views.request_export, name="request_export"),
    path("funding/requests/new/<int:company_pk>/", views.request_create, name="request_create"),
    path("funding/requests/<int:pk>/", views.request_detail, name="request_detail"),
    path("funding/requests/<int:pk>/edit/", views.request_edit, name="request_edit"),
    path("funding/requests/<int:pk>/submit/", views.request_submit, name="request_submit"),
    path("funding/requests/<int:pk>/withdraw/", views.request_withdraw, name="request_withdraw"),
    path("funding/requests/<int:pk>/note/", views.request_note, name="request_note"),
    path("funding/requests/<int:pk>/decide/", views.request_decide, name="request_decide"),
    path("funding/requests/<int:pk>/pay/", views.payment_create, name="payment_create"),
    path("funding/requests/<int:pk>/close/", views.request_close, name="request_close"),
    path(
        "funding/requests/<int:pk>/quotes/<int:line_pk>/",
        views.quote_download,
        name="quote_download",
    ),
    path("funding/companies/<int:pk>/", views.company_aids, name="company_aids"),
    path(
        "funding/companies/<int:pk>/declare/", views.declared_aid_create, name="declared_aid_create"
    ),
]
