"""Application tokens through the official Svix SDK: `authentication.app_portal_access`, `expire_all`, `logout`,
and the keys of `integration`.

A token from app-portal-access opens one application only: a Svix client built on it reads that application and
does what its capabilities allow; everything else is 403, and a logged-out or expired token is 401.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

import pytest
from svix.api import (
    ApplicationIn,
    ApplicationTokenExpireIn,
    AppPortalAccessIn,
    AppPortalCapability,
    EndpointIn,
    EventTypeIn,
    IntegrationIn,
    IntegrationUpdate,
    MessageIn,
    Svix,
    SvixOptions,
)
from svix.exceptions import HttpError, HTTPValidationError

if TYPE_CHECKING:
    from conftest import Herald

PORTAL = "https://portal.example.com/webhooks"


def client(herald: Herald, token: str) -> Svix:
    return Svix(token, SvixOptions(server_url=herald.base_url, retry_schedule=[], timeout=15))


def expect_status(status: int, fn: Callable[[], object]) -> HttpError:
    with pytest.raises(HttpError) as info:
        fn()
    assert info.value.status_code == status, f"expected {status}, got {info.value.status_code}: {info.value}"
    return info.value


@pytest.mark.herald_env(HERALD_APP_PORTAL_URL=PORTAL)
def test_an_application_token_reads_its_application_and_is_refused_elsewhere(herald: Herald) -> None:
    admin = client(herald, herald.token)
    admin.event_type.create(EventTypeIn(name="invoice.paid", description="paid"))
    admin.event_type.create(EventTypeIn(name="invoice.beta", description="beta", feature_flags=["beta"]))
    app = admin.application.create(ApplicationIn(name="Tenant", uid="tenant-1"))
    other = admin.application.create(ApplicationIn(name="Other", uid="tenant-2"))
    endpoint = admin.endpoint.create(app.id, EndpointIn(url="https://example.com/hook", event_types=["invoice.paid"]))
    message = admin.message.create(app.id, MessageIn(event_type="invoice.paid", payload={"amount": 1}))

    access = admin.authentication.app_portal_access(
        "tenant-1",
        AppPortalAccessIn(
            capabilities=[AppPortalCapability.VIEW_BASE, AppPortalCapability.CREATE_ATTEMPTS],
            session_id="session-1",
            expiry=3600,
        ),
    )
    assert access.url == f"{PORTAL}#key={access.token}"
    portal = client(herald, access.token)

    assert portal.application.get("tenant-1").id == app.id
    assert [e.id for e in portal.endpoint.list("tenant-1").data] == [endpoint.id]
    assert [m.id for m in portal.message.list(app.id).data] == [message.id]
    # Without the beta flag the token does not see the flagged event type.
    assert [t.name for t in portal.event_type.list().data] == ["invoice.paid"]
    flagged = admin.authentication.app_portal_access("tenant-1", AppPortalAccessIn(feature_flags=["beta"]))
    assert [t.name for t in client(herald, flagged.token).event_type.list().data] == ["invoice.beta", "invoice.paid"]
    portal.message_attempt.list_by_msg(app.id, message.id)

    for call in (
        lambda: portal.endpoint.create(app.id, EndpointIn(url="https://example.com/other")),
        lambda: portal.endpoint.get_secret(app.id, endpoint.id),
        lambda: portal.message.create(app.id, MessageIn(event_type="invoice.paid", payload={})),
        lambda: portal.application.list(),
        lambda: portal.endpoint.list(other.id),
        lambda: portal.endpoint.list("no-such-app"),
        lambda: portal.authentication.expire_all(app.id, ApplicationTokenExpireIn()),
    ):
        assert expect_status(403, call).code == "forbidden"

    # Only tokens of the named session end.
    second = client(herald, admin.authentication.app_portal_access("tenant-1", AppPortalAccessIn()).token)
    admin.authentication.expire_all("tenant-1", ApplicationTokenExpireIn(session_ids=["session-1"]))
    expect_status(401, lambda: portal.endpoint.list(app.id))
    assert [e.id for e in second.endpoint.list(app.id).data] == [endpoint.id]


def test_access_can_create_the_application_and_tokens_log_out(herald: Herald) -> None:
    admin = client(herald, herald.token)
    access = admin.authentication.app_portal_access(
        "customer-9", AppPortalAccessIn(application=ApplicationIn(name="Customer 9"), read_only=True)
    )
    app = admin.application.get("customer-9")
    assert app.uid == "customer-9"
    assert access.url.endswith(f"/api/v1/app/{app.id}")

    portal = client(herald, access.token)
    assert portal.application.get(app.id).name == "Customer 9"
    expect_status(403, lambda: portal.endpoint.create(app.id, EndpointIn(url="https://example.com/hook")))
    portal.authentication.logout()
    expect_status(401, lambda: portal.application.get(app.id))

    # Tokens with full access cannot log out; they are revoked with `herald token revoke`.
    assert expect_status(403, lambda: admin.authentication.logout()).code == "forbidden"
    expect_status(404, lambda: admin.authentication.app_portal_access("nobody", AppPortalAccessIn()))
    with pytest.raises(HTTPValidationError) as invalid:
        admin.authentication.app_portal_access(app.id, AppPortalAccessIn(expiry=60))
    assert invalid.value.detail[0].loc == ["body", "expiry"]


def test_an_integration_key_works_until_it_is_rotated(herald: Herald) -> None:
    admin = client(herald, herald.token)
    app = admin.application.create(ApplicationIn(name="Tenant", uid="tenant-3"))
    integration = admin.integration.create(app.id, IntegrationIn(name="Zapier", feature_flags=["beta"]))
    assert [i.id for i in admin.integration.list(app.id).data] == [integration.id]
    key = admin.integration.rotate_key(app.id, integration.id).key
    zap = client(herald, key)
    endpoint = zap.endpoint.create(app.id, EndpointIn(url="https://example.com/zap"))
    assert [e.id for e in admin.endpoint.list(app.id).data] == [endpoint.id]
    assert expect_status(403, lambda: zap.application.list()).code == "forbidden"

    assert admin.integration.update(app.id, integration.id, IntegrationUpdate(name="Zapier 2")).name == "Zapier 2"
    new_key = admin.integration.rotate_key(app.id, integration.id).key
    expect_status(401, lambda: zap.endpoint.list(app.id))
    assert [e.id for e in client(herald, new_key).endpoint.list(app.id).data] == [endpoint.id]
    admin.integration.delete(app.id, integration.id)
    expect_status(401, lambda: client(herald, new_key).endpoint.list(app.id))
