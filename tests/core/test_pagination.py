"""The portal's paginator gives Django's pages, and counts in the database only when a full
page is followed by more rows."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.core import paginator as django_paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.core.pagination import Paginator

pytestmark = pytest.mark.django_db


def outcome(pages: django_paginator.Paginator, number: object) -> tuple:
    try:
        page = pages.page(number)
    except django_paginator.InvalidPage as exc:
        return (type(exc), str(exc))
    rows = [group.name for group in page.object_list]
    return (rows, page.number, pages.count, pages.num_pages, page.has_next(), page.start_index())


@pytest.mark.parametrize("size", [0, 1, 2, 3, 4, 6, 7])
def test_each_page_is_djangos_page(size: int) -> None:
    Group.objects.bulk_create(Group(name=f"g{i:02}") for i in range(size))
    groups = Group.objects.order_by("name")
    for number in [1, 2, 3, 4, "2", 2.0, 2.5, 0, -1, "x", None, "9" * 30, 2**63]:
        for empty_first in (True, False):
            ours = Paginator(groups, 3, allow_empty_first_page=empty_first)
            theirs = django_paginator.Paginator(groups, 3, allow_empty_first_page=empty_first)
            assert outcome(ours, number) == outcome(theirs, number), (size, number)


@pytest.mark.parametrize(("size", "number", "queries"), [
    (0, 1, 1),  # empty list: one read, no count
    (2, 1, 1),  # the page ends the list
    (3, 1, 1),  # a full page, nothing after it
    (6, 2, 1),
    (4, 1, 2),  # a full page with more after it: counted
    (7, 2, 2),
    (3, 2, 2),  # past the end: Django's count decides
])  # fmt: skip
def test_it_counts_only_when_a_full_page_has_more_after_it(size, number, queries) -> None:
    Group.objects.bulk_create(Group(name=f"g{i:02}") for i in range(size))
    pages = Paginator(Group.objects.order_by("name"), 3)
    with CaptureQueriesContext(connection) as captured:
        outcome(pages, number)
    counts = [q for q in captured.captured_queries if "COUNT(" in q["sql"].upper()]
    assert len(captured.captured_queries) == queries
    assert len(counts) == queries - 1
