"""Background work of the companies app (Django tasks; `manage.py db_worker` runs them)."""

from __future__ import annotations

from django.tasks import task

from .import_jobs import import_job_execute


@task
def company_import_run(job_id: int) -> None:
    """Import the stored file of a confirmed import job."""
    import_job_execute(job_id=job_id)
