"""The weekly digest: for each person who wants it, what changed in what they follow since
their last digest (or, for a first digest, in the past week).

- A followed action: case studies of it newly published in the practice library, and the
  share of organisations adopting it in a newly published benchmark snapshot, beside the
  previous snapshot's (a withheld share stays withheld: no value, ever).
- A followed organisation, only while its profile is public, and only what the profile
  shows: its newly published case studies (if it shows them), its adoptions whose
  status changed (if it shows its actions), and its newly confirmed joint commitments (if it
  shows its partnerships; the other organisation named only as the profile names it).

Nothing is sent to a person when nothing changed. The queries do not grow with the number
of people or follows: everything is read for all the followed targets at once, then sorted
per person.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from apps.accounts.backends import users_changed
from apps.accounts.models import User
from apps.adoption.models import AdoptionStatus, Partnership, ProgressEntry
from apps.benchmarking.figures import text
from apps.benchmarking.models import BenchmarkCell, BenchmarkSnapshot, Breakdown, Subject
from apps.benchmarking.uptake import MEASURE
from apps.core.emails import send_templated_email
from apps.organisations.models import Organisation
from apps.organisations.profiles import is_published
from apps.practices.models import CaseStudy

from .models import Follow

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

FIRST_DIGEST_LOOKBACK = timedelta(days=7)


@dataclass(frozen=True)
class Share:
    """A snapshot's share adopting an action: ``share`` is None when withheld."""

    period: str
    share: str | None


@dataclass(frozen=True)
class ShareNews:
    code: str
    url: str
    latest: Share
    previous: Share | None  # None: no figure in the snapshot before (or no snapshot before)


@dataclass(frozen=True)
class StatusNews:
    organisation: Organisation
    code: str
    title: str
    status_from: StrOrPromise
    status_to: StrOrPromise
    url: str


@dataclass(frozen=True)
class PartnershipNews:
    organisation: Organisation
    code: str
    title: str
    partner: StrOrPromise  # the other organisation, as the followed one's profile names it
    url: str


@dataclass
class Digest:
    case_studies: list[CaseStudy] = field(default_factory=list)
    shares: list[ShareNews] = field(default_factory=list)
    statuses: list[StatusNews] = field(default_factory=list)
    partnerships: list[PartnershipNews] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.case_studies or self.shares or self.statuses or self.partnerships)


def _since(user: User, now: datetime) -> datetime:
    return user.digest_sent_at or now - FIRST_DIGEST_LOOKBACK


def _shares(codes: set[str], since: datetime) -> tuple[datetime | None, dict[str, ShareNews]]:
    """When the latest published snapshot was published, if after ``since``, and its share
    per followed action with the previous snapshot's. Two queries."""
    snapshots = list(
        BenchmarkSnapshot.objects.published()
        .order_by("-period__starts_on")
        .values_list("pk", "published_at", "period__label")[:2]
    )
    published_at = snapshots[0][1] if snapshots else None
    if published_at is None or not codes or published_at <= since:
        return None, {}
    cells = BenchmarkCell.objects.filter(
        snapshot__in=[s[0] for s in snapshots],
        subject_type=Subject.ACTION,
        breakdown=Breakdown.ALL,
        measure=MEASURE,
        subject_code__in=codes,
    ).values_list("snapshot_id", "subject_code", "value", "suppressed")
    labels = {pk: label for pk, _at, label in snapshots}
    by_snapshot: dict[int, dict[str, Share]] = defaultdict(dict)
    for snapshot_id, code, value, suppressed in cells:
        share = None if suppressed or value is None else text(value)
        by_snapshot[snapshot_id][code] = Share(period=labels[snapshot_id], share=share)
    latest = by_snapshot.get(snapshots[0][0], {})
    previous = by_snapshot.get(snapshots[1][0], {}) if len(snapshots) > 1 else {}
    news = {
        code: ShareNews(
            code=code,
            url=reverse("roadmap:action", kwargs={"code": code}),
            latest=share,
            previous=previous.get(code),
        )
        for code, share in latest.items()
    }
    return published_at, news


def _new_partnerships(
    organisations: list[int], since: datetime
) -> list[tuple[datetime, PartnershipNews]]:
    """Joint commitments accepted after ``since`` by the organisations (which show their
    partnerships), one news item for each side among them, with when it was accepted. One
    query."""
    if not organisations:
        return []
    rows = (
        Partnership.objects.accepted()
        .filter(answered_at__gt=since, adoption__action_removed=False)
        .filter(Q(adoption__organisation__in=organisations) | Q(partner__in=organisations))
        .select_related(
            "adoption__action", "adoption__organisation__public_profile", "partner__public_profile"
        )
        .order_by("answered_at")
    )
    found = []
    for partnership in rows:
        owner, partner = partnership.adoption.organisation, partnership.partner
        if not (owner.is_verified and partner.is_verified) or partnership.answered_at is None:
            continue
        for side, other in ((owner, partner), (partner, owner)):
            if side.pk not in organisations:
                continue
            news = PartnershipNews(
                organisation=side,
                code=partnership.adoption.action.code,
                title=partnership.adoption.action.title,
                # Lazy: translated when the email is rendered, in its reader's language.
                partner=other.name
                if is_published(other)
                else gettext_lazy("a verified organisation"),
                url=reverse("organisations:public-profile", kwargs={"slug": side.slug}),
            )
            found.append((partnership.answered_at, news))
    return found


def collect_digests(now: datetime | None = None) -> dict[User, Digest]:
    """Each person's digest, for those who want one and follow something (empty digests
    included: the caller sends nothing for them). A fixed number of queries."""
    now = now or timezone.now()
    follows = list(
        Follow.objects.filter(user__digest_enabled=True, user__is_active=True).select_related(
            "user", "organisation__public_profile"
        )
    )
    by_user: dict[User, list[Follow]] = defaultdict(list)
    users: dict[int, User] = {}
    for follow in follows:
        user = users.setdefault(follow.user_id, follow.user)
        by_user[user].append(follow)
    if not by_user:
        return {}
    earliest = min(_since(user, now) for user in by_user)
    codes = {f.action_code for f in follows if f.action_code}
    public = {
        f.organisation.pk: f.organisation.public_profile
        for f in follows
        if f.organisation is not None
        and f.organisation.is_verified
        and hasattr(f.organisation, "public_profile")
        and f.organisation.public_profile.is_public
    }
    showing_studies = [pk for pk, profile in public.items() if profile.show_case_studies]
    showing_actions = [pk for pk, profile in public.items() if profile.show_actions]

    case_studies = list(
        CaseStudy.objects.published()
        .filter(published_at__gt=earliest)
        .filter(Q(adoption__action__code__in=codes) | Q(organisation__in=showing_studies))
        .select_related("organisation", "adoption__action")
        .order_by("-published_at")
    )
    entries = list(
        ProgressEntry.objects.filter(
            adoption__organisation__in=showing_actions,
            adoption__action_removed=False,
            is_current=True,
            created_at__gt=earliest,
        )
        .exclude(status_to="")
        .exclude(status_to=F("status_from"))
        .select_related("adoption__action", "adoption__organisation")
        .order_by("created_at")
    )
    published_at, shares = _shares(codes, earliest)
    showing_partners = [pk for pk, profile in public.items() if profile.show_partnerships]
    partnerships = _new_partnerships(showing_partners, earliest)

    digests: dict[User, Digest] = {}
    for user, mine in by_user.items():
        since = _since(user, now)
        my_codes = {f.action_code for f in mine if f.action_code}
        my_orgs = {f.organisation_id for f in mine if f.organisation_id}
        digest = Digest()
        digest.case_studies = [
            c
            for c in case_studies
            if c.published_at is not None
            and c.published_at > since
            and (
                c.adoption.action.code in my_codes
                or (c.organisation_id in my_orgs and c.organisation_id in showing_studies)
            )
        ]
        if published_at is not None and published_at > since:
            digest.shares = [shares[code] for code in sorted(my_codes) if code in shares]
        last: dict[int, StatusNews] = {}  # the latest change of each adoption
        for entry in entries:
            adoption = entry.adoption
            if entry.created_at > since and adoption.organisation_id in my_orgs:
                last[adoption.pk] = StatusNews(
                    organisation=adoption.organisation,
                    code=adoption.action.code,
                    title=adoption.action.title,
                    # Lazy labels: translated when the email is rendered, in its language.
                    status_from=AdoptionStatus(entry.status_from).label
                    if entry.status_from
                    else "",
                    status_to=AdoptionStatus(entry.status_to).label,
                    url=reverse(
                        "organisations:public-profile", kwargs={"slug": adoption.organisation.slug}
                    ),
                )
        digest.statuses = list(last.values())
        digest.partnerships = [
            news
            for answered_at, news in partnerships
            if answered_at > since and news.organisation.pk in my_orgs
        ]
        digests[user] = digest
    return digests


def send_digests(now: datetime | None = None) -> int:
    """One email per person with news, in their language; their ``digest_sent_at`` moves
    on. Returns how many were sent."""
    now = now or timezone.now()
    sent = 0
    told = []
    for user, digest in collect_digests(now).items():
        if not digest:
            continue
        told.append(user.pk)
        # One query per email, to find its reader's language (``send_templated_email``).
        sent += send_templated_email(
            to=[user.email],
            template="follow_digest",
            context={
                "user": user,
                "digest": digest,
                "profile_path": reverse("accounts:profile"),
                "follows_path": reverse("follows:mine"),
            },
        )
    User.objects.filter(pk__in=told).update(digest_sent_at=now)
    users_changed(told)  # an update() sends no signal: their cached copies are renewed here
    return sent
