"""The account overview page."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

URL = reverse("accounts:overview")


def test_it_redirects_visitors_to_sign_in(client) -> None:
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={URL}"


def test_it_links_to_every_account_page(client, person) -> None:
    client.force_login(person)

    response = client.get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    assert main.count("<h1") == 1
    assert person.email in main
    for name in ("account_change_password", "account_email", "accounts:data", "accounts:delete"):
        assert f'href="{reverse(name)}"' in main


def test_it_escapes_html_in_the_name(client, person) -> None:
    person.full_name = '<script>alert("x")</script>'
    person.save()
    client.force_login(person)

    html = client.get(URL).content.decode()

    assert "<script>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
