"""The forms and API writes that ``test_hostile_input.py`` sends hostile values to.

A :class:`Target` is one field of one form or API write: how to send a value into it,
how to read back what it stored, and, for free-text fields, the page that shows it.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from allauth.account.models import EmailAddress
from django.apps import apps
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Model
from django.http import HttpResponse
from django.test import Client
from django.utils import timezone
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from apps.accounts.models import User
from apps.adoption.models import Adoption, MaturityAssessment, ProgressEntry
from apps.organisations.models import Invitation, Organisation, PublicProfile
from apps.organisations.permissions import Role
from apps.practices.models import CaseStudy
from tests.accounts.factories import PASSWORD
from tests.security.conftest import World

SCRIPT = '<script>alert("pwned")</script>'
HTML = "<img src=x onerror=alert(1)><b>bold</b>"
# Stored as typed and shown escaped by free-text fields; refused by the others.
WEIRD_TEXT = {
    "script": SCRIPT,
    "html": HTML,
    "sql-drop": "'; DROP TABLE organisations_organisation; --",
    "sql-or": "1 OR 1=1",
    "rtl-override": "Patients \u202eetatS\u202c United",
    "zero-width": "Pa\u200btients\u200d Uni\u200bted",
    "emoji": "Patients \U0001f469\U0001f3fd\u200d\u2695\ufe0f\U0001faf6 United",
    "combining": "Pa\u0301ti\u0308e\u0300nts Z\u0336a\u0351l\u0317go",
}
# Refused by every field.
REFUSED = {
    "nul": "Patients\x00United",
    "huge-2mb": "x" * 2 * 1024 * 1024,
}
# Valid per RFC 5321 and Django's EmailValidator: a quoted local part can hold markup.
SCRIPT_EMAIL = '"<script>alert(1)</script>"@example.org'
# Longer than any text field takes (the longest, a narrative, takes 10,000 characters).
TOO_LONG = 100_000

# --- Hostile text, generated -----------------------------------------------------------------

# Pieces of the known nasty values, and more of their kind, that the generated text mixes
# with arbitrary printable characters.
FRAGMENTS = [
    SCRIPT,
    HTML,
    "</textarea>",
    "<!--",
    '"',
    "'",
    "&amp;",
    "&",
    "{{ user.password }}",
    "{% csrf_token %}",
    "%s",
    "\\",
    "'; DROP TABLE organisations_organisation; --",
    " OR 1=1",
    "/*",
    "\u202e",  # right-to-left override
    "\u202c",
    "\u2066",  # left-to-right isolate
    "\u200b",  # zero-width space
    "\u200d",  # zero-width joiner
    "\ufeff",  # byte order mark
    "\U0001f469\U0001f3fd\u200d\u2695\ufe0f",
    "\u0301\u0308",  # combining accents
]
# Letters, marks, digits, punctuation, symbols, spaces and format characters (bidi
# controls, zero-width joiners) of any script. No control characters: a NUL is refused
# (below), and line breaks are not "as typed" in a one-line field. No "@": a value must
# not turn out to be an address that an address field accepts.
PRINTABLE = st.text(
    st.characters(
        codec="utf-8", categories=("L", "M", "N", "P", "S", "Zs", "Cf"), exclude_characters="@"
    ),
    min_size=1,
    max_size=20,
)
# Weird but harmless: between two letters, so that no field strips or refuses it as blank,
# and short enough for the shortest free-text field (a full name, 150 characters).
WEIRD = st.lists(st.sampled_from(FRAGMENTS) | PRINTABLE, min_size=1, max_size=4).map(
    lambda parts: "P" + "".join(parts)[:140] + "s"
)
# Refused by every field: weird text with a NUL anywhere in it.
WITH_NUL = st.builds(
    lambda text, at: text[: at % (len(text) + 1)] + "\x00" + text[at % (len(text) + 1) :],
    WEIRD,
    st.integers(min_value=0),
)
HOSTILE_TEXT = WEIRD | WITH_NUL


def is_refused(value: str) -> bool:
    """A NUL (which PostgreSQL cannot store) or a text too long: every field refuses it."""
    return "\x00" in value or len(value) > TOO_LONG


# Every model a form or API write can touch: a refusal changes none of their counts.
COUNTED = [
    "accounts.User",
    "account.EmailAddress",
    "authtoken.Token",
    "organisations.Organisation",
    "organisations.Membership",
    "organisations.Invitation",
    "adoption.Adoption",
    "adoption.ProgressEntry",
    "adoption.Evidence",
    "adoption.MetricValue",
    "adoption.BarrierReport",
    "practices.CaseStudy",
    "practices.CaseStudyFile",
    "organisations.PublicProfile",
    "adoption.MaturityAssessment",
    "adoption.MaturityRating",
    "adoption.GoalReflection",
    "audit.AuditEvent",
]


def row_counts() -> dict[str, int]:
    return {label: apps.get_model(label).objects.count() for label in COUNTED}


def files_under(root: Path) -> set[Path]:
    return {path for path in root.rglob("*") if path.is_file()}


# --- Who sends, and how -----------------------------------------------------------------


@dataclass
class Ctx:
    world: World
    browser: Client  # signed in as the organisation's admin
    visitor: Client  # not signed in
    api: APIClient  # the admin's token

    @property
    def slug(self) -> str:
        return self.world.org.slug

    @property
    def adoption_url(self) -> str:
        return f"/o/{self.slug}/adoptions/{self.world.adoption.pk}/"

    @property
    def api_org(self) -> str:
        return f"/api/v1/organisations/{self.slug}/"


def organisation_form(world: World, **values: str) -> dict[str, str]:
    return {
        "name": "Patients Forward",
        "stakeholder_group": str(world.org.stakeholder_group_id),
        "country": "FR",
        "level": "national",
        "website": "https://example.org",
        "description": "We bring patients' voices into research.",
        "not_duplicate": "on",
        **values,
    }


def entry_form(world: World, **values: Any) -> dict[str, Any]:
    return {
        "entry_date": timezone.localdate().isoformat(),
        "narrative": "Held a workshop.",
        "percent_complete": "30",
        f"metric_{world.metric.slug}": "4",
        f"barrier_{world.barrier.slug}": "on",
        f"barrier_{world.barrier.slug}_note": "Short on time.",
        **values,
    }


def assessment_form(**values: str) -> dict[str, str]:
    data = {"assessed_on": timezone.localdate().isoformat(), "notes": "Second checkpoint."}
    data |= {"goal_EG1": "3", "goal_EG2": "2"}
    data |= {"dimension_culture": "2", "dimension_processes": "4"}
    return data | values


def import_csv(narrative: str) -> SimpleUploadedFile:
    """A file laid out as the export: one adoption and one entry whose narrative is given."""
    today = timezone.localdate().isoformat()
    rows = [
        ["record_type", "action_code", "status", "entry_date", "narrative"],
        ["adoptions", "A2.1.1", "planned", "", ""],
        ["entries", "A2.1.1", "", today, narrative],
    ]
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return SimpleUploadedFile("adoptions.csv", buffer.getvalue().encode(), "text/csv")


def newest(model: type[Model], **filters: Any) -> Any:
    return model.objects.filter(**filters).order_by("-pk").first()


# --- The targets ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """One field of one form or API write.

    ``send`` puts the value in the field; ``stored`` reads back what the field holds
    (None when there is nothing). A ``free_text`` field stores weird text as typed and
    ``page`` (as ``reader``, the admin by default) shows it; any other field refuses it.
    """

    send: Callable[[Ctx, str], HttpResponse]
    stored: Callable[[Ctx], str | None]
    free_text: bool = True
    page: Callable[[Ctx], str] | None = None
    reader: Callable[[Ctx], Client] = lambda c: c.browser
    refused_with: tuple[int, ...] = (400,)


def _invitation_email(c: Ctx) -> str | None:
    latest = newest(Invitation, organisation=c.world.org)
    return latest.email if latest else None


def _lead_role(c: Ctx) -> str:
    c.world.lead_membership.refresh_from_db()
    return c.world.lead_membership.role


def _signed_up(c: Ctx) -> str | None:
    known = {"owner", "lead", "contributor", "viewer"}
    user = newest(User)
    return user.email if user and user.email.split("@")[0] not in known else None


def _new_user_client(c: Ctx) -> Client:
    reader = Client()
    reader.force_login(newest(User))
    return reader


def _notes(c: Ctx) -> str:
    return Adoption.objects.get(pk=c.world.adoption.pk).notes


def case_study_form(world: World, **values: str) -> dict[str, str]:
    return {
        "adoption": str(world.adoption.pk),
        "title": "A patient panel",
        "what_was_done": "We set one up.",
        "for_whom": "Patients.",
        "outcomes": "Better protocols.",
        "lessons": "Pay people.",
        "licence": "CC BY 4.0",
        **values,
    }


def _case_study(c: Ctx) -> CaseStudy | None:
    return newest(CaseStudy, organisation=c.world.org)


def _case_study_page(c: Ctx) -> str:
    return _case_study(c).get_organisation_url()


def _narrative(c: Ctx) -> str | None:
    entry = newest(ProgressEntry, adoption=c.world.adoption)
    return entry.narrative if entry.pk != c.world.entry.pk else None


def _new_entry_note(c: Ctx) -> str | None:
    entry = newest(ProgressEntry, adoption=c.world.adoption)
    return entry.barriers.get().note if entry.pk != c.world.entry.pk else None


def _assessment_notes(c: Ctx) -> str | None:
    latest = newest(MaturityAssessment, organisation=c.world.org)
    return latest.notes if latest.pk != c.world.assessment.pk else None


def _reflection(c: Ctx) -> str | None:
    latest = newest(MaturityAssessment, organisation=c.world.org)
    reflection = latest.reflections.first() if latest.pk != c.world.assessment.pk else None
    return reflection.worked if reflection else None


def _registered_name(c: Ctx) -> str | None:
    latest = newest(Organisation)
    return latest.name if latest.pk not in (c.world.org.pk, c.world.partner.pk) else None


def _registered_home(c: Ctx) -> str:
    return newest(Organisation).get_absolute_url()


def _description(c: Ctx) -> str:
    return Organisation.objects.get(pk=c.world.org.pk).description


def _full_name(c: Ctx) -> str:
    return User.objects.get(pk=c.world.owner.pk).full_name


def _imported_narrative(c: Ctx) -> str | None:
    entry = newest(
        ProgressEntry, adoption__organisation=c.world.org, adoption__action__code="A2.1.1"
    )
    return entry.narrative if entry else None


def _imported_page(c: Ctx) -> str:
    return newest(Adoption, organisation=c.world.org).get_absolute_url()


def _still_signed_up(c: Ctx) -> str:
    return "kept" if User.objects.filter(pk=c.world.owner.pk).exists() else "deleted"


def _token(c: Ctx) -> str | None:
    return ",".join(Token.objects.order_by("pk").values_list("key", flat=True))


def _multipart_entry(c: Ctx, value: str) -> HttpResponse:
    data = {
        "narrative": value,
        "metrics": json.dumps([{"metric": "patients-involved", "value": "2"}]),
    }
    return c.api.post(
        f"{c.api_org}adoptions/{c.world.adoption.pk}/progress/", data, format="multipart"
    )


def _newcomer_name(c: Ctx) -> str | None:
    user = User.objects.filter(email="newcomer@example.org").first()
    return user.full_name if user else None


def _signed_in(c: Ctx) -> str | None:
    return c.visitor.session.get("_auth_user_id")


TARGETS: dict[str, Target] = {
    # --- HTML forms ---
    "login:email": Target(
        send=lambda c, v: c.visitor.post("/account/login/", {"login": v, "password": PASSWORD}),
        stored=_signed_in,
        free_text=False,
        refused_with=(200,),
    ),
    "login:password": Target(
        send=lambda c, v: c.visitor.post(
            "/account/login/", {"login": "owner@example.org", "password": v}
        ),
        stored=_signed_in,
        free_text=False,
        refused_with=(200,),
    ),
    "password-reset:email": Target(
        send=lambda c, v: c.visitor.post("/account/password/reset/", {"email": v}),
        stored=lambda c: str(len(mail.outbox)),
        free_text=False,
        refused_with=(200,),
    ),
    "signup:email": Target(
        send=lambda c, v: c.visitor.post(
            "/account/signup/", {"email": v, "password1": PASSWORD, "password2": PASSWORD}
        ),
        stored=_signed_up,
        free_text=False,
        reader=_new_user_client,
        page=lambda c: "/account/",
        refused_with=(200,),
    ),
    "account-email:add": Target(
        send=lambda c, v: c.browser.post("/account/email/", {"email": v, "action_add": ""}),
        stored=lambda c: ",".join(EmailAddress.objects.values_list("email", flat=True)),
        free_text=False,
        refused_with=(200,),
    ),
    "password-change:old-password": Target(
        send=lambda c, v: c.browser.post(
            "/account/password/change/",
            {"oldpassword": v, "password1": "N3w pass phrase!", "password2": "N3w pass phrase!"},
        ),
        stored=lambda c: User.objects.get(pk=c.world.owner.pk).password,
        free_text=False,
        refused_with=(200,),
    ),
    "organisation-register:name": Target(
        send=lambda c, v: c.browser.post("/o/new/", organisation_form(c.world, name=v)),
        stored=_registered_name,
        page=_registered_home,
        refused_with=(200,),
    ),
    "organisation-edit:description": Target(
        send=lambda c, v: c.browser.post(
            f"/o/{c.slug}/edit/",
            organisation_form(c.world, name=c.world.org.name, country="BE", description=v),
        ),
        stored=_description,
        page=lambda c: f"/o/{c.slug}/",
        refused_with=(200,),
    ),
    "invitation:email": Target(
        send=lambda c, v: c.browser.post(
            f"/o/{c.slug}/members/invite/", {"email": v, "role": Role.CONTRIBUTOR}
        ),
        stored=_invitation_email,
        free_text=False,
        page=lambda c: f"/o/{c.slug}/members/",
    ),
    "invitation-accept:full-name": Target(  # a new account, from the invitation's link
        send=lambda c, v: c.visitor.post(
            f"/invitations/{c.world.invitation.token}/",
            {"full_name": v, "password": PASSWORD, "password_confirmation": PASSWORD},
        ),
        stored=_newcomer_name,
        page=lambda c: f"/o/{c.slug}/members/",
    ),
    "member-role:role": Target(
        send=lambda c, v: c.browser.post(
            f"/o/{c.slug}/members/{c.world.lead_membership.pk}/role/", {"role": v}
        ),
        stored=_lead_role,
        free_text=False,
        refused_with=(302,),  # back to the members page, with "Choose one of the roles."
    ),
    "adoption-create:notes": Target(
        send=lambda c, v: c.browser.post(
            f"/o/{c.slug}/adoptions/new/",
            {"action": "A1.2.1", "status": "planned", "is_important": "on", "notes": v},
        ),
        stored=lambda c: (a := newest(Adoption, action__code="A1.2.1")) and a.notes,
        page=lambda c: newest(Adoption, action__code="A1.2.1").get_absolute_url(),
    ),
    "adoption-create:action": Target(
        send=lambda c, v: c.browser.post(
            f"/o/{c.slug}/adoptions/new/", {"action": v, "status": "planned"}
        ),
        stored=lambda c: ",".join(Adoption.objects.values_list("action__code", flat=True)),
        free_text=False,
    ),
    "catalogue-adopt:actions": Target(
        send=lambda c, v: c.browser.post(
            f"/o/{c.slug}/adoptions/catalogue/", {"actions": ["A1.2.1", v]}
        ),
        stored=lambda c: ",".join(Adoption.objects.values_list("action__code", flat=True)),
        free_text=False,
    ),
    "adoption-edit:notes": Target(
        send=lambda c, v: c.browser.post(
            f"{c.adoption_url}edit/",
            {"status": "in_progress", "owner": str(c.world.owner.pk), "notes": v},
        ),
        stored=_notes,
        page=lambda c: c.adoption_url,
    ),
    "progress-entry:narrative": Target(  # multipart, as the browser sends it
        send=lambda c, v: c.browser.post(
            f"{c.adoption_url}progress/new/", entry_form(c.world, narrative=v)
        ),
        stored=_narrative,
        page=lambda c: c.adoption_url,
    ),
    "progress-entry:barrier-note": Target(
        send=lambda c, v: c.browser.post(
            f"{c.adoption_url}progress/new/",
            entry_form(c.world, **{f"barrier_{c.world.barrier.slug}_note": v}),
        ),
        stored=_new_entry_note,
        page=lambda c: c.adoption_url,
    ),
    "progress-correct:narrative": Target(
        send=lambda c, v: c.browser.post(
            f"{c.adoption_url}progress/{c.world.entry.pk}/correct/",
            entry_form(c.world, narrative=v),
        ),
        stored=_narrative,
        page=lambda c: c.adoption_url,
    ),
    "assessment:notes": Target(
        send=lambda c, v: c.browser.post(f"/o/{c.slug}/assessments/new/", assessment_form(notes=v)),
        stored=_assessment_notes,
        page=lambda c: f"/o/{c.slug}/assessments/",
    ),
    "assessment:reflection": Target(
        send=lambda c, v: c.browser.post(
            f"/o/{c.slug}/assessments/new/", assessment_form(worked_EG1=v)
        ),
        stored=_reflection,
        page=lambda c: f"/o/{c.slug}/assessments/",
    ),
    "case-study:lessons": Target(
        send=lambda c, v: c.browser.post(
            f"/o/{c.slug}/practices/new/", case_study_form(c.world, lessons=v)
        ),
        stored=lambda c: (s := _case_study(c)) and s.lessons,
        page=_case_study_page,
    ),
    "public-profile:statement": Target(
        send=lambda c, v: c.browser.post(f"/o/{c.slug}/profile/", {"statement": v}),
        stored=lambda c: (
            PublicProfile.objects.filter(organisation__slug=c.slug)
            .values_list("statement", flat=True)
            .first()
        ),
        page=lambda c: f"/o/{c.slug}/profile/",
    ),
    "import-upload:narrative": Target(
        send=lambda c, v: c.browser.post(
            f"/o/{c.slug}/adoptions/transfer/import/", {"file": import_csv(v)}
        ),
        stored=_imported_narrative,
        page=_imported_page,
    ),
    "profile:full-name": Target(
        send=lambda c, v: c.browser.post(
            "/account/profile/", {"full_name": v, "reminders_enabled": "on"}
        ),
        stored=_full_name,
        page=lambda c: f"/o/{c.slug}/members/",
        refused_with=(200,),
    ),
    "account-delete:password": Target(
        send=lambda c, v: c.browser.post("/account/delete/", {"password": v}),
        stored=_still_signed_up,
        free_text=False,
        refused_with=(200,),
    ),
    # --- API writes ---
    "api-token:password": Target(
        send=lambda c, v: APIClient().post(
            "/api/v1/auth/token/", {"email": "lead@example.org", "password": v}, format="json"
        ),
        stored=_token,
        free_text=False,
    ),
    "api-token:email": Target(
        send=lambda c, v: APIClient().post(
            "/api/v1/auth/token/", {"email": v, "password": PASSWORD}, format="json"
        ),
        stored=_token,
        free_text=False,
    ),
    "api-organisations-post:name": Target(
        send=lambda c, v: c.api.post(
            "/api/v1/organisations/",
            {"name": v, "stakeholder_group": "hta-bodies", "country": "FR", "level": "local"},
            format="json",
        ),
        stored=_registered_name,
        page=_registered_home,
    ),
    "api-organisations-patch:description": Target(
        send=lambda c, v: c.api.patch(c.api_org, {"description": v}, format="json"),
        stored=_description,
        page=lambda c: f"/o/{c.slug}/",
    ),
    "api-members-post:email": Target(
        send=lambda c, v: c.api.post(
            f"{c.api_org}members/", {"email": v, "role": "viewer"}, format="json"
        ),
        stored=_invitation_email,
        free_text=False,
        page=lambda c: f"/o/{c.slug}/members/",
    ),
    "api-members-patch:role": Target(
        send=lambda c, v: c.api.patch(
            f"{c.api_org}members/{c.world.lead_membership.pk}/", {"role": v}, format="json"
        ),
        stored=_lead_role,
        free_text=False,
    ),
    "api-invitations-post:email": Target(
        send=lambda c, v: c.api.post(
            f"{c.api_org}invitations/", {"email": v, "role": "contributor"}, format="json"
        ),
        stored=_invitation_email,
        free_text=False,
        page=lambda c: f"/o/{c.slug}/members/",
    ),
    "api-adoptions-post:notes": Target(
        send=lambda c, v: c.api.post(
            f"{c.api_org}adoptions/", {"action": "A1.2.1", "notes": v}, format="json"
        ),
        stored=lambda c: (a := newest(Adoption, action__code="A1.2.1")) and a.notes,
        page=lambda c: newest(Adoption, action__code="A1.2.1").get_absolute_url(),
    ),
    "api-case-study-post:title": Target(
        send=lambda c, v: c.api.post(
            f"{c.api_org}practices/",
            {**case_study_form(c.world, title=v), "action": c.world.adoption.action.code},
            format="json",
        ),
        stored=lambda c: (s := _case_study(c)) and s.title,
        page=_case_study_page,
    ),
    "api-adoptions-post:action": Target(
        send=lambda c, v: c.api.post(f"{c.api_org}adoptions/", {"action": v}, format="json"),
        stored=lambda c: ",".join(Adoption.objects.values_list("action__code", flat=True)),
        free_text=False,
    ),
    "api-adoptions-post:owner": Target(
        send=lambda c, v: c.api.post(
            f"{c.api_org}adoptions/", {"action": "A1.2.1", "owner": v}, format="json"
        ),
        stored=lambda c: ",".join(Adoption.objects.values_list("action__code", flat=True)),
        free_text=False,
    ),
    "api-adoptions-patch:notes": Target(
        send=lambda c, v: c.api.patch(
            f"{c.api_org}adoptions/{c.world.adoption.pk}/", {"notes": v}, format="json"
        ),
        stored=_notes,
        page=lambda c: c.adoption_url,
    ),
    "api-partners-post:organisation": Target(
        send=lambda c, v: c.api.post(
            f"{c.api_org}adoptions/{c.world.adoption.pk}/partners/",
            {"organisation": v},
            format="json",
        ),
        stored=lambda c: ",".join(
            c.world.adoption.partnerships.values_list("partner__slug", flat=True)
        ),
        free_text=False,
    ),
    "api-progress-json:narrative": Target(
        send=lambda c, v: c.api.post(
            f"{c.api_org}adoptions/{c.world.adoption.pk}/progress/",
            {"narrative": v, "barriers": [{"category": "time", "note": "None."}]},
            format="json",
        ),
        stored=_narrative,
        page=lambda c: c.adoption_url,
    ),
    "api-progress-json:barrier-category": Target(
        send=lambda c, v: c.api.post(
            f"{c.api_org}adoptions/{c.world.adoption.pk}/progress/",
            {"narrative": "Met.", "barriers": [{"category": v}]},
            format="json",
        ),
        stored=_narrative,
        free_text=False,
    ),
    "api-progress-json:metric": Target(
        send=lambda c, v: c.api.post(
            f"{c.api_org}adoptions/{c.world.adoption.pk}/progress/",
            {"narrative": "Met.", "metrics": [{"metric": v, "value": "3"}]},
            format="json",
        ),
        stored=_narrative,
        free_text=False,
    ),
    "api-progress-json:link": Target(
        send=lambda c, v: c.api.post(
            f"{c.api_org}adoptions/{c.world.adoption.pk}/progress/",
            {"narrative": "Met.", "links": [v]},
            format="json",
        ),
        stored=_narrative,
        free_text=False,
    ),
    "api-progress-multipart:narrative": Target(
        send=_multipart_entry,
        stored=_narrative,
        page=lambda c: c.adoption_url,
    ),
    "api-progress-correct:narrative": Target(
        send=lambda c, v: c.api.post(
            f"{c.api_org}adoptions/{c.world.adoption.pk}/progress/{c.world.entry.pk}/correct/",
            {"narrative": v},
            format="json",
        ),
        stored=_narrative,
        page=lambda c: c.adoption_url,
    ),
    "api-assessments-post:notes": Target(
        send=lambda c, v: c.api.post(
            f"{c.api_org}assessments/",
            {"notes": v, "ratings": [{"end_goal": "EG2", "level": 4}]},
            format="json",
        ),
        stored=_assessment_notes,
        page=lambda c: f"/o/{c.slug}/assessments/",
    ),
    "api-assessments-post:rating": Target(
        send=lambda c, v: c.api.post(
            f"{c.api_org}assessments/",
            {"ratings": [{"end_goal": v, "level": 4}, {"dimension": v, "level": 2}]},
            format="json",
        ),
        stored=_assessment_notes,
        free_text=False,
    ),
}
