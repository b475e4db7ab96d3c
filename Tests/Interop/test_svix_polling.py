"""Polling endpoints through the official Svix SDK: `destination` (type `pollingEndpoint`) and `message.poller`.

A consumer that cannot receive webhooks reads the application's messages that pass the polling endpoint's filters,
in the order they were made, with an iterator of its own (`poll`) or one Herald keeps per consumer
(`consumer_poll`, `consumer_seek`).
"""

from __future__ import annotations

import time
from datetime import datetime, timezone
from typing import TYPE_CHECKING

import pytest
from svix.api import (
    AppPortalAccessIn,
    AppPortalCapability,
    ApplicationIn,
    DestinationIn,
    DestinationListOptions,
    DestinationPatch,
    MessageIn,
    MessagePollerConsumerPollOptions,
    MessagePollerPollOptions,
    PollingEndpointConsumerSeekIn,
    Svix,
    SvixOptions,
)
from svix.exceptions import HttpError, HTTPValidationError

if TYPE_CHECKING:
    from conftest import Herald


def client(herald: Herald, token: str | None = None) -> Svix:
    return Svix(token or herald.token, SvixOptions(server_url=herald.base_url, retry_schedule=[], timeout=15))


def test_a_polling_endpoint_reads_its_messages_in_order_with_iterators_and_consumers(herald: Herald) -> None:
    svix = client(herald)
    app = svix.application.create(ApplicationIn(name="Acme", uid="acme"))
    svix.message.create(app.id, MessageIn(event_type="invoice.paid", payload={"n": "before"}))
    time.sleep(0.01)
    sink = svix.destination.create(
        app.id,
        DestinationIn(type="pollingEndpoint", config={}, uid="ledger", event_types=["invoice.paid"],
                      metadata={"team": "finance"}),
    )
    assert sink.id.startswith("poll_") and sink.type == "pollingEndpoint" and sink.status.value == "enabled"
    assert svix.destination.get(app.id, "ledger").metadata == {"team": "finance"}
    assert [d.id for d in svix.destination.list(app.id, DestinationListOptions(limit=10)).data] == [sink.id]

    sent = []
    for n in range(5):
        sent.append(svix.message.create(app.id, MessageIn(event_type="invoice.paid", payload={"n": n})).id)
        svix.message.create(app.id, MessageIn(event_type="user.created", payload={"n": n}))

    first = svix.message.poller.poll(app.id, sink.id, MessagePollerPollOptions(limit=3))
    assert [m.id for m in first.data] == sent[:3] and not first.done
    assert first.data[0].payload == {"n": 0} and first.data[0].event_type == "invoice.paid"
    rest = svix.message.poller.poll(app.id, sink.id, MessagePollerPollOptions(iterator=first.iterator))
    assert [m.id for m in rest.data] == sent[3:] and rest.done
    narrowed = svix.message.poller.poll(app.id, "ledger", MessagePollerPollOptions(event_type="user.created"))
    assert narrowed.data == [] and narrowed.done

    worker = svix.message.poller.consumer_poll(app.id, sink.id, "worker", MessagePollerConsumerPollOptions(limit=4))
    assert [m.id for m in worker.data] == sent[:4]
    worker = svix.message.poller.consumer_poll(app.id, sink.id, "worker")
    assert [m.id for m in worker.data] == sent[4:] and worker.done
    assert svix.message.poller.consumer_poll(app.id, sink.id, "worker").data == []

    seek = svix.message.poller.consumer_seek(
        app.id, sink.id, "worker", PollingEndpointConsumerSeekIn(after=datetime(2000, 1, 1, tzinfo=timezone.utc)))
    assert seek.iterator
    again = svix.message.poller.consumer_poll(app.id, sink.id, "worker", MessagePollerConsumerPollOptions(limit=10))
    assert [m.payload["n"] for m in again.data] == ["before", 0, 1, 2, 3, 4][: len(again.data)] and len(again.data) == 6

    svix.destination.patch(app.id, sink.id, DestinationPatch(type="pollingEndpoint", config={}, status="disabled"))
    with pytest.raises(HttpError) as disabled:
        svix.message.poller.poll(app.id, sink.id)
    assert disabled.value.status_code == 409

    svix.destination.delete(app.id, sink.id)
    with pytest.raises(HttpError) as gone:
        svix.message.poller.consumer_poll(app.id, sink.id, "worker")
    assert gone.value.status_code == 404


def test_an_application_token_polls_its_own_application_only(herald: Herald) -> None:
    admin = client(herald)
    acme = admin.application.create(ApplicationIn(name="Acme", uid="acme"))
    other = admin.application.create(ApplicationIn(name="Other", uid="other"))
    sink = admin.destination.create(acme.id, DestinationIn(type="pollingEndpoint", config={}))
    foreign = admin.destination.create(other.id, DestinationIn(type="pollingEndpoint", config={}))
    sent = admin.message.create(acme.id, MessageIn(event_type="invoice.paid", payload={"total": 12})).id

    access = admin.authentication.app_portal_access(
        "acme", AppPortalAccessIn(capabilities=[AppPortalCapability.VIEW_BASE]))
    tenant = client(herald, access.token)
    assert [m.id for m in tenant.message.poller.consumer_poll(acme.id, sink.id, "tenant").data] == [sent]
    with pytest.raises(HttpError) as refused:
        tenant.message.poller.poll(other.id, foreign.id)
    assert refused.value.status_code == 403
    with pytest.raises(HttpError) as read_only:
        tenant.destination.create(acme.id, DestinationIn(type="pollingEndpoint", config={}))
    assert read_only.value.status_code == 403


def test_other_destination_types_are_refused_clearly(herald: Herald) -> None:
    svix = client(herald)
    app = svix.application.create(ApplicationIn(name="Acme"))
    with pytest.raises(HTTPValidationError) as refused:
        svix.destination.create(app.id, DestinationIn(type="sqs", config={"queueUrl": "https://sqs.example/q",
                                                                           "region": "eu-west-1"}))
    assert refused.value.status_code == 422
    assert [issue.loc for issue in refused.value.detail] == [["body", "type"]]
