"""Herald driven by the official Svix Python SDK (2.9.1).

Every SDK call must succeed and parse into the SDK's models, except the calls that
deliberately provoke an error; those assert the status code the SDK surfaces.
Herald delivers: endpoints that get messages point at the test's loopback `receiver`.
"""

from __future__ import annotations

import base64
import os
import time
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Callable, Iterable, TypeVar

import pytest
from waiting import ended_task, eventually
from svix.api import (
    ApplicationCreateOptions,
    BulkExpungeContentsIn,
    BulkExpungeStatus,
    ApplicationIn,
    ApplicationListOptions,
    ApplicationPatch,
    EndpointGetStatsOptions,
    EndpointHeadersIn,
    EndpointHeadersPatchIn,
    EndpointIn,
    EndpointListOptions,
    EndpointPatch,
    EndpointSecretRotateIn,
    EndpointUpsertIn,
    EventTypeDeleteOptions,
    EventTypeIn,
    EventTypeListOptions,
    EventTypePatch,
    EventTypeUpsertIn,
    MessageAttemptListByEndpointOptions,
    MessageAttemptListByMsgOptions,
    MessageCreateOptions,
    MessageGetOptions,
    MessageIn,
    MessageListOptions,
    MessagePrecheckIn,
    MessageStatus,
    MessageStatusText,
    Ordering,
    Svix,
    SvixOptions,
)
from svix.api.message import message_in_raw
from svix.exceptions import HttpError, HTTPValidationError
from svix.models.common import BaseModel

if TYPE_CHECKING:
    from conftest import Herald, Receiver

T = TypeVar("T")

USER_CREATED_SCHEMA = {
    "1": {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": "User created",
        "type": "object",
        "properties": {"userId": {"type": "string"}, "email": {"type": "string", "format": "email"}},
        "required": ["userId"],
    }
}


@pytest.fixture
def svix(herald: Herald) -> Svix:
    # No client-side retries: a 5xx must surface, not be retried away.
    return Svix(herald.token, SvixOptions(server_url=herald.base_url, retry_schedule=[], timeout=15))


def collect_pages(fetch: Callable[[str | None], T]) -> list[T]:
    """Follows `iterator` until `done`; returns every page. Guards against a non-advancing iterator."""
    pages, iterator, seen = [], None, set()
    while True:
        page = fetch(iterator)
        pages.append(page)
        if page.done:
            return pages
        assert page.iterator, "a page that is not done must carry an iterator"
        assert page.iterator not in seen, f"iterator {page.iterator!r} repeated"
        seen.add(page.iterator)
        iterator = page.iterator
        assert len(pages) < 100, "pagination does not terminate"


def ids(items: Iterable[object]) -> list[str]:
    return [item.id for item in items]


def expect_http_error(status: int, fn: Callable[[], object]) -> HttpError:
    with pytest.raises(HttpError) as info:
        fn()
    assert info.value.status_code == status, f"expected {status}, got {info.value.status_code}: {info.value}"
    return info.value


def setup_event_types(svix: Svix, *names: str) -> None:
    for name in names:
        svix.event_type.create(EventTypeIn(name=name, description=f"{name} event"))


def assert_same(read: BaseModel, written: BaseModel) -> None:
    """A read returns exactly what the create returned, timestamps to the millisecond included."""
    assert read.model_dump() == written.model_dump()


def is_utc(dt: datetime) -> bool:
    return dt.tzinfo is not None and dt.utcoffset() == timedelta(0)


# --- health and auth ---------------------------------------------------------------------------


def test_health_and_wrong_token_is_401(svix: Svix, herald: Herald) -> None:
    svix.health.get()
    bad = Svix("not-the-token", SvixOptions(server_url=herald.base_url, retry_schedule=[]))
    err = expect_http_error(401, lambda: bad.application.list())
    assert err.code == "authentication_failed"


# --- applications ------------------------------------------------------------------------------


def test_application_create_get_update_patch_delete(svix: Svix) -> None:
    app = svix.application.create(ApplicationIn(name="App One", uid="app-one", metadata={"team": "a"}))
    assert app.id.startswith("app_") and len(app.id) == len("app_") + 22
    assert (app.name, app.uid, app.metadata) == ("App One", "app-one", {"team": "a"})
    assert is_utc(app.created_at) and is_utc(app.updated_at)

    assert_same(svix.application.get(app.id), app)  # timestamps included
    assert svix.application.get("app-one").id == app.id  # uid works in the path

    # get_or_create: an existing uid returns the same application, a new uid creates one.
    same = svix.application.get_or_create(ApplicationIn(name="ignored", uid="app-one"))
    assert same.id == app.id and same.name == "App One"
    other = svix.application.get_or_create(ApplicationIn(name="App Two", uid="app-two"))
    assert other.id != app.id and other.uid == "app-two"

    err = expect_http_error(409, lambda: svix.application.create(ApplicationIn(name="dup", uid="app-one")))
    assert err.code == "conflict"

    # upsert (PUT): updates an existing application, creates a missing one.
    updated = svix.application.upsert(app.id, ApplicationIn(name="App One v2", uid="app-one", metadata={"team": "b"}))
    assert (updated.id, updated.name, updated.metadata) == (app.id, "App One v2", {"team": "b"})
    created = svix.application.upsert("app-upserted", ApplicationIn(name="Upserted"))
    assert created.uid == "app-upserted" and created.name == "Upserted"
    assert svix.application.get("app-upserted").id == created.id

    # patch changes only the given fields.
    patched = svix.application.patch(app.id, ApplicationPatch(name="Patched"))
    assert (patched.name, patched.uid, patched.metadata) == ("Patched", "app-one", {"team": "b"})
    assert patched.updated_at >= updated.updated_at

    svix.application.delete(app.id)
    err = expect_http_error(404, lambda: svix.application.get(app.id))
    assert err.code == "not_found"
    expect_http_error(404, lambda: svix.application.get("app-one"))


def test_reads_return_the_timestamps_create_returned(svix: Svix) -> None:
    # Twenty samples: a millisecond rounding mismatch between response and store cannot hide.
    for i in range(20):
        app = svix.application.create(ApplicationIn(name=f"stamp {i}"))
        assert_same(svix.application.get(app.id), app)


def test_application_list_paginates(svix: Svix) -> None:
    created = [svix.application.create(ApplicationIn(name=f"app {i}")).id for i in range(5)]

    def fetch(order: Ordering) -> list[str]:
        pages = collect_pages(
            lambda it: svix.application.list(ApplicationListOptions(limit=2, iterator=it, order=order)))
        assert len(pages) >= 3
        assert all(len(p.data) <= 2 for p in pages)
        assert all(not p.done for p in pages[:-1])
        found = [i for p in pages for i in ids(p.data)]
        assert len(found) == len(set(found)), "an application was listed twice"
        return found

    ascending = fetch(Ordering.ASCENDING)
    assert sorted(ascending) == sorted(created)
    assert ascending == sorted(ascending), "ids are time-ordered, so ascending order sorts them"
    assert fetch(Ordering.DESCENDING) == list(reversed(ascending))
    default = [a.id for a in svix.application.list().data]
    assert sorted(default) == sorted(created)


def test_idempotency_key_replays_first_response(svix: Svix) -> None:
    opts = ApplicationCreateOptions(idempotency_key=f"key-{os.urandom(4).hex()}")
    first = svix.application.create(ApplicationIn(name="once"), opts)
    second = svix.application.create(ApplicationIn(name="once"), opts)
    assert second.id == first.id
    assert [a.id for a in svix.application.list().data] == [first.id]


# --- event types -------------------------------------------------------------------------------


def test_event_type_lifecycle(svix: Svix) -> None:
    et = svix.event_type.create(
        EventTypeIn(name="user.created", description="A user signed up", schemas=USER_CREATED_SCHEMA))
    assert (et.name, et.description, et.schemas) == ("user.created", "A user signed up", USER_CREATED_SCHEMA)
    assert not et.archived and not et.deprecated
    assert is_utc(et.created_at)

    assert_same(svix.event_type.get("user.created"), et)

    expect_http_error(409, lambda: svix.event_type.create(EventTypeIn(name="user.created", description="again")))

    svix.event_type.create(EventTypeIn(name="user.deleted", description="A user left"))
    upserted = svix.event_type.upsert("invoice.paid", EventTypeUpsertIn(description="Paid"))
    assert upserted.name == "invoice.paid"

    pages = collect_pages(lambda it: svix.event_type.list(EventTypeListOptions(limit=2, iterator=it)))
    names = [e.name for p in pages for e in p.data]
    assert sorted(names) == ["invoice.paid", "user.created", "user.deleted"]

    patched = svix.event_type.patch("user.created", EventTypePatch(description="Signed up", deprecated=True))
    assert (patched.description, patched.deprecated, patched.schemas) == ("Signed up", True, USER_CREATED_SCHEMA)

    # DELETE archives: still readable, hidden from the default list.
    svix.event_type.delete("user.deleted")
    assert svix.event_type.get("user.deleted").archived is True
    listed = [e.name for e in svix.event_type.list().data]
    assert "user.deleted" not in listed and "user.created" in listed
    with_archived = [e.name for e in svix.event_type.list(EventTypeListOptions(include_archived=True)).data]
    assert "user.deleted" in with_archived

    # expunge removes it for good.
    svix.event_type.delete("user.deleted", EventTypeDeleteOptions(expunge=True))
    expect_http_error(404, lambda: svix.event_type.get("user.deleted"))


# --- endpoints ---------------------------------------------------------------------------------


def test_endpoint_lifecycle(svix: Svix) -> None:
    setup_event_types(svix, "user.created", "user.deleted")
    app = svix.application.create(ApplicationIn(name="endpoints"))
    ep = svix.endpoint.create(app.id, EndpointIn(
        url="https://example.com/hook-a", description="A", uid="ep-a", event_types=["user.created"],
        channels=["project_1"], metadata={"k": "v"}))
    assert ep.id.startswith("ep_") and len(ep.id) == len("ep_") + 22
    assert (ep.url, ep.description, ep.uid, ep.metadata) == ("https://example.com/hook-a", "A", "ep-a", {"k": "v"})
    assert ep.event_types == ["user.created"] and ep.channels == ["project_1"]
    assert not ep.disabled

    assert_same(svix.endpoint.get(app.id, ep.id), ep)
    assert svix.endpoint.get(app.id, "ep-a").id == ep.id

    others = [svix.endpoint.create(app.id, EndpointIn(url=f"https://example.com/hook-{i}")).id for i in range(3)]
    pages = collect_pages(lambda it: svix.endpoint.list(app.id, EndpointListOptions(limit=2, iterator=it)))
    assert len(pages) >= 2
    assert sorted(i for p in pages for i in ids(p.data)) == sorted([ep.id, *others])

    patched = svix.endpoint.patch(app.id, ep.id, EndpointPatch(
        description="A2", event_types=["user.created", "user.deleted"]))
    assert patched.description == "A2" and patched.url == ep.url
    assert sorted(patched.event_types or []) == ["user.created", "user.deleted"]
    assert patched.channels == ["project_1"] and patched.metadata == {"k": "v"}

    upserted = svix.endpoint.upsert(app.id, ep.id, EndpointUpsertIn(
        url="https://example.com/hook-a2", description="A3", uid="ep-a"))
    assert (upserted.id, upserted.url, upserted.description) == (ep.id, "https://example.com/hook-a2", "A3")

    svix.endpoint.delete(app.id, others[0])
    err = expect_http_error(404, lambda: svix.endpoint.get(app.id, others[0]))
    assert err.code == "not_found"


def test_endpoint_secret_get_and_rotate(svix: Svix) -> None:
    app = svix.application.create(ApplicationIn(name="secrets"))
    ep = svix.endpoint.create(app.id, EndpointIn(url="https://example.com/hook"))

    first = svix.endpoint.get_secret(app.id, ep.id).key
    assert first.startswith("whsec_")
    assert 24 <= len(base64.b64decode(first.removeprefix("whsec_"))) <= 64

    rotated = svix.endpoint.rotate_secret(app.id, ep.id, EndpointSecretRotateIn())
    assert rotated.key.startswith("whsec_") and rotated.key != first
    assert svix.endpoint.get_secret(app.id, ep.id).key == rotated.key

    chosen = "whsec_" + base64.b64encode(os.urandom(32)).decode()
    svix.endpoint.rotate_secret(app.id, ep.id, EndpointSecretRotateIn(key=chosen, grace_period_seconds=0))
    assert svix.endpoint.get_secret(app.id, ep.id).key == chosen

    # A secret given at creation is kept.
    given = "whsec_" + base64.b64encode(os.urandom(24)).decode()
    ep2 = svix.endpoint.create(app.id, EndpointIn(url="https://example.com/hook-2", secret=given))
    assert svix.endpoint.get_secret(app.id, ep2.id).key == given


def test_endpoint_headers(svix: Svix) -> None:
    app = svix.application.create(ApplicationIn(name="headers"))
    ep = svix.endpoint.create(app.id, EndpointIn(url="https://example.com/hook"))

    def current() -> dict[str, str]:
        out = svix.endpoint.get_headers(app.id, ep.id)
        assert isinstance(out.sensitive, list)
        return {k.lower(): v for k, v in out.headers.items()}

    assert current() == {}
    svix.endpoint.set_headers(app.id, ep.id, EndpointHeadersIn(headers={"X-Foo": "1", "X-Bar": "2"}))
    assert current() == {"x-foo": "1", "x-bar": "2"}
    svix.endpoint.patch_headers(app.id, ep.id, EndpointHeadersPatchIn(headers={"X-Baz": "3"}, delete_headers=["X-Foo"]))
    assert current() == {"x-bar": "2", "x-baz": "3"}
    svix.endpoint.set_headers(app.id, ep.id, EndpointHeadersIn(headers={"X-Only": "4"}))
    assert current() == {"x-only": "4"}


def test_endpoint_stats(svix: Svix, receiver: Receiver) -> None:
    setup_event_types(svix, "user.created")
    app = svix.application.create(ApplicationIn(name="stats"))
    ep = svix.endpoint.create(app.id, EndpointIn(url=receiver.url("/stats"), event_types=["user.created"]))

    stats = svix.endpoint.get_stats(app.id, ep.id)
    assert (stats.success, stats.pending, stats.sending, stats.fail, stats.canceled) == (0, 0, 0, 0, 0)

    for i in range(3):
        svix.message.create(app.id, MessageIn(event_type="user.created", payload={"i": i}))
    stats = svix.endpoint.get_stats(app.id, ep.id)
    assert stats.success + stats.pending + stats.sending + stats.fail + stats.canceled == 3
    # The receiver answers 200: all three end as successes.
    stats = eventually(lambda: svix.endpoint.get_stats(app.id, ep.id), lambda s: s.success == 3, "3 successes")
    assert (stats.pending, stats.sending, stats.fail, stats.canceled) == (0, 0, 0, 0)
    assert receiver.count("/stats") == 3

    # since/until are sent as ISO 8601 with a +00:00 offset by the SDK.
    now = datetime.now(timezone.utc)
    window = svix.endpoint.get_stats(app.id, ep.id, EndpointGetStatsOptions(
        since=now - timedelta(hours=1), until=now + timedelta(hours=1)))
    assert window.success + window.pending + window.sending + window.fail + window.canceled == 3
    past = svix.endpoint.get_stats(app.id, ep.id, EndpointGetStatsOptions(
        since=now - timedelta(days=2), until=now - timedelta(days=1)))
    assert past.success + past.pending + past.sending + past.fail + past.canceled == 0


# --- messages ----------------------------------------------------------------------------------


@pytest.fixture
def msg_app(svix: Svix, receiver: Receiver) -> dict[str, str]:
    """An application with endpoint A (user.created), B (invoice.paid) and C (channel chan-x only),
    at the receiver's /hook-a, /hook-b and /hook-c."""
    setup_event_types(svix, "user.created", "user.deleted", "invoice.paid")
    app = svix.application.create(ApplicationIn(name="messages", uid="msg-app"))
    a = svix.endpoint.create(app.id, EndpointIn(url=receiver.url("/hook-a"), event_types=["user.created"]))
    b = svix.endpoint.create(app.id, EndpointIn(url=receiver.url("/hook-b"), event_types=["invoice.paid"]))
    c = svix.endpoint.create(app.id, EndpointIn(url=receiver.url("/hook-c"), channels=["chan-x"]))
    return {"app": app.id, "a": a.id, "b": b.id, "c": c.id}


def test_message_create_get_and_list(svix: Svix, msg_app: dict[str, str]) -> None:
    app = msg_app["app"]
    sent = []
    for i, event_type in enumerate(["user.created", "user.deleted", "user.created", "user.deleted", "user.created"]):
        payload = {"n": i, "user": {"id": f"u{i}", "tags": ["x", "y"]}, "ok": True, "ratio": 0.5}
        out = svix.message.create(app, MessageIn(event_type=event_type, payload=payload, event_id=f"evt-{i}"),
                                  MessageCreateOptions(with_content=True))
        assert out.id.startswith("msg_") and len(out.id) == len("msg_") + 22
        assert (out.event_type, out.event_id, out.payload) == (event_type, f"evt-{i}", payload)
        assert is_utc(out.timestamp)
        sent.append(out)

    # The SDK asks for with_content=false by default: payload comes back empty.
    lean = svix.message.create(app, MessageIn(event_type="user.deleted", payload={"lean": True}))
    assert lean.payload == {}
    sent.append(lean)

    for out in sent[:-1]:
        assert_same(svix.message.get(app, out.id, MessageGetOptions(with_content=True)), out)
    assert svix.message.get(app, sent[0].id).payload == {}
    assert svix.message.get("msg-app", sent[0].id).id == sent[0].id  # app uid in the path

    pages = collect_pages(lambda it: svix.message.list(app, MessageListOptions(limit=2, iterator=it)))
    assert len(pages) >= 3 and all(len(p.data) <= 2 for p in pages)
    listed = [m for p in pages for m in p.data]
    assert sorted(ids(listed)) == sorted(ids(sent))
    created_at = {m.id: m.timestamp for m in sent}
    assert {m.id: m.timestamp for m in listed} == created_at, "listed timestamps match the ones POST returned"
    stamps = [m.timestamp for m in listed]
    assert stamps == sorted(stamps, reverse=True), "messages are listed newest first"
    assert ids(listed) == sorted(ids(listed), reverse=True)
    assert all(m.payload == {} for m in listed)

    full = svix.message.list(app, MessageListOptions(with_content=True)).data
    by_id = {m.id: m.payload for m in full}
    assert by_id[sent[0].id] == sent[0].payload

    created = svix.message.list(app, MessageListOptions(event_types=["user.created"])).data
    assert sorted(ids(created)) == sorted(m.id for m in sent if m.event_type == "user.created")
    both = svix.message.list(app, MessageListOptions(event_types=["user.created", "user.deleted"])).data
    assert len(both) == len(sent)

    now = datetime.now(timezone.utc)
    assert len(svix.message.list(app, MessageListOptions(after=now - timedelta(hours=1))).data) == len(sent)
    assert svix.message.list(app, MessageListOptions(before=now - timedelta(hours=1))).data == []


def test_message_channels_and_tags(svix: Svix, msg_app: dict[str, str]) -> None:
    app = msg_app["app"]
    plain = svix.message.create(app, MessageIn(event_type="user.created", payload={}))
    tagged = svix.message.create(app, MessageIn(
        event_type="user.created", payload={"t": 1}, channels=["chan-x"], tags=["blue"]))
    assert tagged.channels == ["chan-x"] and tagged.tags == ["blue"]

    assert ids(svix.message.list(app, MessageListOptions(channel="chan-x")).data) == [tagged.id]
    assert ids(svix.message.list(app, MessageListOptions(tag="blue")).data) == [tagged.id]
    assert plain.id in ids(svix.message.list(app).data)


def test_duplicate_event_id_is_409(svix: Svix, msg_app: dict[str, str]) -> None:
    app = msg_app["app"]
    first = svix.message.create(app, MessageIn(event_type="user.created", payload={"a": 1}, event_id="dup-1"))
    err = expect_http_error(409, lambda: svix.message.create(
        app, MessageIn(event_type="user.created", payload={"a": 2}, event_id="dup-1")))
    assert err.code == "conflict"
    assert ids(svix.message.list(app).data) == [first.id]


def test_message_creates_its_application_when_it_describes_one(svix: Svix) -> None:
    expect_http_error(404, lambda: svix.message.create("tenant-7", MessageIn(event_type="user.created", payload={})))
    first = svix.message.create("tenant-7", MessageIn(
        event_type="user.created", payload={"n": 1}, application=ApplicationIn(name="Tenant 7", uid="tenant-7")))
    app = svix.application.get("tenant-7")
    assert (app.name, app.uid) == ("Tenant 7", "tenant-7")
    second = svix.message.create("tenant-7", MessageIn(
        event_type="user.created", payload={"n": 2}, application=ApplicationIn(name="Ignored", uid="tenant-7")))
    assert svix.application.get(app.id).name == "Tenant 7"
    assert ids(svix.message.list(app.id).data) == [second.id, first.id]
    with pytest.raises(HTTPValidationError) as info:
        svix.message.create("tenant-8", MessageIn(
            event_type="user.created", payload={}, application=ApplicationIn(name="Tenant 8", uid="other")))
    assert info.value.status_code == 422 and info.value.detail[0].loc == ["body", "application", "uid"]
    expect_http_error(404, lambda: svix.application.get("tenant-8"))


def test_a_raw_payload_round_trips_through_the_sdk(svix: Svix, herald: Herald, msg_app: dict[str, str]) -> None:
    app = msg_app["app"]
    out = svix.message.create(app, message_in_raw("user.created", "<order id='1'/>", "application/xml"))
    assert out.payload == {} and svix.message.get(app, out.id).id == out.id
    status, body = herald.call("GET", f"/api/v1/app/{app}/msg/{out.id}")
    assert status == 200 and body["transformationsParams"] == {
        "rawPayload": "<order id='1'/>", "headers": {"content-type": "application/xml"}}, body


def test_message_precheck_and_bulk_expunge(svix: Svix, msg_app: dict[str, str]) -> None:
    app = msg_app["app"]
    assert svix.message.precheck(app, MessagePrecheckIn(event_type="user.created")).active is True
    assert svix.message.precheck(app, MessagePrecheckIn(event_type="user.deleted")).active is False
    assert svix.message.precheck(app, MessagePrecheckIn(event_type="user.deleted", channels=["chan-x"])).active is True
    out = svix.message.create(app, MessageIn(event_type="user.created", payload={"secret": "s"}, event_id="bulk-1"))
    result = svix.message.bulk_expunge_content(app, BulkExpungeContentsIn(ids=["bulk-1", "msg_" + "0" * 22]))
    assert result.results == {"bulk-1": BulkExpungeStatus.EXPUNGED, "msg_" + "0" * 22: BulkExpungeStatus.NOT_FOUND}
    assert svix.message.get(app, out.id, MessageGetOptions(with_content=True)).payload == {}

    # And every payload at once, as a task the SDK can poll.
    svix.message.create(app, MessageIn(event_type="user.created", payload={"secret": "t"}))
    task = svix.message.expunge_all_contents(app)
    assert task.task.value == "application.purge_content" and task.status.value in ("running", "finished")
    assert ended_task(svix, task.id).data == {"messagesPurged": 1}
    assert all(m.payload == {} for m in svix.message.list(app, MessageListOptions(with_content=True)).data)


def test_message_get_by_event_id(svix: Svix, msg_app: dict[str, str]) -> None:
    app = msg_app["app"]
    out = svix.message.create(app, MessageIn(event_type="user.created", payload={"a": 1}, event_id="evt-uid"))
    assert svix.message.get(app, "evt-uid").id == out.id  # eventId is the message's uid


def test_message_expunge_content(svix: Svix, msg_app: dict[str, str]) -> None:
    app = msg_app["app"]
    out = svix.message.create(app, MessageIn(event_type="user.created", payload={"secret": "s"}))
    svix.message.expunge_content(app, out.id)
    got = svix.message.get(app, out.id, MessageGetOptions(with_content=True))
    assert got.payload == {} and got.event_type == "user.created"


def test_attempt_lists_follow_deliveries(svix: Svix, msg_app: dict[str, str], receiver: Receiver) -> None:
    app = msg_app["app"]
    msg = svix.message.create(app, MessageIn(event_type="user.created", payload={"a": 1}))
    receiver.wait_count(1, "/hook-a")
    by_msg = eventually(lambda: svix.message_attempt.list_by_msg(app, msg.id), lambda page: len(page.data) == 1,
                        "one attempt for the message")
    assert by_msg.done
    attempt = by_msg.data[0]
    assert (attempt.msg_id, attempt.endpoint_id, attempt.url) == (msg.id, msg_app["a"], receiver.url("/hook-a"))
    assert (attempt.status, attempt.response_status_code, attempt.response) == (MessageStatus.SUCCESS, 200, "ok")
    assert attempt.id.startswith("atmpt_") and is_utc(attempt.timestamp)
    assert svix.message_attempt.list_by_msg(app, msg.id, MessageAttemptListByMsgOptions(
        endpoint_id=msg_app["a"], status=MessageStatus.SUCCESS, limit=10)).data == [attempt]
    assert svix.message_attempt.list_by_msg(app, msg.id, MessageAttemptListByMsgOptions(
        status=MessageStatus.FAIL)).data == []
    assert svix.message_attempt.list_by_msg(app, msg.id, MessageAttemptListByMsgOptions(
        endpoint_id=msg_app["b"])).data == []
    by_ep = svix.message_attempt.list_by_endpoint(app, msg_app["a"])
    assert by_ep.data == [attempt] and by_ep.done
    by_ep = svix.message_attempt.list_by_endpoint(app, msg_app["a"], MessageAttemptListByEndpointOptions(
        status=MessageStatus.FAIL, channel="chan-x", limit=5))
    assert by_ep.data == []
    assert svix.message_attempt.list_by_endpoint(app, msg_app["b"]).data == []

    # Endpoint A got exactly this message; B (invoice.paid) and C (chan-x) got nothing.
    attempted = svix.message_attempt.list_attempted_messages(app, msg_app["a"])
    assert ids(attempted.data) == [msg.id]
    assert attempted.data[0].status == MessageStatus.SUCCESS
    assert svix.message_attempt.list_attempted_messages(app, msg_app["b"]).data == []
    assert svix.message_attempt.list_attempted_messages(app, msg_app["c"]).data == []
    assert [r.webhook_id for r in receiver.requests()] == [msg.id]


IN_PROGRESS_OR_DONE = {MessageStatus.PENDING, MessageStatus.SENDING, MessageStatus.SUCCESS}


def test_message_destinations_follow_filters(svix: Svix, msg_app: dict[str, str], receiver: Receiver) -> None:
    app = msg_app["app"]

    def destinations(msg_id: str) -> dict[str, object]:
        out = svix.message_attempt.list_attempted_destinations(app, msg_id)
        return {d.id: d for d in out.data}

    created = svix.message.create(app, MessageIn(event_type="user.created", payload={"a": 1}))
    dests = destinations(created.id)
    assert list(dests) == [msg_app["a"]]
    assert dests[msg_app["a"]].status in IN_PROGRESS_OR_DONE  # delivery may already have happened
    assert dests[msg_app["a"]].url == receiver.url("/hook-a")
    dest = eventually(lambda: destinations(created.id)[msg_app["a"]],
                      lambda d: d.status == MessageStatus.SUCCESS, "the delivery to A to succeed")
    assert dest.status_text == MessageStatusText.SUCCESS and dest.next_attempt is None

    assert destinations(svix.message.create(app, MessageIn(event_type="user.deleted", payload={})).id) == {}
    paid_id = svix.message.create(app, MessageIn(event_type="invoice.paid", payload={})).id
    assert list(destinations(paid_id)) == [msg_app["b"]]

    # Endpoint C listens on channel chan-x (any event type); A still matches on the event type.
    chan_msg = svix.message.create(app, MessageIn(event_type="user.created", payload={}, channels=["chan-x"]))
    chan = destinations(chan_msg.id)
    assert sorted(chan) == sorted([msg_app["a"], msg_app["c"]])
    assert all(d.status in IN_PROGRESS_OR_DONE for d in chan.values())

    # What arrived is exactly what the filters route: A got 2 messages, B 1, C 1.
    receiver.wait_count(4)
    time.sleep(0.3)  # a stray extra delivery would show up by now
    got = sorted((r.path, r.webhook_id) for r in receiver.requests())
    assert got == sorted([("/hook-a", created.id), ("/hook-b", paid_id), ("/hook-a", chan_msg.id),
                          ("/hook-c", chan_msg.id)])


# --- validation --------------------------------------------------------------------------------


def test_invalid_grace_period_is_422(svix: Svix) -> None:
    app = svix.application.create(ApplicationIn(name="invalid"))
    ep = svix.endpoint.create(app.id, EndpointIn(url="https://example.com/hook"))
    with pytest.raises(HTTPValidationError) as info:
        svix.endpoint.rotate_secret(app.id, ep.id, EndpointSecretRotateIn(grace_period_seconds=604801))
    assert info.value.status_code == 422
    assert info.value.detail, "422 must list what was invalid"
    for item in info.value.detail:
        assert isinstance(item.loc, list) and item.msg and item.type


def test_invalid_endpoint_url_is_422(svix: Svix) -> None:
    app = svix.application.create(ApplicationIn(name="invalid"))
    with pytest.raises(HTTPValidationError) as info:
        svix.endpoint.create(app.id, EndpointIn(url="not a url"))
    assert info.value.status_code == 422
    assert any("url" in [str(part) for part in item.loc] for item in info.value.detail)
