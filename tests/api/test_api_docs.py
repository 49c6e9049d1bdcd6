"""The OpenAPI schema and the browsable documentation, served from our own origin only."""

from __future__ import annotations

import re

import yaml
from django.test import Client

EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", re.IGNORECASE)


def test_the_schema_is_openapi_3_and_documents_every_resource(client: Client) -> None:
    response = client.get("/api/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert schema["openapi"].startswith("3.")
    paths = set(schema["paths"])
    for resource in ("services", "organisations", "locations", "sessions", "methods", "tiers"):
        assert f"/api/v1/{resource}/" in paths
    for resource in ("municipalities", "counties", "postal-areas", "coverage", "gaps"):
        assert f"/api/v1/{resource}/" in paths
    parameters = {p["name"] for p in schema["paths"]["/api/v1/services/"]["get"]["parameters"]}
    assert {"q", "place", "tier", "target_group", "age", "free", "page", "page_size"} <= parameters
    assert not any(path.startswith("/api/hsds") for path in paths)


def test_the_docs_load_everything_from_our_own_origin(client: Client) -> None:
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert not EXTERNAL.search(html)
    assets = re.findall(r"""(?:src|href)="([^"]+)\"""", html)
    assert any("swagger-ui-bundle.js" in asset for asset in assets)
    for asset in assets:
        assert asset.startswith("/"), asset
        asset_response = client.get(asset)
        assert asset_response.status_code == 200, asset
        if asset.startswith("/api/docs/"):
            script = asset_response.content.decode()
            assert "http://" not in script and "https://" not in script
            assert '"/api/schema/"' in script
            assert '"validatorUrl": null' in script
