from rest_framework import pagination

from apps.core.pagination import Paginator


class PageNumberPagination(pagination.PageNumberPagination):
    """Page-numbered lists; clients may ask for up to 200 rows a page. A page that ends
    the list costs no COUNT query (``apps.core.pagination.Paginator``)."""

    django_paginator_class = Paginator
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
