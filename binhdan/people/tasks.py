"""Background work of the register: checking and importing commune lists.

With the default (immediate) backend they run in the request; with a worker backend the
import page shows their progress and refreshes itself until they finish.
"""

from django_tasks import task

from binhdan.people import services


@task()
def preview_import(job_uuid: str) -> None:
    services.run_preview(job_uuid)


@task()
def commit_import(job_uuid: str) -> None:
    services.run_commit(job_uuid)
