from django.urls import path

from .views import experts, matching, own

app_name = "experts"

urlpatterns = [
    path("experts/", experts.expert_list, name="expert_list"),
    path("experts/new/", experts.expert_create, name="expert_create"),
    path("experts/me/", own.my_profile, name="my_profile"),
    path(
        "experts/me/conflicts/<int:pk>/delete/",
        own.my_conflict_delete,
        name="my_conflict_delete",
    ),
    path("experts/<int:pk>/", experts.expert_detail, name="expert_detail"),
    path("experts/<int:pk>/transition/", experts.expert_transition, name="expert_transition"),
    path("experts/<int:pk>/missions/new/", experts.mission_create, name="mission_create"),
    path("missions/", own.my_missions, name="my_missions"),
    path("missions/company/", own.company_missions, name="company_missions"),
    path("missions/<int:pk>/transition/", own.mission_transition, name="mission_transition"),
    path("missions/<int:pk>/rate/", own.mission_rate, name="mission_rate"),
    path("matching/", matching.matching_index, name="matching_index"),
    path("matching/firms/<int:pk>/needs/", matching.company_needs, name="company_needs"),
    path("matching/runs/<int:pk>/", matching.matching_run, name="matching_run"),
    path("matching/runs/<int:pk>/change/", matching.matching_pair, name="matching_pair"),
    path("matching/runs/<int:pk>/send/", matching.matching_send, name="matching_send"),
    path("matching/<str:code>/", matching.matching_region, name="matching_region"),
    path("matching/<str:code>/run/", matching.matching_run_new, name="matching_run_new"),
]
