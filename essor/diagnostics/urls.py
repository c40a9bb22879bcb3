from django.urls import path

from .views import contact_requests, expert, pages, self_assessment

app_name = "diagnostics"

urlpatterns = [
    # the public self-assessment
    path("autodiagnostic/", self_assessment.self_start, name="self_start"),
    path(
        "autodiagnostic/questions/<str:pillar_id>/",
        self_assessment.self_pillar,
        name="self_pillar",
    ),
    path("autodiagnostic/result/", self_assessment.self_result, name="self_result"),
    path("autodiagnostic/contact/", self_assessment.self_contact, name="self_contact"),
    path("autodiagnostic/thanks/", self_assessment.self_thanks, name="self_thanks"),
    path("autodiagnostic/record/", self_assessment.self_link, name="self_link"),
    # visitors' requests naming a firm already followed (the regional platform's inbox)
    path(
        "contact-requests/",
        contact_requests.contact_request_list,
        name="contact_request_list",
    ),
    path(
        "contact-requests/<int:pk>/",
        contact_requests.contact_request_detail,
        name="contact_request",
    ),
    path(
        "contact-requests/<int:pk>/attach/",
        contact_requests.contact_request_attach_view,
        name="contact_request_attach",
    ),
    path(
        "contact-requests/<int:pk>/dismiss/",
        contact_requests.contact_request_dismiss_view,
        name="contact_request_dismiss",
    ),
    # a firm's diagnostics
    path(
        "companies/<int:company_pk>/diagnostics/",
        expert.company_diagnostics,
        name="company_diagnostics",
    ),
    path(
        "companies/<int:company_pk>/diagnostics/new/",
        expert.diagnostic_new,
        name="diagnostic_new",
    ),
    path(
        "companies/<int:company_pk>/diagnostics/compare/",
        pages.diagnostic_compare,
        name="diagnostic_compare",
    ),
    # one diagnostic
    path("diagnostics/", expert.diagnostic_list, name="diagnostic_list"),
    path("diagnostics/<int:pk>/", pages.diagnostic_detail, name="diagnostic_detail"),
    path(
        "diagnostics/<int:pk>/answers/<str:pillar_id>/",
        expert.diagnostic_pillar,
        name="diagnostic_pillar",
    ),
    path("diagnostics/<int:pk>/summary/", expert.diagnostic_summary, name="diagnostic_summary"),
    path("diagnostics/<int:pk>/submit/", expert.diagnostic_submit_view, name="diagnostic_submit"),
    path(
        "diagnostics/<int:pk>/validate/",
        expert.diagnostic_validate_view,
        name="diagnostic_validate",
    ),
    path("diagnostics/<int:pk>/reopen/", expert.diagnostic_reopen_view, name="diagnostic_reopen"),
    path("diagnostics/<int:pk>/report/", pages.diagnostic_report, name="diagnostic_report"),
    path(
        "diagnostics/<int:pk>/report.pdf", pages.diagnostic_report_pdf, name="diagnostic_report_pdf"
    ),
]
