"""Herald's deliveries, checked from the receiving side and through the Svix SDK.

Every webhook a test receives is verified with two independent implementations of the Standard Webhooks
signature: `standardwebhooks` 1.1.0 and the `svix` package's `svix.webhooks.Webhook`, over the raw body and
headers as they came off the wire. The attempt routes, resend, recover, replay-missing, bulk-replay, send-example, scheduled messages, raw payloads, stats and the circuit breaker are
driven with the `svix` SDK (raw HTTP only for Herald's extension fields). Operational events are validated
against Schemas/events/*.json.
"""

from __future__ import annotations

import base64
import json
import os
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Callable, TypeVar

import jsonschema
import pytest
from waiting import ended_task, eventually
from standardwebhooks.webhooks import Webhook as StandardWebhook
from standardwebhooks.webhooks import WebhookVerificationError as StandardVerificationError
from svix.api import (
    ApplicationIn,
    BulkReplayIn,
    EndpointIn,
    EndpointPatch,
    EndpointSecretRotateIn,
    EndpointUpsertIn,
    EventExampleIn,
    EventTypeIn,
    MessageAttemptListByEndpointOptions,
    MessageAttemptListByMsgOptions,
    MessageIn,
    MessageStatus,
    MessageStatusText,
    RecoverIn,
    ReplayIn,
    Svix,
    SvixOptions,
)
from svix.exceptions import HttpError
from svix.api.background_task import BackgroundTaskListOptions
from svix.api.message import message_in_raw
from svix.models.background_task_type import BackgroundTaskType
from svix.models.message_attempt_trigger_type import MessageAttemptTriggerType
from svix.webhooks import Webhook as SvixWebhook

if TYPE_CHECKING:
    from conftest import Herald, HeraldServer, Received, Receiver

T = TypeVar("T")

REPO_ROOT = Path(__file__).resolve().parents[2]
EVENT_SCHEMAS = REPO_ROOT / "Schemas" / "events"
# Standard Webhooks verification raises this; svix.webhooks re-exports the same class.
VERIFICATION_ERRORS = (StandardVerificationError,)


def sdk(server: HeraldServer | Herald) -> Svix:
    info = server if hasattr(server, "call") else server.info
    # No client-side retries: a 5xx must surface, not be retried away.
    return Svix(info.token, SvixOptions(server_url=info.base_url, retry_schedule=[], timeout=15))


def new_secret() -> str:
    return "whsec_" + base64.b64encode(os.urandom(32)).decode()


def only(headers: dict[str, str], prefix: str) -> dict[str, str]:
    """The `<prefix>-id/-timestamp/-signature` headers alone."""
    return {k: v for k, v in headers.items() if k in (f"{prefix}-id", f"{prefix}-timestamp", f"{prefix}-signature")}


def as_webhook_headers(headers: dict[str, str]) -> dict[str, str]:
    """svix-* signature headers renamed to webhook-* (for a Standard Webhooks verifier)."""
    return {k.replace("svix-", "webhook-", 1): v for k, v in only(headers, "svix").items()}


def verify_both(secret: str, received: Received, mode: str) -> object:
    """Verifies one delivery with standardwebhooks and with svix.webhooks; returns the parsed payload.

    mode is HERALD_SIGNATURE_HEADERS: which header family the delivery must (and must not) carry.
    """
    headers = received.headers
    has_webhook = any(k.startswith("webhook-") for k in headers)
    has_svix = any(k.startswith("svix-") for k in headers)
    assert (has_webhook, has_svix) == {"webhook": (True, False), "svix": (False, True), "both": (True, True)}[mode], \
        f"signature headers for mode {mode}: {sorted(headers)}"
    standard = StandardWebhook(secret)
    svix = SvixWebhook(secret)
    if mode in ("webhook", "both"):
        payload = standard.verify(received.body, only(headers, "webhook"))
        svix.verify(received.body, only(headers, "webhook"))  # svix falls back to webhook-* headers
    if mode in ("svix", "both"):
        svix.verify(received.body, only(headers, "svix"))
        payload = standard.verify(received.body, as_webhook_headers(headers))
    if mode == "both":
        assert as_webhook_headers(headers) == only(headers, "webhook"), "svix-* and webhook-* headers differ"
    return payload


def assert_rejected(secret: str, body: bytes, headers: dict[str, str]) -> None:
    """Both verifiers refuse this delivery."""
    with pytest.raises(VERIFICATION_ERRORS):
        StandardWebhook(secret).verify(body, only(headers, "webhook") or as_webhook_headers(headers))
    with pytest.raises(VERIFICATION_ERRORS):
        SvixWebhook(secret).verify(body, headers)


def create_event_types(svix: Svix, *names: str) -> None:
    for name in names:
        svix.event_type.create(EventTypeIn(name=name, description=f"{name} event"))


def statuses(svix: Svix, app: str, msg_id: str) -> dict[str, MessageStatus]:
    return {d.id: d.status for d in svix.message_attempt.list_attempted_destinations(app, msg_id).data}


# --- signatures --------------------------------------------------------------------------------

EVENT_TYPES = ["user.created", "user.deleted", "invoice.paid", "invoice.failed"]
MESSAGES = 52


@pytest.mark.parametrize("mode", ["webhook", "both", "svix"])
def test_every_delivery_verifies(
    mode: str, herald_factory: Callable[..., HeraldServer], receiver: Receiver, summary_line: Callable[[str], None]
) -> None:
    server = herald_factory(env={"HERALD_SIGNATURE_HEADERS": mode})
    svix = sdk(server)
    create_event_types(svix, *EVENT_TYPES)
    app = svix.application.create(ApplicationIn(name="signing"))
    given = new_secret()
    endpoints = {
        "/users": svix.endpoint.create(app.id, EndpointIn(
            url=receiver.url("/users"), event_types=["user.created", "user.deleted"], secret=given)),
        "/invoices": svix.endpoint.create(app.id, EndpointIn(url=receiver.url("/invoices"), event_types=["invoice.paid"])),
        "/eu": svix.endpoint.create(app.id, EndpointIn(url=receiver.url("/eu"), channels=["eu"])),
    }
    secrets = {path: svix.endpoint.get_secret(app.id, ep.id).key for path, ep in endpoints.items()}
    assert secrets["/users"] == given

    def send(i: int) -> tuple[str, dict, str, list[str] | None]:
        event_type = EVENT_TYPES[i % len(EVENT_TYPES)]
        channels = ["eu"] if i % 3 == 0 else None
        payload = {"n": i, "type": event_type, "name": "Zoë ✓ 🚀", "quote": "a \"b\"\n\\c", "nested": {"list": [1, 2.5, None, True]}}
        out = svix.message.create(app.id, MessageIn(event_type=event_type, payload=payload, channels=channels))
        return out.id, payload, event_type, channels

    with ThreadPoolExecutor(max_workers=8) as pool:
        sent = list(pool.map(send, range(MESSAGES)))
    payloads = {msg_id: payload for msg_id, payload, _, _ in sent}

    expected = Counter()
    for msg_id, _, event_type, channels in sent:
        if event_type in ("user.created", "user.deleted"):
            expected["/users", msg_id] += 1
        if event_type == "invoice.paid":
            expected["/invoices", msg_id] += 1
        if channels:
            expected["/eu", msg_id] += 1
    receiver.wait_count(sum(expected.values()), timeout=30)
    time.sleep(0.3)  # a stray extra delivery would show up by now
    got = receiver.requests()
    assert Counter((r.path, r.webhook_id) for r in got) == expected, "deliveries differ from what the filters route"

    for r in got:
        payload = verify_both(secrets[r.path], r, mode)
        assert payload == payloads[r.webhook_id]
        assert r.headers["content-type"] == "application/json"
        assert r.headers["user-agent"].startswith("Herald/")
        stamp = int(r.headers.get("webhook-timestamp") or r.headers["svix-timestamp"])
        assert abs(stamp - r.at) < 60
        assert r.status == 200

    # Sanity: a tampered body, a wrong secret and a stale timestamp all fail verification.
    sample = got[0]
    tampered = sample.body.replace(b'"n":', b'"n": ', 1)
    assert tampered != sample.body
    assert_rejected(secrets[sample.path], tampered, sample.headers)
    assert_rejected(new_secret(), sample.body, sample.headers)
    stale = {k: (str(int(v) - 3600) if k.endswith("-timestamp") else v) for k, v in sample.headers.items()}
    assert_rejected(secrets[sample.path], sample.body, stale)

    for path, ep in endpoints.items():
        stats = svix.endpoint.get_stats(app.id, ep.id)
        want = sum(n for (p, _), n in expected.items() if p == path)
        assert (stats.success, stats.fail, stats.pending, stats.sending) == (want, 0, 0, 0), path
    summary_line(f"signatures ({mode}): {len(got)} deliveries to 3 endpoints, all verified by standardwebhooks and svix")


def test_rotated_secret_signs_with_old_and_new(herald: Herald, receiver: Receiver) -> None:
    svix = sdk(herald)
    app = svix.application.create(ApplicationIn(name="rotation"))
    ep = svix.endpoint.create(app.id, EndpointIn(url=receiver.url("/rot")))
    old = svix.endpoint.get_secret(app.id, ep.id).key
    new = svix.endpoint.rotate_secret(app.id, ep.id, EndpointSecretRotateIn()).key
    svix.message.create(app.id, MessageIn(event_type="user.created", payload={"after": "rotation"}))
    [r] = receiver.wait_count(1, "/rot")
    # During the grace period the signature header carries one signature per live secret.
    assert len(r.headers["webhook-signature"].split(" ")) == 2
    verify_both(old, r, "webhook")
    verify_both(new, r, "webhook")


# --- the attempt routes ------------------------------------------------------------------------


def test_attempt_routes(herald: Herald, receiver: Receiver) -> None:
    svix = sdk(herald)
    create_event_types(svix, "user.created", "invoice.paid")
    app = svix.application.create(ApplicationIn(name="attempts"))
    ep_all = svix.endpoint.create(app.id, EndpointIn(url=receiver.url("/all")))
    ep_inv = svix.endpoint.create(app.id, EndpointIn(url=receiver.url("/inv"), event_types=["invoice.paid"]))
    users = [svix.message.create(app.id, MessageIn(event_type="user.created", payload={"u": i})).id for i in range(3)]
    invoices = [svix.message.create(app.id, MessageIn(event_type="invoice.paid", payload={"i": i})).id for i in range(2)]
    receiver.wait_count(5, "/all")
    receiver.wait_count(2, "/inv")

    def all_attempts() -> list:
        return svix.message_attempt.list_by_endpoint(app.id, ep_all.id).data

    by_ep = eventually(all_attempts, lambda data: len(data) == 5, "5 recorded attempts for /all")
    assert sorted(a.msg_id for a in by_ep) == sorted(users + invoices)
    for a in by_ep:
        assert (a.endpoint_id, a.url, a.status, a.status_text) == (
            ep_all.id, receiver.url("/all"), MessageStatus.SUCCESS, MessageStatusText.SUCCESS)
        assert (a.response_status_code, a.response, a.trigger_type) == (200, "ok", MessageAttemptTriggerType.SCHEDULED)
        assert a.response_duration_ms >= 0
    # Paging through one attempt at a time finds the same five, newest first.
    paged, iterator = [], None
    while True:
        page = svix.message_attempt.list_by_endpoint(app.id, ep_all.id, MessageAttemptListByEndpointOptions(
            limit=2, iterator=iterator))
        paged += page.data
        if page.done:
            break
        iterator = page.iterator
    assert [a.id for a in paged] == [a.id for a in by_ep]
    assert [a.id for a in by_ep] == sorted((a.id for a in by_ep), reverse=True)

    inv = eventually(lambda: svix.message_attempt.list_by_endpoint(app.id, ep_inv.id, MessageAttemptListByEndpointOptions(
        status=MessageStatus.SUCCESS)).data, lambda data: len(data) == 2, "2 attempts for /inv")
    assert sorted(a.msg_id for a in inv) == sorted(invoices)
    assert svix.message_attempt.list_by_endpoint(app.id, ep_inv.id, MessageAttemptListByEndpointOptions(
        status=MessageStatus.FAIL)).data == []

    msg = invoices[0]
    by_msg = eventually(lambda: svix.message_attempt.list_by_msg(app.id, msg).data, lambda d: len(d) == 2,
                        "2 attempts for the invoice")
    assert sorted(a.endpoint_id for a in by_msg) == sorted([ep_all.id, ep_inv.id])
    only_inv = svix.message_attempt.list_by_msg(app.id, msg, MessageAttemptListByMsgOptions(endpoint_id=ep_inv.id)).data
    assert [a.endpoint_id for a in only_inv] == [ep_inv.id]
    for a in by_msg:
        assert svix.message_attempt.get(app.id, msg, a.id) == a

    dests = svix.message_attempt.list_attempted_destinations(app.id, msg).data
    assert sorted(d.id for d in dests) == sorted([ep_all.id, ep_inv.id])
    assert all(d.status == MessageStatus.SUCCESS and d.next_attempt is None for d in dests)
    assert [d.id for d in svix.message_attempt.list_attempted_destinations(app.id, users[0]).data] == [ep_all.id]

    attempted = svix.message_attempt.list_attempted_messages(app.id, ep_inv.id).data
    assert sorted(m.id for m in attempted) == sorted(invoices)
    for m in attempted:
        assert m.status == MessageStatus.SUCCESS and m.event_type == "invoice.paid"
    assert len(svix.message_attempt.list_attempted_messages(app.id, ep_all.id).data) == 5

    err = pytest.raises(HttpError, svix.message_attempt.get, app.id, msg, "atmpt_" + "0" * 22)
    assert err.value.status_code == 404


# --- failures, resend, recover -----------------------------------------------------------------

# No circuit breaker in the way: these tests fail endpoints on purpose.
NO_BREAKER = {"HERALD_CIRCUIT_FAILURES": "1000"}


@pytest.mark.herald_env(**NO_BREAKER)
def test_failed_delivery_then_manual_resend(herald: Herald, receiver: Receiver) -> None:
    svix = sdk(herald)
    receiver.respond("/flaky", 500, body=b"down")
    app = svix.application.create(ApplicationIn(name="resend"))
    ep = svix.endpoint.create(app.id, EndpointIn(url=receiver.url("/flaky")))
    msg = svix.message.create(app.id, MessageIn(event_type="user.created", payload={"resend": True}))

    # One attempt plus the 3 retries of HERALD_RETRY_SCHEDULE=100ms,200ms,500ms, then the delivery fails.
    eventually(lambda: statuses(svix, app.id, msg.id), lambda s: s == {ep.id: MessageStatus.FAIL}, "the delivery to fail")
    failed = svix.message_attempt.list_by_msg(app.id, msg.id).data
    assert len(failed) == 4 and receiver.count("/flaky") == 4
    for a in failed:
        assert (a.status, a.response_status_code, a.response, a.trigger_type) == (
            MessageStatus.FAIL, 500, "down", MessageAttemptTriggerType.SCHEDULED)
    stats = svix.endpoint.get_stats(app.id, ep.id)
    assert (stats.success, stats.fail) == (0, 1)
    attempt_stats = svix.endpoint.get_attempt_stats(app.id, ep.id)
    assert (attempt_stats.success, attempt_stats.fail, attempt_stats.canceled) == (0, 4, 0)

    receiver.respond("/flaky", 200)
    svix.message_attempt.resend(app.id, msg.id, ep.id)
    receiver.wait_count(5, "/flaky", timeout=10)
    attempts = eventually(lambda: svix.message_attempt.list_by_msg(app.id, msg.id).data, lambda d: len(d) == 5,
                          "the manual attempt to be recorded")
    manual = [a for a in attempts if a.trigger_type == MessageAttemptTriggerType.MANUAL]
    assert len(manual) == 1, attempts
    assert (manual[0].status, manual[0].response_status_code) == (MessageStatus.SUCCESS, 200)
    assert attempts[0].id == manual[0].id, "the newest attempt is listed first"
    latest = receiver.requests("/flaky")[-1]
    assert latest.webhook_id == msg.id and latest.status == 200
    verify_both(svix.endpoint.get_secret(app.id, ep.id).key, latest, "webhook")

    assert eventually(lambda: statuses(svix, app.id, msg.id), lambda s: s == {ep.id: MessageStatus.SUCCESS},
                      "the delivery to count as a success")
    stats = svix.endpoint.get_stats(app.id, ep.id)
    assert (stats.success, stats.fail) == (1, 0)

    err = pytest.raises(HttpError, svix.message_attempt.resend, app.id, "msg_" + "0" * 22, ep.id)
    assert err.value.status_code == 404

    # A response body that must not be kept is erased; the attempt and its status code stay.
    svix.message_attempt.expunge_content(app.id, msg.id, failed[0].id)
    erased = svix.message_attempt.get(app.id, msg.id, failed[0].id)
    assert (erased.response, erased.response_status_code, erased.status) == ("", 500, MessageStatus.FAIL)
    assert svix.message_attempt.get(app.id, msg.id, failed[1].id).response == "down"
    err = pytest.raises(HttpError, svix.message_attempt.expunge_content, app.id, msg.id, "atmpt_" + "0" * 22)
    assert err.value.status_code == 404


@pytest.mark.herald_env(**NO_BREAKER)
def test_recover_redelivers_failed_messages(herald: Herald, receiver: Receiver) -> None:
    svix = sdk(herald)
    app = svix.application.create(ApplicationIn(name="recover"))
    ep = svix.endpoint.create(app.id, EndpointIn(url=receiver.url("/down")))
    since = datetime.now(timezone.utc) - timedelta(seconds=5)
    ok = svix.message.create(app.id, MessageIn(event_type="user.created", payload={"ok": True}))
    receiver.wait_count(1, "/down")
    eventually(lambda: statuses(svix, app.id, ok.id), lambda s: s == {ep.id: MessageStatus.SUCCESS}, "first success")

    receiver.respond("/down", 500)
    failing = [svix.message.create(app.id, MessageIn(event_type="user.created", payload={"n": i})).id for i in range(3)]
    for msg_id in failing:
        eventually(lambda: statuses(svix, app.id, msg_id), lambda s: s == {ep.id: MessageStatus.FAIL}, f"{msg_id} to fail")
    assert receiver.count("/down") == 1 + 3 * 4
    stats = svix.endpoint.get_stats(app.id, ep.id)
    assert (stats.success, stats.fail, stats.pending, stats.sending) == (1, 3, 0, 0)

    receiver.respond("/down", 200)
    out = svix.endpoint.recover(app.id, ep.id, RecoverIn(since=since))
    assert out.id and out.task.value == "endpoint.recover" and out.status.value in ("running", "finished")

    receiver.wait_count(1 + 3 * 4 + 3, "/down")
    for msg_id in failing:
        eventually(lambda: statuses(svix, app.id, msg_id), lambda s: s == {ep.id: MessageStatus.SUCCESS},
                   f"{msg_id} to be recovered")
    stats = svix.endpoint.get_stats(app.id, ep.id)
    assert (stats.success, stats.fail, stats.pending, stats.sending) == (4, 0, 0, 0)
    time.sleep(0.3)
    per_msg = Counter(r.webhook_id for r in receiver.requests("/down") if r.status == 200)
    assert per_msg == Counter({ok.id: 1, **{m: 1 for m in failing}}), "recover resends only failed messages, once"
    secret = svix.endpoint.get_secret(app.id, ep.id).key
    for r in receiver.requests("/down"):
        verify_both(secret, r, "webhook")


def test_bulk_replay_sends_delivered_messages_again(herald: Herald, receiver: Receiver) -> None:
    svix = sdk(herald)
    app = svix.application.create(ApplicationIn(name="bulk"))
    ep = svix.endpoint.create(app.id, EndpointIn(url=receiver.url("/lost")))
    since = datetime.now(timezone.utc) - timedelta(seconds=5)
    sent = [svix.message.create(app.id, MessageIn(event_type=t, payload={"n": i})).id
            for i, t in enumerate(["user.created", "invoice.paid", "user.created"])]
    receiver.wait_count(3, "/lost")
    for msg_id in sent:
        eventually(lambda: statuses(svix, app.id, msg_id), lambda s: s == {ep.id: MessageStatus.SUCCESS}, "delivered")

    # The receiver lost its user.created events: send those again.
    out = svix.endpoint.bulk_replay(app.id, ep.id, BulkReplayIn(since=since, event_types=["user.created"]))
    assert out.task.value == "endpoint.bulk-replay" and out.status.value in ("running", "finished")
    task = ended_task(svix, out.id)
    assert task.status.value == "finished" and task.data == {"messagesSent": 2}
    received = receiver.wait_count(5, "/lost")
    time.sleep(0.5)
    assert Counter(r.webhook_id for r in receiver.requests("/lost")) == Counter([*sent, sent[0], sent[2]])
    secret = svix.endpoint.get_secret(app.id, ep.id).key
    for r in received:
        verify_both(secret, r, "webhook")


def test_send_example_goes_to_that_endpoint_alone(herald: Herald, receiver: Receiver) -> None:
    svix = sdk(herald)
    svix.event_type.create(EventTypeIn(name="order.shipped", description="shipped", schemas={
        "1": {"type": "object", "examples": [{"order": "A-1"}, {"order": "B-2"}]}}))
    app = svix.application.create(ApplicationIn(name="examples"))
    tried = svix.endpoint.create(app.id, EndpointIn(url=receiver.url("/tried"), event_types=["user.created"]))
    svix.endpoint.create(app.id, EndpointIn(url=receiver.url("/bystander")))

    ping = svix.endpoint.send_example(app.id, tried.id, EventExampleIn(event_type="svix.ping"))
    second = svix.endpoint.send_example(app.id, tried.id, EventExampleIn(event_type="order.shipped", example_index=1))
    assert (ping.payload, second.payload) == ({"success": True}, {"order": "B-2"})
    received = receiver.wait_count(2, "/tried")
    secret = svix.endpoint.get_secret(app.id, tried.id).key
    by_id = {r.webhook_id: verify_both(secret, r, "webhook") for r in received}
    assert by_id == {ping.id: {"success": True}, second.id: {"order": "B-2"}}
    time.sleep(0.5)
    assert receiver.count("/bystander") == 0, "an example goes to the endpoint it was sent to only"


def test_a_raw_payload_is_delivered_byte_for_byte_with_its_content_type(herald: Herald, receiver: Receiver) -> None:
    svix = sdk(herald)
    app = svix.application.create(ApplicationIn(name="raw"))
    ep = svix.endpoint.create(app.id, EndpointIn(url=receiver.url("/raw")))
    xml = "<order id='1'>caf\u00e9 &amp; cr\u00e8me</order>"
    msg = svix.message.create(app.id, message_in_raw("order.placed", xml, "application/xml"))
    [received] = receiver.wait_count(1, "/raw")
    assert received.body == xml.encode() and received.headers["content-type"] == "application/xml"
    assert received.webhook_id == msg.id
    # Both libraries' verify() parse the body as JSON, so check their own signatures of the raw text instead.
    secret = svix.endpoint.get_secret(app.id, ep.id).key
    sent_at = datetime.fromtimestamp(int(received.headers["webhook-timestamp"]), tz=timezone.utc)
    signatures = received.headers["webhook-signature"].split(" ")
    assert StandardWebhook(secret).sign(msg.id, sent_at, xml) in signatures
    assert SvixWebhook(secret).sign(msg.id, sent_at, xml) in signatures


def test_a_scheduled_message_is_delivered_at_its_deliver_at(herald: Herald, receiver: Receiver) -> None:
    svix = sdk(herald)
    app = svix.application.create(ApplicationIn(name="scheduled"))
    ep = svix.endpoint.create(app.id, EndpointIn(url=receiver.url("/later")))
    deliver_at = datetime.now(timezone.utc) + timedelta(seconds=3)
    msg = svix.message.create(app.id, MessageIn(event_type="user.created", payload={"at": "later"}, deliver_at=deliver_at))
    now = svix.message.create(app.id, MessageIn(event_type="user.created", payload={"at": "now"}))
    assert msg.deliver_at is not None and abs((msg.deliver_at - deliver_at).total_seconds()) < 0.001
    assert svix.message.get(app.id, msg.id).deliver_at == msg.deliver_at

    receiver.wait_count(1, "/later")
    time.sleep(1.5)
    assert [r.webhook_id for r in receiver.requests("/later")] == [now.id], "the scheduled message waits"
    [_, scheduled] = receiver.wait_count(2, "/later", timeout=10)
    assert scheduled.webhook_id == msg.id and scheduled.at >= deliver_at.timestamp()
    assert scheduled.at < deliver_at.timestamp() + 3, "sent soon after its deliverAt"
    assert verify_both(svix.endpoint.get_secret(app.id, ep.id).key, scheduled, "webhook") == {"at": "later"}


def test_replay_missing_sends_what_a_disabled_or_new_endpoint_never_got(herald: Herald, receiver: Receiver) -> None:
    svix = sdk(herald)
    app = svix.application.create(ApplicationIn(name="replay"))
    since = datetime.now(timezone.utc) - timedelta(seconds=5)
    ep = svix.endpoint.create(app.id, EndpointIn(url=receiver.url("/paused"), event_types=["user.created"]))
    first = svix.message.create(app.id, MessageIn(event_type="user.created", payload={"n": 0}))
    receiver.wait_count(1, "/paused")

    svix.endpoint.patch(app.id, ep.id, EndpointPatch(disabled=True))
    missed = [svix.message.create(app.id, MessageIn(event_type="user.created", payload={"n": i})).id for i in (1, 2, 3)]
    other = svix.message.create(app.id, MessageIn(event_type="invoice.paid", payload={"n": 4}))
    svix.endpoint.patch(app.id, ep.id, EndpointPatch(disabled=False))
    late = svix.endpoint.create(app.id, EndpointIn(url=receiver.url("/late")))
    time.sleep(0.5)
    assert (receiver.count("/paused"), receiver.count("/late")) == (1, 0), "a disabled endpoint is sent nothing"

    out = svix.endpoint.replay_missing(app.id, ep.id, ReplayIn(since=since))
    assert out.id.startswith("qtask_") and out.task.value == "endpoint.replay" and out.status.value in ("running", "finished")
    receiver.wait_count(4, "/paused")
    out = svix.endpoint.replay_missing(app.id, late.id, ReplayIn(since=since, until=datetime.now(timezone.utc)))
    assert out.task.value == "endpoint.replay"
    receiver.wait_count(5, "/late")

    # Clients written for Svix poll the task until it ends; then it says what it did.
    task = ended_task(svix, out.id)
    assert (task.id, task.task.value, task.status.value, task.data) == (
        out.id, "endpoint.replay", "finished", {"messagesSent": 5})
    replays = svix.background_task.list(BackgroundTaskListOptions(task=BackgroundTaskType.ENDPOINT_REPLAY)).data
    assert [(t.id == out.id, t.data) for t in replays] == [(True, {"messagesSent": 5}), (False, {"messagesSent": 3})]

    # Herald's answer also says how many messages went out; a second replay finds nothing missing.
    status, body = herald.call("POST", f"/api/v1/app/{app.id}/endpoint/{ep.id}/replay-missing",
                               {"since": since.isoformat()})
    assert status == 202 and body["data"] == {"messagesSent": 0}, body
    time.sleep(0.5)
    paused = Counter(r.webhook_id for r in receiver.requests("/paused"))
    assert paused == Counter([first.id, *missed]), "each missing message once, no other type, nothing twice"
    assert Counter(r.webhook_id for r in receiver.requests("/late")) == Counter([first.id, *missed, other.id])
    for path, endpoint in (("/paused", ep), ("/late", late)):
        secret = svix.endpoint.get_secret(app.id, endpoint.id).key
        for r in receiver.requests(path):
            verify_both(secret, r, "webhook")


@pytest.mark.herald_env(HERALD_CIRCUIT_FAILURES="3", HERALD_CIRCUIT_COOLDOWN="2s")
def test_circuit_opens_and_closes(herald: Herald, receiver: Receiver) -> None:
    svix = sdk(herald)
    receiver.respond("/cb", *[500] * 5, then=200)  # five failures, then healthy
    app = svix.application.create(ApplicationIn(name="circuit"))
    ep = svix.endpoint.create(app.id, EndpointIn(url=receiver.url("/cb")))

    def circuit() -> str:
        status, body = herald.call("GET", f"/api/v1/app/{app.id}/endpoint/{ep.id}")
        assert status == 200, body
        return body["circuitState"]

    assert circuit() == "closed"
    sent = [svix.message.create(app.id, MessageIn(event_type="user.created", payload={"n": i})).id for i in range(5)]
    eventually(circuit, lambda s: s == "open", "the circuit to open", timeout=10)
    for msg_id in sent:
        eventually(lambda: statuses(svix, app.id, msg_id), lambda s: s == {ep.id: MessageStatus.SUCCESS},
                   f"{msg_id} to be delivered after the circuit closed", timeout=30)
    assert eventually(circuit, lambda s: s == "closed", "the circuit to close") == "closed"
    reqs = receiver.requests("/cb")
    assert {r.webhook_id for r in reqs if r.status == 200} == set(sent)
    # While open, nothing was sent: a gap of about the cooldown follows the 5th failure.
    fifth_failure, first_after = reqs[4], reqs[5]
    assert first_after.at - fifth_failure.at >= 1.5, [round(r.at - reqs[0].at, 3) for r in reqs]


# --- operational events ------------------------------------------------------------------------


def load_schemas() -> dict[str, dict]:
    schemas = {}
    for path in sorted(EVENT_SCHEMAS.glob("*.json")):
        schema = json.loads(path.read_text())
        jsonschema.Draft202012Validator.check_schema(schema)
        schemas[path.name.removesuffix(".json")] = schema
    return schemas


def test_event_schemas_are_valid_draft_2020_12() -> None:
    schemas = load_schemas()
    assert sorted(schemas) == sorted([
        "endpoint.created", "endpoint.updated", "endpoint.deleted", "endpoint.disabled",
        "message.attempt.exhausted", "message.attempt.failing", "message.attempt.recovered",
        "background_task.finished"])
    for name, schema in schemas.items():
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert schema["properties"]["type"] == {"const": name}


@pytest.mark.herald_env(HERALD_OPERATIONAL_APP="herald-ops", **NO_BREAKER)
def test_operational_events_match_schemas(
    herald: Herald, receiver: Receiver, summary_line: Callable[[str], None]
) -> None:
    schemas = load_schemas()
    svix = sdk(herald)
    ops = svix.application.create(ApplicationIn(name="operations", uid="herald-ops"))
    ops_ep = svix.endpoint.create(ops.id, EndpointIn(url=receiver.url("/ops")))
    ops_secret = svix.endpoint.get_secret(ops.id, ops_ep.id).key

    app = svix.application.create(ApplicationIn(name="customer", uid="customer"))
    # endpoint.created, endpoint.updated (PATCH and PUT), endpoint.deleted
    x = svix.endpoint.create(app.id, EndpointIn(url=receiver.url("/x"), uid="ep-x", event_types=["never.sent"]))
    svix.endpoint.patch(app.id, x.id, EndpointPatch(description="patched"))
    svix.endpoint.upsert(app.id, x.id, EndpointUpsertIn(url=receiver.url("/x2"), uid="ep-x", event_types=["never.sent"]))
    svix.endpoint.delete(app.id, x.id)

    # message.attempt.exhausted: 500 on every attempt (1 + 3 retries).
    receiver.respond("/fails", 500)
    status, fails = herald.call("POST", f"/api/v1/app/{app.id}/endpoint", {
        "url": receiver.url("/fails"), "eventTypes": ["fail.me"]})
    assert status == 201, fails
    # message.attempt.failing (4th attempt fails), then message.attempt.recovered (5th succeeds).
    receiver.respond("/recovers", 500, 500, 500, 500, then=200)
    status, recovers = herald.call("POST", f"/api/v1/app/{app.id}/endpoint", {
        "url": receiver.url("/recovers"), "uid": "ep-recovers", "eventTypes": ["recover.me"],
        "retrySchedule": "100ms,100ms,100ms,300ms,1s"})
    assert status == 201, recovers
    assert recovers["retrySchedule"], recovers
    # endpoint.disabled and message.attempt.exhausted: 410 Gone.
    receiver.respond("/gone", 410)
    gone = svix.endpoint.create(app.id, EndpointIn(url=receiver.url("/gone"), event_types=["gone.me"]))

    fail_msg = svix.message.create(app.id, MessageIn(event_type="fail.me", payload={"f": 1})).id
    recover_msg = svix.message.create(app.id, MessageIn(event_type="recover.me", payload={"r": 1})).id
    gone_msg = svix.message.create(app.id, MessageIn(event_type="gone.me", payload={"g": 1})).id

    want = Counter({"endpoint.created": 4, "endpoint.updated": 2, "endpoint.deleted": 1, "endpoint.disabled": 1,
                    "message.attempt.exhausted": 2, "message.attempt.failing": 1, "message.attempt.recovered": 1})

    def seen() -> Counter:
        return Counter(json.loads(r.body).get("type") for r in receiver.requests("/ops"))

    receiver.wait_for(lambda: all(seen()[k] >= n for k, n in want.items()), 30, f"operational events {dict(want)}")
    time.sleep(0.3)
    assert seen() == want

    events: dict[str, list[dict]] = {}
    for r in receiver.requests("/ops"):
        body = verify_both(ops_secret, r, "webhook")
        jsonschema.validate(body, schemas[body["type"]], cls=jsonschema.Draft202012Validator,
                            format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
        events.setdefault(body["type"], []).append(body["data"])

    ids = {"x": x.id, "fails": fails["id"], "recovers": recovers["id"], "gone": gone.id}
    assert all(d["appId"] == app.id for ds in events.values() for d in ds), "appId is the application's id"
    assert sorted(d["endpointId"] for d in events["endpoint.created"]) == sorted(ids.values())
    assert [d.get("endpointUid") for d in events["endpoint.deleted"]] == ["ep-x"]
    assert [d["endpointId"] for d in events["endpoint.updated"]] == [x.id, x.id]
    [disabled] = events["endpoint.disabled"]
    assert (disabled["endpointId"], disabled["trigger"]) == (gone.id, "automatic")
    exhausted = {d["msgId"]: d for d in events["message.attempt.exhausted"]}
    assert sorted(exhausted) == sorted([fail_msg, gone_msg])
    assert exhausted[fail_msg]["lastAttempt"]["responseStatusCode"] == 500
    assert exhausted[gone_msg]["lastAttempt"]["responseStatusCode"] == 410
    [failing] = events["message.attempt.failing"]
    [recovered] = events["message.attempt.recovered"]
    assert failing["msgId"] == recovered["msgId"] == recover_msg
    assert (failing["lastAttempt"]["responseStatusCode"], recovered["lastAttempt"]["responseStatusCode"]) == (500, 200)
    attempt = svix.message_attempt.get(app.id, recover_msg, recovered["lastAttempt"]["id"])
    assert attempt.status == MessageStatus.SUCCESS and attempt.endpoint_id == recovers["id"]

    assert svix.endpoint.get(app.id, gone.id).disabled is True
    # The operational application holds them as ordinary messages.
    listed = Counter(m.event_type for m in svix.message.list(ops.id).data)
    assert listed == want
    summary_line(f"operational events: {sum(want.values())} received, all valid against Schemas/events")
