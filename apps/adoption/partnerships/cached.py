"""Who an adoption's accepted partners are, kept in the cache.

Every progress entry that moves an adoption's status or percent complete asks, after its
commit, whose dashboards show that adoption (its accepted partners': ``services.
partners_changed``). Partnerships change far less often than progress is logged, so the
answer is kept per adoption, stamped with one version token for all of them that any save or
deletion of a partnership renews (for the writer's next read and after the commit; cascades
included). The question is asked after the writer's commit, so a partnership accepted
meanwhile is either in the answer or renews its partner's pages itself when it commits.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save

from apps.core.cache import remember_versioned, renew_tokens

from .models import Partnership

VERSION_KEY = "adoption:partnerships-version"
PARTNERS_SECONDS = 24 * 60 * 60


def accepted_partner_ids(adoption_id: int) -> list[int]:
    """The ids of the organisations that are the adoption's accepted partners."""
    partner_ids: list[int] = remember_versioned(
        f"adoption:accepted-partners:{adoption_id}",
        lambda: list(
            Partnership.objects.accepted()
            .filter(adoption_id=adoption_id)
            .values_list("partner_id", flat=True)
        ),
        tokens=[VERSION_KEY],
        timeout=PARTNERS_SECONDS,
    )
    return partner_ids


def _partnership_changed(sender: Any, **kwargs: Any) -> None:
    renew_tokens([VERSION_KEY])


def connect_receivers() -> None:
    uid = "adoption-partners-cache"
    post_save.connect(_partnership_changed, sender=Partnership, dispatch_uid=f"{uid}-save")
    post_delete.connect(_partnership_changed, sender=Partnership, dispatch_uid=f"{uid}-delete")
