#!/usr/bin/env bash
# Restores a backup made by backup.sh into a Herald data directory. Stop herald on that directory first.
#
#   ops/backup/restore.sh [--force] [--new-instance-id] <backup-dir> <data-dir>
#
#   --force            replace what a non-empty <data-dir> holds (its database, WAL files, main.key and
#                      instance-id); without it, a non-empty <data-dir> is refused
#   --new-instance-id  do not restore instance-id: herald makes a new one at start. Use it when the restored
#                      copy runs as a second instance beside the one that was backed up.
#
# Checks SHA256SUMS and PRAGMA integrity_check before touching <data-dir>, and the restored file after.
set -euo pipefail
umask 077

usage() { echo "usage: $0 [--force] [--new-instance-id] <backup-dir> <data-dir>" >&2; exit 2; }
fail() { echo "restore: $*" >&2; exit 1; }

force=false
new_instance_id=false
positional=()
for argument in "$@"; do
    case "$argument" in
        --force) force=true ;;
        --new-instance-id) new_instance_id=true ;;
        -h | --help) usage ;;
        -*) echo "restore: unknown option $argument" >&2; usage ;;
        *) positional+=("$argument") ;;
    esac
done
[[ ${#positional[@]} -eq 2 ]] || usage
backup_dir=${positional[0]}
data_dir=${positional[1]}

command -v sqlite3 >/dev/null || fail "the sqlite3 command is not installed (apt-get install sqlite3)"
[[ -f "$backup_dir/herald.sqlite" ]] || fail "no herald.sqlite in $backup_dir"
if [[ -f "$backup_dir/SHA256SUMS" ]]; then
    (cd "$backup_dir" && sha256sum --quiet --check SHA256SUMS) || fail "$backup_dir does not match its SHA256SUMS"
fi
check=$(sqlite3 -bail -readonly "$backup_dir/herald.sqlite" "PRAGMA integrity_check;") ||
    fail "cannot read $backup_dir/herald.sqlite"
[[ "$check" == "ok" ]] || fail "the backup fails PRAGMA integrity_check: $check"

if [[ -d "$data_dir" ]] && [[ -n "$(ls -A "$data_dir")" ]]; then
    $force || fail "$data_dir is not empty; stop herald and pass --force to replace its data"
    # A WAL left beside the old database would be replayed onto the restored one: remove it with the rest.
    rm -f "$data_dir/herald.sqlite" "$data_dir/herald.sqlite-wal" "$data_dir/herald.sqlite-shm" \
        "$data_dir/main.key" "$data_dir/instance-id"
fi
mkdir -p "$data_dir"
chmod 700 "$data_dir"

restored=(herald.sqlite)
cp "$backup_dir/herald.sqlite" "$data_dir/herald.sqlite.partial"
chmod 600 "$data_dir/herald.sqlite.partial"
mv "$data_dir/herald.sqlite.partial" "$data_dir/herald.sqlite"
extras=(main.key)
$new_instance_id || extras+=(instance-id)
for extra in "${extras[@]}"; do
    if [[ -f "$backup_dir/$extra" ]]; then
        cp "$backup_dir/$extra" "$data_dir/$extra"
        chmod 600 "$data_dir/$extra"
        restored+=("$extra")
    fi
done

check=$(sqlite3 -bail "$data_dir/herald.sqlite" "PRAGMA integrity_check;") || fail "cannot read the restored database"
[[ "$check" == "ok" ]] || fail "the restored database fails PRAGMA integrity_check: $check"
echo "restore: restored ${restored[*]} into $data_dir"
