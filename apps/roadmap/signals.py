from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.dispatch import Signal

if TYPE_CHECKING:
    from django.db.models import Model

    from .models import Edition

# Sent inside the publishing transaction, after the previous edition is archived.
# Arguments: edition (now published), previous (archived, or None),
# mapping ({old action code: new action code, or None when removed}), by (the admin).
edition_published = Signal()

# Sent inside the transaction of ``services.edition_start_draft``, once the draft and its
# goal tree are saved. Arguments: edition (the new draft), by (who started it, or None).
# Other apps add to the draft from here (the curators' proposals go into its changelog:
# apps/curation/receivers.py); roadmap itself imports none of them.
edition_draft_started = Signal()

# Sent after the commit whenever roadmap content readers see may have changed: an admin
# saved or deleted an item (translations of a published edition included), load_roadmap
# changed something, or an edition was published. Receivers refresh what they keep of
# the public pages (caches keyed on the edition's content).
# Arguments: sender (the model that changed), edition (the edition whose content changed,
# or None when shared content changed: stakeholder groups, dimensions, barrier categories
# and resources appear in every edition).
roadmap_content_changed = Signal()


def announce_content_changed(*, sender: type[Model], edition: Edition | None) -> None:
    """Send ``roadmap_content_changed`` once the current transaction commits (or now)."""
    transaction.on_commit(
        lambda: roadmap_content_changed.send(sender=sender, edition=edition), robust=True
    )
