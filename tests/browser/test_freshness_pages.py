"""The freshness pages in Chromium, in Finnish, Swedish and English: the work queue with items
of every kind, an error report open and closed, the "still accurate" link's page and its
refusals. axe finds no WCAG 2.1 A/AA violation and nothing is wider than a 375 px phone."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import Page

from accounts.models import User
from services import review
from services.models import ErrorReport, ErrorReportNote, Source, SupportService
from services.reminders import confirm_token, send_stale_reminders
from tests.browser.conftest import PageOf, axe_violations
from tests.cast import make_user
from tests.factories import OrganisationFactory, SupportServiceFactory
from tests.freshness.conftest import MIKKELI, VAASA, complete_listing, make_stale

LANGUAGES = ("fi", "sv", "en")
PHONE_WIDTH = 375
DESKTOP = {"width": 1280, "height": 900}


@dataclass
class World:
    editor: User
    coordinator: User
    open_report: ErrorReport
    closed_report: ErrorReport
    stale: SupportService


def make_world() -> World:
    """Items of every kind in the coordinator's queue, two reports, a stale listing."""
    organisation = OrganisationFactory(
        name_fi="Mikkelin perhetyö ry", name_sv="Familjearbetet i S:t Michel"
    )
    editor = make_user("editor", organisations=[organisation])
    coordinator = make_user("coordinator", counties=["12"])

    draft = SupportServiceFactory(
        organisation=organisation,
        name_fi="Vauvaperhetyö",
        status=SupportService.Status.DRAFT,
        municipalities=[MIKKELI],
    )
    review.submit(user=editor, service=draft, note="Uusi palvelu")
    reported = complete_listing(organisation, "Isäryhmä", name_sv="Pappagrupp")
    open_report = ErrorReport.objects.create(
        service=reported,
        text="Ryhmä kokoontuu nyt torstaisin.\nPuhelinnumero on vaihtunut.",
        reply_to="parent@example.org",
        language="sv",
    )
    ErrorReportNote.objects.create(report=open_report, author=coordinator, text="Soitin.")
    closed_report = ErrorReport.objects.create(
        service=reported,
        text="Osoite on väärä.",
        status=ErrorReport.Status.REJECTED,
        closed_by=coordinator,
        closed_at=timezone.now(),
        outcome="Osoite on oikein.",
    )
    escalated = complete_listing(organisation, "Eroneuvonta")
    make_stale(escalated, days=500)
    stale = complete_listing(organisation, "Parisuhdeneuvonta")
    make_stale(stale, days=375)
    now = timezone.now()
    send_stale_reminders(now=now - dt.timedelta(days=31))
    send_stale_reminders(now=now - dt.timedelta(days=1))
    SupportServiceFactory(
        organisation=organisation,
        name_fi="Tuotu perhekahvila",
        status=SupportService.Status.DRAFT,
        source=Source.PTV,
        municipalities=[MIKKELI],
    )
    SupportServiceFactory(
        organisation=organisation, name_fi="Vertaistukiryhmä", municipalities=[MIKKELI]
    )
    complete_listing(organisation, "Perheneuvolan puhelin", municipalities=[MIKKELI, VAASA])
    return World(
        editor=editor,
        coordinator=coordinator,
        open_report=open_report,
        closed_report=closed_report,
        stale=stale,
    )


def page_problems(page: Page, axe: Axe, language: str) -> list[str]:
    """The page's language, axe's findings, and its width on a phone."""
    problems = []
    if (lang := page.get_attribute("html", "lang")) != language:
        problems.append(f"lang={lang}")
    problems += axe_violations(axe, page)
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 800})
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > PHONE_WIDTH:
        problems.append(f"{width} px wide on a {PHONE_WIDTH} px screen")
    page.set_viewport_size(DESKTOP)
    return problems


def visit(page: Page, path: str, status: int = 200) -> Page:
    response = page.goto(path)
    assert response is not None and response.status == status, (path, response and response.status)
    return page


def submit_form(page: Page, selector: str, status: int) -> Page:
    with page.expect_navigation() as navigation:
        page.locator(selector).click()
    assert navigation.value.status == status, (page.url, navigation.value.status)
    return page


def test_the_freshness_pages_pass_axe_and_fit_a_phone_in_every_language(
    page_of: PageOf, axe: Axe
) -> None:
    world = make_world()
    coordinating = page_of(world.coordinator)
    editing = page_of(world.editor)
    for opened in (coordinating, editing):
        opened.set_viewport_size(DESKTOP)
    token = confirm_token(user=world.editor, service=world.stale)
    opened_report = world.open_report.pk
    closed_report = world.closed_report.pk

    def note_left_empty(language: str) -> Page:
        visit(coordinating, f"/{language}/staff/reports/{opened_report}/")
        return submit_form(
            coordinating, "form:has(input[name=action][value=note]) button[type=submit]", 400
        )

    pages: dict[str, Callable[[str], Page]] = {
        "queue": lambda lang: visit(coordinating, f"/{lang}/staff/queue/"),
        "queue of one kind": lambda lang: visit(coordinating, f"/{lang}/staff/queue/?kind=stale"),
        "queue of an editor": lambda lang: visit(editing, f"/{lang}/staff/queue/"),
        "open report": lambda lang: visit(coordinating, f"/{lang}/staff/reports/{opened_report}/"),
        "report with an empty note": note_left_empty,
        "closed report": lambda lang: visit(
            coordinating, f"/{lang}/staff/reports/{closed_report}/"
        ),
        "confirm link": lambda lang: visit(editing, f"/{lang}/staff/confirm/{token}/"),
        "confirm link of someone else": lambda lang: visit(
            coordinating, f"/{lang}/staff/confirm/{token}/", 403
        ),
        "changed confirm link": lambda lang: visit(
            editing, f"/{lang}/staff/confirm/{token[:-3]}abc/", 400
        ),
    }
    problems: dict[str, list[str]] = {}
    for language in LANGUAGES:
        for name, show in pages.items():
            found = page_problems(show(language), axe, language)
            if found:
                problems[f"{name} ({language})"] = found

    assert problems == {}
