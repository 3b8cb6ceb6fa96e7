"""Background work about follows."""

from celery import shared_task

from . import digest


@shared_task(ignore_result=True)
def send_digests_task() -> int:
    """Weekly: each person's digest of what changed in what they follow (``digest.py``)."""
    return digest.send_digests()
