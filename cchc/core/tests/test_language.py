"""The interface is Vietnamese whatever the browser says; English only by the language menu; the API negotiates."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

ENGLISH_BROWSER = "en-US,en;q=0.9"


def _home(client: Client) -> str:
    return client.get("/", HTTP_ACCEPT_LANGUAGE=ENGLISH_BROWSER).content.decode()


def test_an_english_browser_gets_the_vietnamese_interface(client: Client) -> None:
    response = client.get("/", HTTP_ACCEPT_LANGUAGE=ENGLISH_BROWSER)

    html = response.content.decode()
    assert '<html lang="vi">' in html
    assert "Thông tin công khai" in html
    assert response["Content-Language"] == "vi"
    assert "Cookie" in response["Vary"]


def test_the_language_menu_switches_to_english_and_back(client: Client) -> None:
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = _home(client)
    assert '<html lang="en">' in html
    assert "Public information" in html
    assert "Thông tin công khai" not in html

    client.post("/i18n/setlang/", {"language": "vi", "next": "/"})
    assert "Thông tin công khai" in _home(client)


def test_an_unknown_language_in_the_cookie_is_vietnamese(client: Client) -> None:
    client.cookies["django_language"] = "xx"
    assert '<html lang="vi">' in _home(client)


def test_the_api_follows_the_clients_accept_language(client: Client) -> None:
    assert client.get("/api/v1/openapi.json", HTTP_ACCEPT_LANGUAGE=ENGLISH_BROWSER)["Content-Language"] == "en"
    assert client.get("/api/v1/openapi.json", HTTP_ACCEPT_LANGUAGE="vi")["Content-Language"] == "vi"
