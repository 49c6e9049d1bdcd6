"""The official HSDS 3.0 JSON Schemas and openapi.json, resolved locally (no network).

The schemas are registered under the URLs the specification publishes them at, so the
``$ref`` between files and the openapi.json references to ``schema/compiled/...`` resolve to
the copies in tests/data/hsds/. The compiled schemas were not copied: a compiled schema is its
source schema with the references inlined, so ``compiled/X.json`` resolves to ``X.json``, and
the list forms (``compiled/X_list.json``, the one-to-one fields of X) to ``X.json`` as well,
whose array properties are optional.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "data" / "hsds" / "hsds_3.0_schema"
BASE = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/"
OPENAPI = BASE + "openapi.json"
FORMATS = FormatChecker()


@cache
def registry() -> Registry:
    resources = []
    for path in sorted(SCHEMA_DIR.glob("*.json")):
        contents = json.loads(path.read_text())
        resource = Resource.from_contents(contents, default_specification=DRAFT202012)
        resources.append((BASE + path.name, resource))
        resources.append((BASE + "compiled/" + path.name, resource))
        list_name = path.name.replace(".json", "_list.json")
        resources.append((BASE + "compiled/" + list_name, resource))
    return Registry().with_resources(resources)


@cache
def validator(ref: str) -> Draft202012Validator:
    return Draft202012Validator({"$ref": ref}, registry=registry(), format_checker=FORMATS)


def object_errors(document: object, name: str) -> list[str]:
    """Errors of ``document`` against the HSDS schema of object ``name`` (e.g. "service")."""
    return messages(validator(BASE + f"{name}.json"), document)


def response_errors(document: object, path: str) -> list[str]:
    """Errors of a 200 response of the HSDS API operation GET ``path`` (e.g. "/services")."""
    pointer = path.replace("~", "~0").replace("/", "~1")
    ref = f"{OPENAPI}#/paths/{pointer}/get/responses/200/content/application~1json/schema"
    return messages(validator(ref), document)


def messages(validator: Draft202012Validator, document: object) -> list[str]:
    return [
        f"{'/'.join(str(part) for part in error.absolute_path)}: {error.message}"
        for error in validator.iter_errors(document)
    ]
