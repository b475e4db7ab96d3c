#!/usr/bin/env bash
# Online backup of Herald's embedded SQLite store: safe while `herald serve` runs.
#
#   ops/backup/backup.sh <data-dir> <backup-dir>
#
# Writes into <backup-dir> (created 0700; must not already hold a backup):
#   herald.sqlite  a consistent copy made with SQLite's online backup API (WAL-safe), integrity-checked
#   main.key       the key that encrypts endpoint secrets, when the data dir has one (without it, the
#                  secrets in the copy cannot be decrypted)
#   instance-id    this instance's delivery-lease owner name (see README.md before restoring it)
#   SHA256SUMS     checksums that restore.sh verifies
# Every file is 0600. Run it as the user herald runs as (e.g. `sudo -u herald`), so that SQLite's -wal/-shm
# files are never created with another owner. Needs the sqlite3 command (Debian package sqlite3).
set -euo pipefail
umask 077

usage() { echo "usage: $0 <data-dir> <backup-dir>" >&2; exit 2; }
fail() { echo "backup: $*" >&2; exit 1; }

[[ $# -eq 2 ]] || usage
data_dir=$1
backup_dir=$2
database="$data_dir/herald.sqlite"

command -v sqlite3 >/dev/null || fail "the sqlite3 command is not installed (apt-get install sqlite3)"
[[ -f "$database" ]] || fail "no database at $database"
[[ ! -e "$backup_dir/herald.sqlite" ]] || fail "$backup_dir already holds a backup; use a new directory"

mkdir -p "$backup_dir"
chmod 700 "$backup_dir"
database=$(cd "$data_dir" && pwd)/herald.sqlite
partial="herald.sqlite.partial"
rm -f "$backup_dir/$partial"
trap 'rm -f "$backup_dir/$partial"' EXIT

# .backup copies every page inside one read transaction: a consistent snapshot that never blocks herald's
# writer in WAL mode. The busy timeout covers the moment a checkpoint holds the database.
(cd "$backup_dir" && sqlite3 -bail -cmd ".timeout 30000" "$database" ".backup '$partial'") ||
    fail "sqlite3 .backup of $database failed"

check=$(sqlite3 -bail "$backup_dir/$partial" "PRAGMA integrity_check;") || fail "cannot check the copy"
[[ "$check" == "ok" ]] || fail "the copy fails PRAGMA integrity_check: $check"
chmod 600 "$backup_dir/$partial"
mv "$backup_dir/$partial" "$backup_dir/herald.sqlite"
trap - EXIT

files=(herald.sqlite)
for extra in main.key instance-id; do
    if [[ -f "$data_dir/$extra" ]]; then
        cp "$data_dir/$extra" "$backup_dir/$extra"
        chmod 600 "$backup_dir/$extra"
        files+=("$extra")
    fi
done
if [[ ! -f "$data_dir/main.key" ]]; then
    echo "backup: note: $data_dir has no main.key (fine when HERALD_MAIN_KEY supplies the key: back that up separately)" >&2
fi

(cd "$backup_dir" && sha256sum "${files[@]}" >SHA256SUMS && chmod 600 SHA256SUMS)
echo "backup: wrote ${files[*]} to $backup_dir"
