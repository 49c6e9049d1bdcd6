from __future__ import annotations

from django.test import Client, RequestFactory
from django.utils import translation
from django.views.defaults import server_error


def test_an_unknown_address_gets_the_not_found_page_in_the_site_layout(
    parent_client: Client, db: None
) -> None:
    response = parent_client.get("/sv/ingen-sida/")
    html = response.content.decode()
    assert response.status_code == 404
    assert '<html lang="sv">' in html
    assert 'class="skip-link"' in html
    assert 'href="/sv/accessibility/"' in html
    assert not response.cookies


def test_the_server_error_page_needs_no_database_and_sets_no_cookie() -> None:
    request = RequestFactory().get("/fi/services/1/")
    with translation.override("fi"):
        response = server_error(request)
    html = response.content.decode()
    assert response.status_code == 500
    assert '<html lang="fi">' in html
    assert 'href="/fi/"' in html
    assert not response.cookies


def test_public_pages_send_a_strict_content_security_policy(
    parent_client: Client, db: None
) -> None:
    policy = parent_client.get("/en/accessibility/")["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in policy
