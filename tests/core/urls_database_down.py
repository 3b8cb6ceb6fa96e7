"""Addresses whose views fail as they do while the database is unreachable (see
``test_database_unavailable.py``)."""

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.urls import path


def connection_refused(request: HttpRequest) -> HttpResponse:
    raise OperationalError('connection to server at "127.0.0.1", port 5432 failed')


def connection_lost(request: HttpRequest) -> HttpResponse:
    raise InterfaceError("connection already closed")


def bug(request: HttpRequest) -> HttpResponse:
    raise ValueError("a bug, not an outage")


urlpatterns = [
    path("page/", connection_refused),
    path("page/lost/", connection_lost),
    path("api/v1/things/", connection_refused),
    path("bug/", bug),
]
