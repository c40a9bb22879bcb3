"""Pages of the company import: upload and dry-run report, then the job and its progress."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from . import import_jobs
from .importing import DOC_NAMES, ImportFileError
from .models import ImportJob, ImportStatus
from .perms import can_import_companies


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy("CSV or Excel (XLSX), 50 MB at most."),
        widget=forms.FileInput(attrs={"accept": ".csv,.txt,.xlsx"}),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > import_jobs.MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("This file is %(size)s: the limit is %(limit)s. Split it into smaller files.")
                % {
                    "size": filesizeformat(upload.size),
                    "limit": filesizeformat(import_jobs.MAX_UPLOAD_BYTES),
                }
            )
        return upload


def _check_access(request: HttpRequest) -> None:
    # A regional manager without a region would have an empty scope: nothing to import.
    if (
        not can_import_companies(request.user)
        or import_jobs.import_scope(request.user) == frozenset()
    ):
        raise Http404


@login_required
def company_import(request: HttpRequest) -> HttpResponse:
    _check_access(request)
    if request.method == "POST":
        form = ImportUploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                job = import_jobs.import_job_create(
                    user=request.user, upload=form.cleaned_data["file"]
                )
            except ImportFileError as exc:
                form.add_error("file", str(exc))
            else:
                return redirect(job)
    else:
        form = ImportUploadForm()
    return render(
        request,
        "companies/import_form.html",
        {
            "form": form,
            "jobs": import_jobs.import_job_list(user=request.user)[:10],
            "columns": list(DOC_NAMES.values()),
        },
    )


@login_required
def import_job(request: HttpRequest, pk: int) -> HttpResponse:
    _check_access(request)
    job = import_jobs.import_job_get(user=request.user, pk=pk)
    header_errors = any(error.get("line") == 1 for error in job.errors)
    to_write = job.created_count + job.updated_count
    return render(
        request,
        "companies/import_job.html",
        {
            "job": job,
            "checked": job.status == ImportStatus.CHECKED,
            "waiting": job.status in (ImportStatus.PENDING, ImportStatus.RUNNING),
            "can_import": job.status == ImportStatus.CHECKED
            and not job.error_count
            and to_write > 0,
            "can_import_partial": job.status == ImportStatus.CHECKED
            and job.error_count > 0
            and not header_errors
            and to_write > 0,
            "nothing_to_do": job.status == ImportStatus.CHECKED
            and not header_errors
            and to_write == 0,
            "more_errors": max(0, job.error_count - len(job.errors)),
        },
    )


@login_required
@require_POST
def import_job_run(request: HttpRequest, pk: int) -> HttpResponse:
    _check_access(request)
    job = import_jobs.import_job_get(user=request.user, pk=pk)
    mode = request.POST.get("mode")
    if mode not in ("all", "partial"):
        messages.error(request, _("Choose how to import the file."))
    elif not import_jobs.import_job_start(job=job, actor=request.user, partial=mode == "partial"):
        messages.error(request, _("This import has already been started."))
    return redirect(job)


def _status(job: ImportJob) -> dict[str, Any]:
    return {
        "status": job.status,
        "label": job.get_status_display(),
        "done": job.progress_done,
        "total": job.progress_total,
        "finished": job.is_finished,
    }


@login_required
def import_job_status(request: HttpRequest, pk: int) -> JsonResponse:
    _check_access(request)
    return JsonResponse(_status(import_jobs.import_job_get(user=request.user, pk=pk)))
