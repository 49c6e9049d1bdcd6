"""Reading a form out of a page as a browser would submit it, for tests that post it back."""

from __future__ import annotations

from html.parser import HTMLParser

SKIPPED_TYPES = {"submit", "button", "image", "reset", "file"}


class _FormParser(HTMLParser):
    def __init__(self, form_id: str | None) -> None:
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.data: dict[str, list[str]] = {}
        self.select: str | None = None
        self.option: str | None = None
        self.option_selected = False
        self.option_text = ""
        self.textarea: str | None = None
        self.text = ""

    def add(self, name: str, value: str) -> None:
        self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {key: value or "" for key, value in attrs}
        if tag == "form" and (self.form_id is None or found.get("id") == self.form_id):
            self.inside = True
            return
        if not self.inside:
            return
        name = found.get("name")
        if tag == "input" and name and "disabled" not in found:
            kind = found.get("type", "text").lower()
            if kind in SKIPPED_TYPES:
                return
            if kind in ("checkbox", "radio"):
                if "checked" in found:
                    self.add(name, found.get("value", "on"))
                return
            self.add(name, found.get("value", ""))
        elif tag == "select" and name:
            self.select = name
            self.data.setdefault(name, [])
        elif tag == "option" and self.select:
            self.option = found.get("value")
            self.option_selected = "selected" in found
            self.option_text = ""
        elif tag == "textarea" and name:
            self.textarea = name
            self.text = ""

    def handle_data(self, data: str) -> None:
        if self.textarea is not None:
            self.text += data
        elif self.option is not None or self.select:
            self.option_text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self.inside:
            self.inside = False
        elif tag == "option" and self.select:
            if self.option_selected:
                value = self.option if self.option is not None else self.option_text.strip()
                self.add(self.select, value)
            self.option = None
        elif tag == "select":
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            self.add(self.textarea, self.text.removeprefix("\n"))
            self.textarea = None


def form_data(html: str, form_id: str | None = None) -> dict[str, list[str]]:
    """The fields of the form ``form_id`` (the first form when None) with their current values:
    what submitting it unchanged would send."""
    parser = _FormParser(form_id)
    parser.feed(html)
    return {name: values for name, values in parser.data.items() if values}
