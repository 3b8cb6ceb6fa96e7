"""An organisation's own roadmap: where it stands on every action of the published edition,
rolled up to the intermediate and end goals, and the actions its peers adopt most that it
has not adopted ("next").

A goal's progress is the mean of its actions' percent complete, every action counting once
(an action not adopted, or discontinued, counts as 0), so that adopting more actions and
completing them both move it. Peer uptake comes from the latest published benchmark (its
withheld figures stay withheld and are never suggested). An action the organisation acts on
jointly, as an accepted partner of another organisation's adoption (issue 17), is marked as
such (``joint_with``) but is not its adoption: it counts nowhere in the goals and is not
suggested. Reads: the goal tree (prefetched by the caller), one query for the adoptions, one
for the dormant ones, one for the joint ones; uptake is passed in.

What the page and the API show (:func:`published_overlay`: the overlay, and the picture with
each box's note) is kept in the cache per organisation and language, stamped with the roadmap
content version (the published edition), the benchmark snapshots there are (peer uptake) and
the organisation's data version (``apps/organisations/data_version.py``), which its writes
raise; the page keeps it rendered the same way (:func:`overlay_fragment`). An adoption
turning dormant with time alone may show up to ``OVERLAY_SECONDS`` late.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from apps.organisations.data_version import data_version_key
from apps.roadmap.cache import Fragment, cached_fragment, cached_with_versions
from apps.roadmap.tocmap import Map, theory_of_change

from .models import Adoption, AdoptionStatus

if TYPE_CHECKING:
    from apps.benchmarking.uptake import Uptake
    from apps.organisations.models import Organisation
    from apps.roadmap.models import Action, Edition

# How many "next" actions the overlay suggests.
NEXT_COUNT = 5
# Statuses whose percent complete counts towards a goal (a discontinued one counts as 0).
COUNTED = frozenset(AdoptionStatus.values) - {AdoptionStatus.DISCONTINUED}
OVERLAY_SECONDS = 60 * 60


@dataclass(frozen=True)
class ActionState:
    code: str
    title: str
    url: str
    goal: str  # its intermediate goal's code
    end_goal: str
    status: str  # "" when not adopted
    status_label: str
    percent: int  # what counts towards the goals
    dormant: bool
    adoption_id: int | None
    peer_share: Decimal | None  # published share of organisations adopting it, or None
    # Joint commitments: the organisations whose adoption of it this one acts on as a partner,
    # and the first such adoption (opened under this organisation's address).
    joint_with: tuple[str, ...] = ()
    joint_adoption_id: int | None = None

    @property
    def adopted(self) -> bool:
        return bool(self.status)

    @property
    def joint(self) -> bool:
        return bool(self.joint_with)


@dataclass(frozen=True)
class GoalState:
    code: str
    title: str
    url: str
    percent: int
    adopted: int
    actions: int
    parent: str = ""  # an intermediate goal's end goal


@dataclass(frozen=True)
class Overlay:
    actions: list[ActionState]
    goals: list[GoalState]
    end_goals: list[GoalState]
    next: list[ActionState]


def _state(
    action: Action,
    adoption: Adoption | None,
    dormant: set[int],
    uptake: Mapping[str, Uptake],
    joint: list[Adoption],
) -> ActionState:
    goal = action.intermediate_goal
    peer = uptake.get(action.code)
    counted = adoption is not None and adoption.status in COUNTED
    return ActionState(
        code=action.code,
        title=action.title,
        url=action.get_absolute_url(),
        goal=goal.code,
        end_goal=goal.end_goal.code,
        status=adoption.status if adoption else "",
        status_label=adoption.get_status_display() if adoption else "",
        percent=adoption.percent_complete if adoption is not None and counted else 0,
        dormant=adoption is not None and adoption.pk in dormant,
        adoption_id=adoption.pk if adoption else None,
        peer_share=None if peer is None or peer.withheld else peer.share,
        joint_with=tuple(sorted({a.organisation.name for a in joint})),
        joint_adoption_id=joint[0].pk if joint else None,
    )


def _roll_up(
    code: str, title: str, url: str, states: list[ActionState], parent: str = ""
) -> GoalState:
    percent = round(sum(s.percent for s in states) / len(states)) if states else 0
    adopted = sum(1 for s in states if s.adopted and s.status in COUNTED)
    return GoalState(code, title, url, percent, adopted, len(states), parent)


@dataclass(frozen=True)
class PublishedOverlay:
    """What the page and the API show: the published edition (its own fields: the footer
    cites it), the organisation's overlay of it, and the edition as a picture with each box's
    note (``overlay_notes``)."""

    edition: Edition
    overlay: Overlay
    toc: Map


def published_overlay(organisation: Organisation) -> PublishedOverlay | None:
    """The organisation's overlay of the published edition, with peer uptake from the latest
    published benchmark; None before any edition is published. From the cache when nothing
    it shows has changed since it was kept (see the module's notes)."""
    from apps.benchmarking.selectors import SNAPSHOTS_VERSION_KEY

    found: tuple[PublishedOverlay | None] = cached_with_versions(
        f"adoption:overlay:{organisation.pk}",
        lambda: (_published_overlay(organisation),),  # a tuple: None is kept too
        tokens=[data_version_key(organisation.pk), SNAPSHOTS_VERSION_KEY],
        timeout=OVERLAY_SECONDS,
    )
    return found[0]


def overlay_fragment(organisation: Organisation, *, can_write: bool) -> Fragment:
    """The page's overlay below its heading (``adoption/_roadmap_overlay.html``: the next
    actions, with a link to adopt each when ``can_write``, the picture and the table),
    rendered, and the published edition (``kept["edition"]``, None before any is published):
    from the cache when nothing it shows has changed, like :func:`published_overlay`. A miss
    reads the overlay afresh, so that what turns dormant with time shows as late as the
    cached data's does, no later."""
    from apps.benchmarking.selectors import SNAPSHOTS_VERSION_KEY

    def context() -> dict[str, object]:
        found = _published_overlay(organisation)
        return {
            "organisation": organisation,
            "edition": found and found.edition,
            "overlay": found and found.overlay,
            "toc": found and found.toc,
            "can_write": can_write,
        }

    return cached_fragment(
        f"adoption:overlay:{organisation.pk}:{organisation.slug}:{int(can_write)}",
        "adoption/_roadmap_overlay.html",
        context,
        tokens=[data_version_key(organisation.pk), SNAPSHOTS_VERSION_KEY],
        keep=["edition"],
        timeout=OVERLAY_SECONDS,
    )


def _published_overlay(organisation: Organisation) -> PublishedOverlay | None:
    from apps.benchmarking.uptake import action_uptake
    from apps.roadmap.models import Edition as Editions

    edition = Editions.objects.published().with_goal_tree().first()
    if edition is None:
        return None
    overlay = organisation_overlay(organisation, edition, uptake=action_uptake())
    toc = theory_of_change(edition, notes=overlay_notes(overlay))
    # Kept without its goal tree, which the overlay and the picture hold as they need it.
    bare = copy.copy(edition)
    bare._prefetched_objects_cache = {}  # type: ignore[attr-defined]
    return PublishedOverlay(edition=bare, overlay=overlay, toc=toc)


def _action_note(action: ActionState) -> str:
    if action.adopted:
        return f"{action.percent}%{' ⏸' if action.dormant else ''}"
    if action.joint:  # another organisation's adoption, acted on together: not ours
        return "⇄ " + _("joint")
    return "–"


def overlay_notes(overlay: Overlay) -> dict[str, str]:
    """The short text each box of the picture carries: an action's status and percent
    complete ("not adopted" as a dash, "⇄ joint" where the organisation acts on another's
    adoption of it as a partner), a goal's progress."""
    notes = {a.code: _action_note(a) for a in overlay.actions}
    notes |= {
        g.code: f"{g.percent}% · {g.adopted}/{g.actions}"
        for g in [*overlay.goals, *overlay.end_goals]
    }
    return notes


def organisation_overlay(
    organisation: Organisation, edition: Edition, *, uptake: Mapping[str, Uptake]
) -> Overlay:
    """The overlay of ``edition`` (its goal tree prefetched: ``with_goal_tree``) for
    ``organisation``; ``uptake``: ``apps.benchmarking.uptake.action_uptake()``."""
    mine = Adoption.objects.for_organisation(organisation).filter(action__edition=edition)
    adoptions = {a.action_id: a for a in mine}
    dormant = set(mine.dormant().values_list("pk", flat=True))
    joint: dict[int, list[Adoption]] = {}
    theirs = Adoption.objects.joint_with(organisation).filter(action__edition=edition)
    for adoption in theirs.select_related("organisation").order_by("pk"):
        joint.setdefault(adoption.action_id, []).append(adoption)
    actions: list[ActionState] = []
    goals: list[GoalState] = []
    end_goals: list[GoalState] = []
    for end_goal in edition.end_goals.all():
        in_end_goal: list[ActionState] = []
        for goal in end_goal.intermediate_goals.all():
            states = [
                _state(a, adoptions.get(a.pk), dormant, uptake, joint.get(a.pk, []))
                for a in goal.actions.all()
            ]
            url = goal.get_absolute_url()
            goals.append(_roll_up(goal.code, goal.title, url, states, end_goal.code))
            in_end_goal += states
        end_goals.append(
            _roll_up(end_goal.code, end_goal.title, end_goal.get_absolute_url(), in_end_goal)
        )
        actions += in_end_goal
    candidates = [
        a
        for a in actions
        if a.peer_share is not None
        and not a.joint  # already acted on, with another organisation
        and (not a.adopted or a.status not in COUNTED)
    ]
    candidates.sort(key=lambda a: (-a.peer_share if a.peer_share else 0, a.code))
    return Overlay(actions, goals, end_goals, candidates[:NEXT_COUNT])
