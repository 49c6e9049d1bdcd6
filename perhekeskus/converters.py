"""Path converters every app's URLs use; registered before the apps' URLs are included."""

from __future__ import annotations

from django.urls import register_converter


class IdConverter:
    """A database id: digits only, and few enough that no database overflows on them."""

    regex = "[0-9]{1,12}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


class TokenConverter:
    regex = "[A-Za-z0-9_-]{1,64}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class SignedConverter:
    """A value made by ``django.core.signing.dumps``: URL-safe base64 parts joined by colons."""

    regex = "[A-Za-z0-9_:-]{1,400}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(IdConverter, "id")
register_converter(SignedConverter, "signed")
register_converter(TokenConverter, "token")
