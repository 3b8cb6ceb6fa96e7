"""The client's address: X-Forwarded-For is believed only as far as the trusted proxies go,
and the audit log and the logs record the address so resolved."""

import io
import ipaddress
import logging
from collections.abc import Iterator

import pytest
from django.test import Client, RequestFactory
from hypothesis import given
from hypothesis import strategies as st

from apps.accounts.models import User
from apps.accounts.services import user_token_get_or_create
from apps.audit.models import AuditEvent
from apps.audit.services import audit_record
from apps.core.client_ip import ENVIRON_KEY, client_ip, resolve_client_ip
from tests.accounts.factories import UserFactory

CLIENT = "203.0.113.7"
PROXY = "10.0.0.2"
FORGED = "198.51.100.66"

addresses = st.ip_addresses().map(str)
# Whatever a client may put in the header itself: addresses, or rubbish.
forged_hops = st.lists(
    st.one_of(addresses, st.text(alphabet="abc:.[]0123456789 ", max_size=12)), max_size=4
)


@given(remote=addresses, header=forged_hops)
def test_without_trusted_proxies_the_header_is_ignored(remote: str, header: list[str]) -> None:
    assert resolve_client_ip(remote, ", ".join(header), 0) == remote


@given(forged=forged_hops, client=addresses, proxies=st.lists(addresses, min_size=1, max_size=3))
def test_behind_n_proxies_the_nth_address_from_the_right_is_the_client(
    forged: list[str], client: str, proxies: list[str]
) -> None:
    # The outermost proxy appends the client; each further proxy appends the one before it.
    # The last proxy is the connection's peer and appends nothing the portal sees.
    header = ", ".join([*forged, client, *proxies[:-1]])

    assert resolve_client_ip(proxies[-1], header, len(proxies)) == client


def test_a_header_shorter_than_the_proxies_gives_its_left_most_address() -> None:
    # The request reached the inner proxy without passing the outer one.
    assert resolve_client_ip(PROXY, CLIENT, 2) == CLIENT


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("not-an-address", PROXY),
        (f"{CLIENT}:4711", CLIENT),
        ("[2001:db8::1]:443", "2001:db8::1"),
        ("2001:DB8:0::1", "2001:db8::1"),
        (" , ", PROXY),
    ],
)
def test_it_normalises_what_the_proxy_wrote(header: str, expected: str) -> None:
    assert resolve_client_ip(PROXY, header, 1) == expected


def test_it_reads_the_setting(rf: RequestFactory, settings) -> None:
    headers = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": f"{FORGED}, {CLIENT}"}

    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(rf.get("/", **headers)) == PROXY
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(rf.get("/", **headers)) == CLIENT
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(rf.get("/", **headers)) == FORGED


def test_gunicorn_can_log_the_resolved_address(rf: RequestFactory, settings) -> None:
    # docker-compose.yml's access log format reads it from the WSGI environ.
    settings.TRUSTED_PROXY_COUNT = 1
    request = rf.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=CLIENT)

    client_ip(request)

    assert request.META[ENVIRON_KEY] == CLIENT


# --- The audit log ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_audit_log_records_the_connection_not_a_forged_header(client: Client) -> None:
    person = UserFactory(email="person@example.org")
    user_token_get_or_create(user=person)
    client.force_login(person)

    client.delete("/api/v1/auth/token/", REMOTE_ADDR=CLIENT, HTTP_X_FORWARDED_FOR=FORGED)

    assert AuditEvent.objects.get(verb="token.revoked").ip_address == CLIENT


@pytest.mark.django_db
def test_the_audit_log_records_the_client_behind_a_trusted_proxy(client: Client, settings) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    person = UserFactory(email="person@example.org")
    user_token_get_or_create(user=person)
    client.force_login(person)

    client.delete(
        "/api/v1/auth/token/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"{FORGED}, {CLIENT}"
    )

    assert AuditEvent.objects.get(verb="token.revoked").ip_address == CLIENT


@pytest.mark.django_db
def test_outside_a_request_the_audit_log_records_no_address() -> None:
    person: User = UserFactory(email="person@example.org")

    event = audit_record(actor=person, verb="token.created", obj=person)

    assert event.ip_address is None


# --- The logs ----------------------------------------------------------------------------------


@pytest.fixture
def stderr_log() -> Iterator[io.StringIO]:
    """What the configured ``stderr`` handler writes (with its filters and format)."""
    handler = logging.getHandlerByName("stderr")
    assert handler is not None
    stream = io.StringIO()
    previous = handler.setStream(stream)
    yield stream
    handler.setStream(previous)


@pytest.mark.django_db
def test_request_logs_carry_the_connection_not_a_forged_header(
    client: Client, stderr_log: io.StringIO
) -> None:
    client.get("/no-such-page/", REMOTE_ADDR=CLIENT, HTTP_X_FORWARDED_FOR=FORGED)

    line = next(line for line in stderr_log.getvalue().splitlines() if "Not Found" in line)
    assert CLIENT in line
    assert FORGED not in line


@pytest.mark.django_db
def test_request_logs_carry_the_client_behind_a_trusted_proxy(
    client: Client, settings, stderr_log: io.StringIO
) -> None:
    settings.TRUSTED_PROXY_COUNT = 1

    client.get("/no-such-page/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"{FORGED}, {CLIENT}")

    line = next(line for line in stderr_log.getvalue().splitlines() if "Not Found" in line)
    assert CLIENT in line
    assert FORGED not in line
    assert PROXY not in line


def test_lines_outside_a_request_say_so(stderr_log: io.StringIO) -> None:
    logging.getLogger("apps.core").warning("outside")

    line = stderr_log.getvalue().strip()
    assert line.endswith("apps.core outside")
    assert "-]" in line
    assert not any(_is_address(word.strip("[]")) for word in line.split())


def _is_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True
