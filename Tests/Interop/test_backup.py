"""The SQLite backup/restore recipe in ops/backup, run for real: an online backup of a serving Herald (with
messages still being posted), a restore into a new data directory, and a server started on it."""

from __future__ import annotations

import base64
import os
import stat
import subprocess
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from conftest import REPO_ROOT

if TYPE_CHECKING:
    from conftest import Herald, HeraldServer, Receiver

BACKUP = REPO_ROOT / "ops" / "backup" / "backup.sh"
RESTORE = REPO_ROOT / "ops" / "backup" / "restore.sh"
MESSAGES_BEFORE = 20


def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", *map(str, args)], capture_output=True, text=True, timeout=120)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def create(herald: Herald, path: str, body: dict) -> dict:
    status, out = herald.call("POST", path, body)
    assert status in (201, 202), (path, status, out)
    return out


def test_online_backup_restores_into_a_working_server(
    herald_factory: Callable[..., HeraldServer], receiver: Receiver, tmp_path: Path
) -> None:
    server = herald_factory(data_dir=tmp_path / "data")
    herald = server.info
    secret = "whsec_" + base64.b64encode(os.urandom(32)).decode()
    app = create(herald, "/api/v1/app", {"name": "backed-up", "uid": "backed-up"})
    endpoint = create(herald, f"/api/v1/app/{app['id']}/endpoint",
                      {"url": receiver.url("/hook"), "secret": secret, "description": "kept"})
    messages = [create(herald, f"/api/v1/app/{app['id']}/msg",
                       {"eventType": "user.created", "payload": {"n": n, "text": "é" * n}})
                for n in range(MESSAGES_BEFORE)]

    # Keep writing while the backup runs: it must still be consistent.
    stop = threading.Event()
    during: list[int] = []

    def keep_posting() -> None:
        while not stop.is_set():
            during.append(herald.call("POST", f"/api/v1/app/{app['id']}/msg",
                                      {"eventType": "user.created", "payload": {"during": True}})[0])

    poster = threading.Thread(target=keep_posting, daemon=True)
    poster.start()
    backup_dir = tmp_path / "backups" / "first"
    try:
        backup = run(BACKUP, herald.data_dir, backup_dir)
    finally:
        stop.set()
        poster.join(timeout=15)
    assert backup.returncode == 0, backup.stderr
    assert during and set(during) == {202}, f"posting during the backup: {sorted(set(during))}"

    has_key = (herald.data_dir / "main.key").exists()
    expected = {"herald.sqlite", "SHA256SUMS", "instance-id"} | ({"main.key"} if has_key else set())
    assert {p.name for p in backup_dir.iterdir()} == expected
    assert mode(backup_dir) == 0o700
    assert all(mode(p) == 0o600 for p in backup_dir.iterdir()), {p.name: oct(mode(p)) for p in backup_dir.iterdir()}
    assert run(BACKUP, herald.data_dir, backup_dir).returncode == 1, "a second backup into the same directory"

    restored_dir = tmp_path / "restored"
    restore = run(RESTORE, backup_dir, restored_dir)
    assert restore.returncode == 0, restore.stderr
    assert mode(restored_dir) == 0o700
    assert all(mode(p) == 0o600 for p in restored_dir.iterdir())
    assert (restored_dir / "instance-id").read_text() == (herald.data_dir / "instance-id").read_text()
    refused = run(RESTORE, backup_dir, restored_dir)
    assert refused.returncode == 1 and "--force" in refused.stderr, refused
    forced = run(RESTORE, "--force", "--new-instance-id", backup_dir, restored_dir)
    assert forced.returncode == 0, forced.stderr
    assert not (restored_dir / "instance-id").exists()

    restored = herald_factory(data_dir=restored_dir, env={"HERALD_DELIVERY": "off"}).info
    status, got_app = restored.call("GET", "/api/v1/app/backed-up")
    assert (status, got_app["id"]) == (200, app["id"]), got_app
    status, got_endpoint = restored.call("GET", f"/api/v1/app/{app['id']}/endpoint/{endpoint['id']}")
    assert (status, got_endpoint["description"], got_endpoint["url"]) == (200, "kept", receiver.url("/hook"))
    status, got_secret = restored.call("GET", f"/api/v1/app/{app['id']}/endpoint/{endpoint['id']}/secret")
    assert (status, got_secret["key"]) == (200, secret)
    for n, message in enumerate(messages):
        status, got = restored.call("GET", f"/api/v1/app/{app['id']}/msg/{message['id']}")
        assert status == 200 and got["payload"] == {"n": n, "text": "é" * n}, (n, status, got)


def test_restore_refuses_a_damaged_backup(herald: Herald, tmp_path: Path) -> None:
    create(herald, "/api/v1/app", {"name": "damaged"})
    backup_dir = tmp_path / "backup"
    assert run(BACKUP, herald.data_dir, backup_dir).returncode == 0
    database = backup_dir / "herald.sqlite"
    data = bytearray(database.read_bytes())
    data[len(data) // 2] ^= 0xFF
    database.write_bytes(bytes(data))

    target = tmp_path / "target"
    refused = run(RESTORE, backup_dir, target)
    assert refused.returncode == 1
    assert "SHA256SUMS" in refused.stderr, refused.stderr
    assert not target.exists(), "a damaged backup touched the data directory"


def test_backup_needs_a_database(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = run(BACKUP, tmp_path / "empty", tmp_path / "backup")
    assert result.returncode == 1 and "no database" in result.stderr
