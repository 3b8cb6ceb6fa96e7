"""The one paginator of the portal's lists, pages and API alike."""

from __future__ import annotations

from typing import Any

from django.core import paginator
from django.db.models import QuerySet

# Past this, an OFFSET overflows the database's integers: such pages are past any list.
MAX_OFFSET = 2**62


class Paginator(paginator.Paginator):
    """Django's paginator without its COUNT query when the page asked for is the last one.

    It reads one row more than a page holds: a page with room left ends the list, so the
    count is the rows before it and on it. Only a full page followed by more rows counts
    them in the database (and keeps the rows it read). Page numbers are checked as
    Django checks them, against the same count; lists with ``orphans`` and lists that are
    not querysets are paginated by Django's own ``page``."""

    def page(self, number: Any) -> paginator.Page:
        if "count" in self.__dict__ or self.orphans or not isinstance(self.object_list, QuerySet):
            return super().page(number)
        if isinstance(number, str) and number.isascii() and number.isdigit():
            wanted = int(number)
        elif isinstance(number, int) and not isinstance(number, bool):
            wanted = number
        else:  # "last", floats, nonsense: Django's own rules
            return super().page(number)
        bottom = (wanted - 1) * self.per_page
        if wanted < 1 or bottom > MAX_OFFSET:  # Django's own error, before SQL can overflow
            return super().page(number)
        rows = list(self.object_list[bottom : bottom + self.per_page + 1])
        if len(rows) > self.per_page:
            self.count = self.object_list.count()
            rows = rows[: self.per_page]
        elif rows or wanted == 1:
            self.count = bottom + len(rows)
        else:  # past the end: Django's own error, from its own count
            return super().page(number)
        return paginator.Page(rows, self.validate_number(wanted), self)
