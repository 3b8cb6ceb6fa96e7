import pytest

from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = "/account/profile/"


def test_a_person_can_turn_reminders_off_and_name_themselves(client) -> None:
    user = UserFactory(full_name="", reminders_enabled=True)
    client.force_login(user)
    assert client.get(URL).status_code == 200

    response = client.post(URL, {"full_name": "Ana <b>Nowak</b>"})

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.full_name == "Ana <b>Nowak</b>"
    assert user.reminders_enabled is False
    page = client.get(URL).content.decode()
    assert "Ana &lt;b&gt;Nowak&lt;/b&gt;" in page


def test_an_overlong_name_is_a_form_error(client) -> None:
    user = UserFactory(full_name="Ana")
    client.force_login(user)
    response = client.post(URL, {"full_name": "x" * 151, "reminders_enabled": "on"})
    assert response.status_code == 200
    assert "at most 150 characters" in response.content.decode()
    user.refresh_from_db()
    assert user.full_name == "Ana"


def test_anonymous_visitors_are_sent_to_sign_in(client) -> None:
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/account/login/")


def test_a_person_chooses_the_language_of_their_emails(client) -> None:
    user = UserFactory(language="")
    client.force_login(user)

    client.post(URL, {"full_name": "Ana", "language": "pl", "reminders_enabled": "on"})

    user.refresh_from_db()
    assert user.language == "pl"
    assert client.post(URL, {"language": "xx"}).status_code == 200  # not a language: an error
    user.refresh_from_db()
    assert user.language == "pl"
