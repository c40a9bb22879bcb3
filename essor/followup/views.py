from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from . import selectors
from .enums import MONEY_KINDS, ImpactKind, SurveyStatus
from .forms import ImpactSurveyForm
from .services import SurveyError, survey_submit


@login_required
def survey(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.survey_for_company_user(user=request.user, pk=pk)
    form = ImpactSurveyForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and item.status != SurveyStatus.SUBMITTED and form.is_valid():
        try:
            survey_submit(survey=item, actor=request.user, figures=form.figures())
        except SurveyError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Thank you: your answers have been recorded."))
        return redirect("followup:survey", pk=item.pk)
    return render(
        request,
        "followup/survey.html",
        {"survey": item, "form": form, "figures": item.figures.all(), "kinds": ImpactKind},
    )


@login_required
def impact(request: HttpRequest) -> HttpResponse:
    rows = selectors.impact_report(user=request.user)
    total = selectors.impact_total(rows)
    kinds = [(k.value, k.label, k in MONEY_KINDS) for k in ImpactKind]
    context = {
        "rows": selectors.hide_small(rows),
        "total": selectors.hide_small([total])[0] if total else None,
        "kinds": kinds,
        "k": settings.ESSOR_SMALL_COUNT_THRESHOLD,
    }
    return render(request, "followup/impact.html", context)
