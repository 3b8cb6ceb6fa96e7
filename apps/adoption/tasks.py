"""Background work about adoptions. Tasks take ids and call services or selectors."""

from celery import shared_task

from . import reminders


@shared_task(ignore_result=True)
def send_reminders_task() -> int:
    """Daily: remind owners of stale and soon-due adoptions (see ``reminders.py``)."""
    return reminders.send_reminders()


@shared_task(ignore_result=True)
def edition_change_notify_task(edition_id: int) -> int:
    """Tell each organisation what a new edition changed in its adoptions."""
    return reminders.notify_edition_change(edition_id=edition_id)
