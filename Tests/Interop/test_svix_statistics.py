"""Usage statistics through the official Svix SDK: `statistics.aggregate_app_stats`, then the task's data."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING

from svix.api import AppUsageStatsIn, ApplicationIn, EndpointIn, MessageIn, Svix, SvixOptions
from waiting import ended_task

if TYPE_CHECKING:
    from conftest import Herald


def test_app_usage_stats_count_each_applications_deliveries(herald: Herald) -> None:
    svix = Svix(herald.token, SvixOptions(server_url=herald.base_url, retry_schedule=[], timeout=15))
    acme = svix.application.create(ApplicationIn(name="Acme", uid="acme"))
    quiet = svix.application.create(ApplicationIn(name="Quiet", uid="quiet"))
    for path in ("a", "b"):
        svix.endpoint.create(acme.id, EndpointIn(url=f"https://example.com/{path}"))
    for n in range(4):
        svix.message.create(acme.id, MessageIn(event_type="invoice.paid", payload={"n": n}))

    now = datetime.now(timezone.utc)
    stats = svix.statistics.aggregate_app_stats(
        AppUsageStatsIn(since=now - timedelta(hours=1), until=now + timedelta(minutes=1),
                        app_ids=["acme", "quiet", "missing"]))
    assert stats.task.value == "application.stats" and stats.status.value in ("running", "finished")
    assert stats.unresolved_app_ids == ["missing"]
    task = ended_task(svix, stats.id)
    rows = sorted(task.data["appStats"], key=lambda row: row["appUid"])
    assert rows == [
        {"appId": acme.id, "appUid": "acme", "messageDestinations": 8},
        {"appId": quiet.id, "appUid": "quiet", "messageDestinations": 0},
    ]
