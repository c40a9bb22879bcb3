"""Import jobs: an uploaded company file, its dry run, then the import as a background task.

The dry run happens at upload, so the person sees the report before anything is written;
the import itself runs in the task worker on the stored file, with the scope of the person
who uploaded it. Only people who manage that whole scope see the job: outside it, the job
does not exist (404, design.md §2).
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from essor.accounts.perms import scope_of

from .importing import ImportFileError, ImportResult, import_companies
from .models import ImportJob, ImportStatus

logger = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
# The job page lists this many errors; the counts cover them all.
ERRORS_KEPT = 1_000


def import_scope(user: Any) -> frozenset[int] | None:
    """The regions whose companies the user may import: None for every region."""
    scope = scope_of(user)
    return None if scope.is_national_admin else scope.region_ids


def import_job_list(*, user: Any) -> QuerySet[ImportJob]:
    """The jobs the user may see: all for a national admin; for a regional manager, the jobs
    whose regions are all theirs (a file may hold companies of each of its regions)."""
    scope = scope_of(user)
    jobs = ImportJob.objects.select_related("created_by")
    if scope.is_national_admin:
        return jobs
    if not scope.is_regional_manager or not scope.region_ids:
        return jobs.none()
    links = ImportJob.regions.through.objects
    own = links.filter(region_id__in=scope.region_ids).values("importjob_id")
    foreign = links.exclude(region_id__in=scope.region_ids).values("importjob_id")
    return jobs.filter(is_national=False, pk__in=own).exclude(pk__in=foreign)


def import_job_get(*, user: Any, pk: int) -> ImportJob:
    """The job, or 404 when it is outside the user's scope."""
    return get_object_or_404(import_job_list(user=user), pk=pk)


def _record(job: ImportJob, result: ImportResult) -> None:
    job.row_count = result.rows
    job.created_count = result.created
    job.updated_count = result.updated
    job.unchanged_count = result.unchanged
    job.error_count = result.error_count
    job.invalid_row_count = result.invalid_rows
    job.errors = [error.as_dict() for error in result.errors[:ERRORS_KEPT]]
    job.written = result.written


def import_job_create(*, user: Any, upload: UploadedFile) -> ImportJob:
    """Store the upload and check it (dry run). A file that cannot be read at all raises
    `ImportFileError` and nothing is stored."""
    allowed = import_scope(user)
    if allowed is not None and not allowed:
        raise PermissionError("only national admins and regional managers import companies")
    data = upload.read()
    name = (upload.name or "import").rsplit("/", 1)[-1][:200]
    result = import_companies(
        data, filename=name, actor=user, allowed_region_ids=allowed, dry_run=True
    )
    job = ImportJob(
        created_by=user,
        is_national=allowed is None,
        original_name=name,
        language=translation.get_language() or settings.LANGUAGE_CODE,
        status=ImportStatus.CHECKED,
    )
    _record(job, result)
    with transaction.atomic():
        job.file.save(name, ContentFile(data), save=False)
        job.save()
        if allowed is not None:
            job.regions.set(allowed)
    return job


def import_job_start(*, job: ImportJob, actor: Any, partial: bool) -> bool:
    """Queue the import of a checked job; False when it was already started."""
    from .tasks import company_import_run

    started = ImportJob.objects.filter(pk=job.pk, status=ImportStatus.CHECKED).update(
        status=ImportStatus.PENDING, partial=partial, run_by=actor, progress_done=0
    )
    if not started:
        return False
    company_import_run.enqueue(job_id=job.pk)
    return True


class _ProgressWriter:
    """Writes a job's progress where the job page sees it while the import's transaction is
    still open: through a second connection on PostgreSQL. SQLite has one writer at a time,
    so there the progress is written in the import's transaction and seen at the end."""

    def __init__(self, job_id: int) -> None:
        self.job_id = job_id
        self.side = (
            connections.create_connection(DEFAULT_DB_ALIAS)
            if connection.vendor == "postgresql"
            else None
        )

    def __call__(self, done: int, total: int) -> None:
        if self.side is None:
            ImportJob.objects.filter(pk=self.job_id).update(
                progress_done=done, progress_total=total
            )
            return
        table = self.side.ops.quote_name(ImportJob._meta.db_table)
        with self.side.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET progress_done = %s, progress_total = %s WHERE id = %s",  # noqa: S608 (table name from the model)
                [done, total, self.job_id],
            )

    def close(self) -> None:
        if self.side is not None:
            self.side.close()


def import_job_execute(*, job_id: int) -> None:
    """Run a queued import (the task's body). Every outcome is recorded on the job."""
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportStatus.PENDING).update(
        status=ImportStatus.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return  # already run: a task delivered twice does nothing
    job = ImportJob.objects.get(pk=job_id)
    allowed: Collection[int] | None = (
        None if job.is_national else set(job.regions.values_list("pk", flat=True))
    )
    progress = _ProgressWriter(job.pk)
    with translation.override(job.language):
        try:
            with job.file.open("rb") as handle:
                data = handle.read()
            result = import_companies(
                data,
                filename=job.original_name,
                actor=job.run_by,
                allowed_region_ids=allowed,
                partial=job.partial,
                on_progress=progress,
                audit_object=job,
            )
        except (ImportFileError, OSError) as exc:
            _fail(job, str(exc))
        except Exception:
            logger.exception("company import job %s failed", job.pk)
            _fail(job, _("The import stopped on an unexpected error; nothing was written."))
        else:
            _record(job, result)
            job.progress_total = job.progress_done = result.created + result.updated
            job.status = ImportStatus.DONE if result.written else ImportStatus.FAILED
            if not result.written:
                job.failure = _("Nothing was written: the file has errors.")
            job.finished_at = timezone.now()
            job.save()
            if result.written:
                # The companies are in the database now; the upload is no longer needed.
                job.file.delete(save=True)
        finally:
            progress.close()


def _fail(job: ImportJob, message: str) -> None:
    job.status = ImportStatus.FAILED
    job.failure = message
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "failure", "finished_at"])
