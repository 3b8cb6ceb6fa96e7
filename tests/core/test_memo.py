"""``{% memo %}`` (``apps/core/templatetags/portal.py``): the layout's fixed parts rendered
once per process for each language, page and value of the block's arguments, and never
anything of one reader kept for another: the block sees its arguments only."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import RequestContext, Template, TemplateSyntaxError
from django.test import RequestFactory
from django.urls import resolve, reverse
from django.utils import translation

from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def _render(template: Template, path: str, user: object) -> str:
    """As a page renders it: with the context processors (the request, the user, the CSRF
    token, the reader's organisations …) and a value of the view's own."""
    request = RequestFactory().get(path)
    request.resolver_match = resolve(path)
    request.user = user
    request.session = {}
    return template.render(RequestContext(request, {"secret": "s3cret"}))


def test_the_block_sees_its_arguments_and_nothing_of_the_reader() -> None:
    template = Template(
        "{% load portal %}{% memo staff=user.is_staff %}"
        "[{{ staff }}|{{ user.email }}|{{ request.path }}|{{ secret }}|{% csrf_token %}"
        "|{{ my_organisations }}|{{ perms }}]"
        "{% endmemo %}"
    )
    reader = UserFactory(email="reader@example.org", is_staff=True)
    outside = Template("{{ user.email }} {% csrf_token %}")
    assert "reader@example.org" in _render(outside, "/glossary/", reader)  # there to be seen
    assert "csrfmiddlewaretoken" in _render(outside, "/glossary/", reader)
    assert _render(template, "/glossary/", reader) == "[True||||||]"


def test_one_rendering_per_language_page_and_argument() -> None:
    """Readers in turn, each with other values: each gets what they would without the memo."""
    template = Template(
        "{% load i18n portal %}{% memo staff=user.is_staff %}"
        "{% translate 'Home' %}{% if staff %} admin{% endif %}"
        "<a{% aria_current 'roadmap:glossary' %}>{% url 'roadmap:glossary' %}</a>"
        "{% endmemo %}"
    )
    staff, member = UserFactory(is_staff=True), UserFactory()
    glossary, home = reverse("roadmap:glossary"), reverse("roadmap:home")
    seen = {}
    for _round in range(2):
        for language in ("en", "pl"):
            with translation.override(language):
                for user in (staff, member, AnonymousUser()):
                    for path in (glossary, home):
                        html = _render(template, path, user)
                        seen.setdefault((language, user.is_staff, path), html)
                        assert html == seen[(language, user.is_staff, path)]
    assert seen[("en", True, glossary)] == f'Home admin<a aria-current="page">{glossary}</a>'
    assert seen[("en", False, home)] == f"Home<a>{glossary}</a>"
    assert seen[("pl", False, home)].startswith("Strona główna")


def test_it_takes_named_arguments_only() -> None:
    with pytest.raises(TemplateSyntaxError):
        Template("{% load portal %}{% memo user %}x{% endmemo %}")
