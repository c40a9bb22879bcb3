from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from essor.accounts.perms import scope_of

from . import selectors
from .forms import PublishForm
from .loader import LoadError
from .perms import can_publish_referentiel
from .services import export_text, parse_upload, referentiel_of, referentiel_publish


@login_required
def version_list(request: HttpRequest) -> HttpResponse:
    versions = selectors.referentiel_version_list(user=request.user)
    return render(
        request,
        "referentiel/version_list.html",
        {
            "versions": versions,
            "can_publish": can_publish_referentiel(request.user),
            "show_usage": scope_of(request.user).is_national_admin,
        },
    )


@login_required
def version_detail(request: HttpRequest, pk: int) -> HttpResponse:
    row = selectors.referentiel_version_get(user=request.user, pk=pk)
    ref = referentiel_of(row)
    return render(
        request,
        "referentiel/version_detail.html",
        {
            "version": row,
            "ref": ref,
            "in_use": row.diagnostics.exists(),
            "question_count": len(ref.questions),
        },
    )


@login_required
def version_export(request: HttpRequest, pk: int) -> HttpResponse:
    row = selectors.referentiel_version_get(user=request.user, pk=pk)
    fmt = "json" if request.GET.get("format") == "json" else "yaml"
    response = HttpResponse(
        export_text(row, fmt),
        content_type="application/json" if fmt == "json" else "application/yaml; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{row.ref_id}-{row.version}.{fmt}"'
    return response


@login_required
def version_publish(request: HttpRequest) -> HttpResponse:
    if not can_publish_referentiel(request.user):
        raise Http404
    form = PublishForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            document = parse_upload(upload.name, upload.read())
            version, created = referentiel_publish(document=document, actor=request.user)
        except LoadError as exc:
            errors = [str(exc)]
        except ValidationError as exc:
            errors = list(exc.messages)
        else:
            if created:
                messages.success(
                    request, _("Version %(version)s published.") % {"version": str(version)}
                )
            else:
                messages.info(
                    request,
                    _("Version %(version)s was already published with this content.")
                    % {"version": str(version)},
                )
            return redirect(version)
    return render(request, "referentiel/version_publish.html", {"form": form, "errors": errors})
