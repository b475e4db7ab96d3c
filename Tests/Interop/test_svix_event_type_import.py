"""Event type catalogue through the official Svix SDK: `event_type.import_openapi`, `environment.export/import_`."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Callable

from svix.api import EnvironmentIn, EventTypeImportOpenApiIn, EventTypeIn, Svix, SvixOptions

if TYPE_CHECKING:
    from conftest import Herald, HeraldServer

DOCUMENT = {
    "openapi": "3.1.0",
    "info": {"title": "Acme", "version": "1"},
    "webhooks": {
        "order.shipped": {
            "post": {
                "summary": "An order shipped",
                "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Order"}}}},
                "responses": {"200": {"description": "ok"}},
            }
        }
    },
    "components": {"schemas": {"Order": {"type": "object", "properties": {"id": {"type": "string"}}}}},
}


def sdk(herald: Herald) -> Svix:
    return Svix(herald.token, SvixOptions(server_url=herald.base_url, retry_schedule=[], timeout=15))


def test_openapi_import_and_environment_round_trip(herald_factory: Callable[..., HeraldServer]) -> None:
    staging = sdk(herald_factory().info)
    dry = staging.event_type.import_openapi(EventTypeImportOpenApiIn(spec=DOCUMENT, dry_run=True))
    assert dry.data.modified == ["order.shipped"]
    assert dry.data.to_modify[0].description == "An order shipped"
    assert staging.event_type.list().data == []

    done = staging.event_type.import_openapi(EventTypeImportOpenApiIn(spec_raw=json.dumps(DOCUMENT)))
    assert done.data.modified == ["order.shipped"]
    shipped = staging.event_type.get("order.shipped")
    assert shipped.schemas == {"1": {"type": "object", "properties": {"id": {"type": "string"}}}}
    staging.event_type.create(EventTypeIn(name="order.cancelled", description="cancelled", feature_flags=["beta"]))

    exported = staging.environment.export()
    assert sorted(t.name for t in exported.event_types) == ["order.cancelled", "order.shipped"]

    production = sdk(herald_factory().info)
    production.environment.import_(EnvironmentIn(event_types=[
        EventTypeIn(name=t.name, description=t.description, schemas=t.schemas, feature_flags=t.feature_flags,
                    archived=t.archived, deprecated=t.deprecated)
        for t in exported.event_types]))
    copied = {t.name: t for t in production.event_type.list().data}
    assert sorted(copied) == ["order.cancelled", "order.shipped"]
    assert copied["order.cancelled"].feature_flags == ["beta"]
    assert production.event_type.get("order.shipped").schemas == shipped.schemas
