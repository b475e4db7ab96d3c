"""Operational webhook endpoints through the official Svix SDK (`svix.operational_webhook.endpoint`).

With no configuration, the first call creates Herald's operational application; an endpoint made through these
routes then receives Herald's operational events, signed with its own secret.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING

import jsonschema

from standardwebhooks.webhooks import Webhook as StandardWebhook
from svix.api import (
    ApplicationIn,
    EndpointIn,
    OperationalWebhookEndpointHeadersIn,
    OperationalWebhookEndpointIn,
    OperationalWebhookEndpointSecretIn,
    OperationalWebhookEndpointUpsertIn,
    ReplayIn,
    Svix,
    SvixOptions,
)
from svix.exceptions import HttpError
import pytest

if TYPE_CHECKING:
    from conftest import Herald, Receiver


def test_operational_endpoints_are_managed_with_the_sdk_and_receive_operational_events(
    herald: Herald, receiver: Receiver
) -> None:
    svix = Svix(herald.token, SvixOptions(server_url=herald.base_url, retry_schedule=[], timeout=15))
    ops = svix.operational_webhook.endpoint
    assert ops.list().data == []
    endpoint = ops.create(OperationalWebhookEndpointIn(
        url=receiver.url("/ops"), event_types=["endpoint.created", "endpoint.deleted", "background_task.finished"],
        uid="pager",
        metadata={"team": "sre"}))
    assert endpoint.uid == "pager" and endpoint.metadata == {"team": "sre"}
    assert [e.id for e in ops.list().data] == [endpoint.id]
    assert ops.get("pager").url == receiver.url("/ops")
    ops.set_headers(endpoint.id, OperationalWebhookEndpointHeadersIn(headers={"X-Team": "sre"}))
    assert ops.get_headers(endpoint.id).headers == {"X-Team": "sre"}
    old_secret = ops.get_secret(endpoint.id).key
    ops.rotate_secret(endpoint.id, OperationalWebhookEndpointSecretIn(grace_period_seconds=0))
    secret = ops.get_secret(endpoint.id).key
    assert secret != old_secret
    spare = ops.upsert("spare", OperationalWebhookEndpointUpsertIn(url=receiver.url("/spare"), event_types=["x.never"]))
    ops.delete(spare.id)
    with pytest.raises(HttpError) as gone:
        ops.get(spare.id)
    assert gone.value.status_code == 404

    # An endpoint created, replayed to and deleted in a customer's application: the operational endpoint hears of
    # all three.
    app = svix.application.create(ApplicationIn(name="Customer", uid="customer"))
    customer = svix.endpoint.create(app.id, EndpointIn(url="https://example.com/hook"))
    task = svix.endpoint.replay_missing(app.id, customer.id, ReplayIn(since=datetime.now(timezone.utc) - timedelta(hours=1)))
    svix.endpoint.delete(app.id, customer.id)
    receiver.wait_for(lambda: len(receiver.requests("/ops")) >= 3, 20, "three operational events")
    events = {e["type"]: e for e in (StandardWebhook(secret).verify(r.body, r.headers) for r in receiver.requests("/ops"))}
    assert sorted(events) == ["background_task.finished", "endpoint.created", "endpoint.deleted"]
    assert events["endpoint.created"]["data"]["endpointId"] == events["endpoint.deleted"]["data"]["endpointId"] == customer.id
    finished = events["background_task.finished"]["data"]
    assert finished == {"taskId": task.id, "status": "finished", "task": "endpoint.replay", "data": {"messagesSent": 0}}
    schema = json.loads((Path(__file__).resolve().parents[2] / "Schemas/events/background_task.finished.json").read_text())
    jsonschema.validate(events["background_task.finished"], schema, cls=jsonschema.Draft202012Validator)
    assert all(r.headers.get("x-team") == "sre" for r in receiver.requests("/ops"))
    assert json.loads(receiver.requests("/ops")[0].body)["data"]["appId"] == app.id
    # The application holding them is an ordinary one.
    assert svix.application.get("herald-operational").name == "Herald operational webhooks"
