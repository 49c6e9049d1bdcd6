"""Every staff page in Chromium, in Finnish, Swedish and English: no WCAG 2.1 A/AA violations
found by axe, nothing wider than a 375 px phone screen, and a visible keyboard focus.

One world and one browser context per person for the whole walk: each test of a live server
loads the reference data again, which costs seconds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import Page

from accounts.invitations import invite_editor
from accounts.models import User
from mapping import coverage
from services import catalogue, review
from services.catalogue.documents import empty_document
from services.importers.runs import start_import_run
from services.models import Organisation, ServiceRevision, SupportService
from tests.browser.conftest import PageOf, axe_violations
from tests.cast import make_user
from tests.factories import OrganisationFactory
from tests.imports.waiting import wait_until_finished

LANGUAGES = ("fi", "sv", "en")
PHONE_WIDTH = 375
DESKTOP = {"width": 1280, "height": 900}
# Keyboard focus is checked on the first controls from the top of each page (the header and
# the staff navigation) and on the first controls of the content, reached by the skip link.
HEADER_STOPS = 7
CONTENT_STOPS = 5
FOCUS = """
() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  return {
    html: el.outerHTML.slice(0, 100),
    visible: el.matches(":focus-visible")
      && (style.outlineStyle !== "none" || style.boxShadow !== "none"),
  };
}
"""


@dataclass
class World:
    editor: User
    colleague: User
    coordinator: User
    draft: SupportService
    published: SupportService
    conflicted: SupportService
    change: ServiceRevision
    new_service: ServiceRevision


def document(organisation: Organisation, name: str) -> dict[str, Any]:
    """A group for fathers in Mikkeli, with its Finnish texts only."""
    result = empty_document(
        organisation=organisation.pk,
        name_fi=name,
        summary_fi="Tukea vanhemmuuteen.",
        tier="UNIVERSAL_GROUP",
    )
    result["links"] |= {
        "channels": ["GROUP"],
        "target_groups": ["FATHERS"],
        "area_municipalities": ["491"],
    }
    return result


def with_rows(base: dict[str, Any]) -> dict[str, Any]:
    """A location with weekly hours and an exception, a contact point and a group session."""
    starts = timezone.now().replace(microsecond=0) + dt.timedelta(days=10)
    base["locations"] = [
        {
            "fields": {
                "name_fi": "Perhetalo",
                "street_address_fi": "Hallituskatu 3",
                "postal_code": "50100",
                "municipality": "491",
                "latitude": 61.6886,
                "longitude": 27.2723,
                "step_free": True,
            },
            "hours": [[0, "09:00", "12:00"], [0, "13:00", "16:00"], [3, "17:00", "19:00"]],
            "exceptions": [
                {"start_date": "2026-12-24", "end_date": "2026-12-26", "note_fi": "Joulu"}
            ],
        }
    ]
    base["contact_points"] = [
        {
            "fields": {
                "kind": "PHONE",
                "value": "015 123 4567",
                "label_fi": "Ajanvaraus",
                "order": 1,
            },
            "hours": [[1, "09:00", "11:00"]],
            "exceptions": [],
        }
    ]
    base["sessions"] = [
        {
            "fields": {
                "title_fi": "Isä-lapsi-ilta",
                "starts_at": starts.isoformat(),
                "ends_at": (starts + dt.timedelta(hours=2)).isoformat(),
                "location": 0,
                "language": "fi",
                "seats": 12,
            }
        }
    ]
    return base


def rename(*, user: User, service: SupportService, name: str, submit: bool = False) -> None:
    state = review.working_state(service)
    changed = {**state.document, "fields": {**state.document["fields"], "name_fi": name}}
    review.save_service(
        user=user, service=service, document=changed, token=state.token, submit=submit
    )


def make_world() -> World:
    organisation = OrganisationFactory(name_fi="Mikkelin Perheliitto")
    editor = make_user("editor", organisations=[organisation])
    colleague = make_user("colleague", organisations=[organisation])
    coordinator = make_user("coordinator", counties=["12"])

    def create(name: str, rows: bool = False) -> SupportService:
        base = document(organisation, name)
        return review.create_service(
            user=editor, organisation=organisation, document=with_rows(base) if rows else base
        )

    # A draft with every kind of row, saved several times (the history has versions).
    draft = create("Isäryhmä", rows=True)
    for name in ("Isäryhmä Mikkeli", "Isien ryhmä Mikkeli"):
        rename(user=editor, service=SupportService.objects.get(pk=draft.pk), name=name)

    # A published service with a change waiting for review.
    published = create("Perheneuvola", rows=True)
    catalogue.publish(user=coordinator, services=[published])
    published = SupportService.objects.get(pk=published.pk)
    rename(user=editor, service=published, name="Perheneuvola Mikkeli", submit=True)

    # A new service waiting for review, and one returned with a reason.
    pending = create("Vauvakerho")
    review.submit(user=editor, service=SupportService.objects.get(pk=pending.pk), note="Uusi.")
    returned = create("Kerhotoiminta")
    review.submit(user=editor, service=SupportService.objects.get(pk=returned.pk))
    review.return_to_editor(
        user=coordinator,
        revision=ServiceRevision.objects.get(service=returned),
        reason="Kerro, kenelle kerho on tarkoitettu.",
    )

    conflicted = create("Perhekahvila")
    invite_editor(
        invited_by=coordinator,
        email="uusi@example.org",
        organisation=organisation,
        language="fi",
    )
    run = start_import_run(
        kind="spreadsheet",
        file_name="palvelut.csv",
        content="Tunniste;Nimi (suomi)\nryhma;Ryhmä\n".encode(),
        dry_run=True,
        strict=False,
        language="fi",
        user=coordinator,
        county="12",
    )
    # The dry run works in a thread of this process; SQLite's shared in-memory test database
    # locks a table it reads, so the recomputation below waits for the run to end.
    wait_until_finished(run)
    coverage.recompute()
    return World(
        editor=editor,
        colleague=colleague,
        coordinator=coordinator,
        draft=SupportService.objects.get(pk=draft.pk),
        published=published,
        conflicted=SupportService.objects.get(pk=conflicted.pk),
        change=ServiceRevision.objects.get(service=published),
        new_service=ServiceRevision.objects.get(service=pending),
    )


# Checking one page.


# The innermost elements that reach past the right edge of the screen, to name in a failure.
WIDEST = """[...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > innerWidth + 1)
  .filter(e => ![...e.children].some(c => c.getBoundingClientRect().right > innerWidth + 1))
  .slice(0, 3)
  .map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : '') + ' "'
    + e.textContent.trim().slice(0, 40) + '"')"""


def page_problems(page: Page, axe: Axe, language: str) -> list[str]:
    """What is wrong with the page as it stands: its language, axe's findings (with every
    folded part open), its width on a phone, and keyboard focus that cannot be seen."""
    problems = []
    if (lang := page.get_attribute("html", "lang")) != language:
        problems.append(f"lang={lang}")
    page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
    problems += axe_violations(axe, page)
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 800})
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > PHONE_WIDTH:
        problems.append(f"{width} px wide on a {PHONE_WIDTH} px screen: {page.evaluate(WIDEST)}")
    page.set_viewport_size(DESKTOP)
    # The focus indicator comes from the style sheet, the same in every language.
    if language == LANGUAGES[0]:
        problems += invisible_focus(page)
    return problems


def invisible_focus(page: Page) -> list[str]:
    """Tab from the top of the page, then from the start of the content (the skip link):
    where the focused control shows no focus indicator."""
    problems = []
    reached = []
    page.evaluate("document.activeElement && document.activeElement.blur()")
    for stops, start in ((HEADER_STOPS, None), (CONTENT_STOPS, ".skip-link")):
        if start:
            page.locator(start).focus()
            page.keyboard.press("Enter")
        for _stop in range(stops):
            page.keyboard.press("Tab")
            focused = page.evaluate(FOCUS)
            if focused is None:
                continue
            reached.append(focused["html"])
            if not focused["visible"]:
                problems.append(f"focus not visible on {focused['html']}")
    if len(set(reached)) < CONTENT_STOPS:
        problems.append(f"the keyboard reached only {len(set(reached))} controls")
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


def test_every_staff_page_passes_axe_fits_a_phone_and_shows_the_focus_in_every_language(
    page_of: PageOf, page: Page, axe: Axe
) -> None:
    world = make_world()
    newcomer = make_user("newcomer", counties=["12"])  # no authenticator app yet
    returning = make_user("returning", counties=["12"])  # has one, code not given yet
    returning.totpdevice_set.create(name="phone", confirmed=True)

    def open_page(user: User, **options: Any) -> Page:
        opened = page_of(user, **options)
        opened.set_viewport_size(DESKTOP)
        return opened

    editing = open_page(world.editor)
    reviewing = open_page(world.coordinator)
    setting_up = open_page(newcomer, verified=False)
    verifying = open_page(returning, verified=False)
    anonymous = page  # nobody logged in
    anonymous.set_viewport_size(DESKTOP)
    draft, published, conflicted = world.draft.pk, world.published.pk, world.conflicted.pk

    def conflict(language: str) -> Page:
        visit(editing, f"/{language}/staff/services/{conflicted}/")
        service = SupportService.objects.get(pk=conflicted)
        rename(user=world.colleague, service=service, name=f"Perhekahvila ({language})")
        return submit_form(editing, "button[name=action][value=save]", 409)

    def new_service_with_errors(language: str) -> Page:
        visit(editing, f"/{language}/staff/services/new/")
        return submit_form(editing, "button[name=action][value=save]", 400)

    def return_without_a_reason(language: str) -> Page:
        visit(reviewing, f"/{language}/staff/reviews/{world.new_service.pk}/")
        return submit_form(reviewing, "button[name=action][value=return]", 400)

    def login_with_a_wrong_password(language: str) -> Page:
        visit(anonymous, f"/{language}/staff/login/")
        anonymous.locator("input[name=username]").fill(f"mistaken-{language}")
        anonymous.locator("input[name=password]").fill("wrong password")
        return submit_form(anonymous, "main form button[type=submit]", 400)

    def recovery_codes_shown(language: str) -> Page:
        visit(reviewing, f"/{language}/staff/two-factor/recovery-codes/")
        return submit_form(reviewing, "main form button[type=submit]", 200)

    def locked_out(language: str) -> Page:
        # django-axes locks a user name after AXES_FAILURE_LIMIT failures from one address.
        attempts = settings.AXES_FAILURE_LIMIT if language == LANGUAGES[0] else 1
        for attempt in range(attempts):
            visit(anonymous, f"/{language}/staff/login/")
            anonymous.locator("input[name=username]").fill("unlucky")
            anonymous.locator("input[name=password]").fill("wrong password")
            last = attempt == attempts - 1
            submit_form(anonymous, "main form button[type=submit]", 429 if last else 400)
        return anonymous

    pages: dict[str, Callable[[str], Page]] = {
        "my services": lambda lang: visit(editing, f"/{lang}/staff/"),
        "new service": lambda lang: visit(editing, f"/{lang}/staff/services/new/"),
        "new service with errors": new_service_with_errors,
        "edit a draft": lambda lang: visit(editing, f"/{lang}/staff/services/{draft}/"),
        "edit a published service with a change": lambda lang: visit(
            editing, f"/{lang}/staff/services/{published}/"
        ),
        "preview": lambda lang: visit(editing, f"/{lang}/staff/services/{draft}/preview/"),
        "history": lambda lang: visit(editing, f"/{lang}/staff/services/{draft}/history/"),
        "conflict": conflict,
        "reviews": lambda lang: visit(reviewing, f"/{lang}/staff/reviews/"),
        "review of a change": lambda lang: visit(
            reviewing, f"/{lang}/staff/reviews/{world.change.pk}/"
        ),
        "review of a new service": lambda lang: visit(
            reviewing, f"/{lang}/staff/reviews/{world.new_service.pk}/"
        ),
        "returning without a reason": return_without_a_reason,
        "editors": lambda lang: visit(reviewing, f"/{lang}/staff/editors/"),
        "profile": lambda lang: visit(reviewing, f"/{lang}/staff/profile/"),
        "recovery codes": lambda lang: visit(
            reviewing, f"/{lang}/staff/two-factor/recovery-codes/"
        ),
        "new recovery codes": recovery_codes_shown,
        "imports": lambda lang: visit(reviewing, f"/{lang}/staff/imports/"),
        "mapping": lambda lang: visit(reviewing, f"/{lang}/mapping/"),
        "two-factor setup": lambda lang: visit(setting_up, f"/{lang}/staff/two-factor/setup/"),
        "two-factor login": lambda lang: visit(verifying, f"/{lang}/staff/two-factor/"),
        "login": lambda lang: visit(anonymous, f"/{lang}/staff/login/"),
        "login with a wrong password": login_with_a_wrong_password,
        "locked out": locked_out,
    }

    problems = {}
    for language in LANGUAGES:
        for name, open_it in pages.items():
            if found := page_problems(open_it(language), axe, language):
                problems[f"{language}: {name}"] = found
    assert problems == {}
