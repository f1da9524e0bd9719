#!/usr/bin/env bash
# Restore check: restores a PostgreSQL dump of Sealbook (pg_dump --format=custom)
# into a fresh database and opens its bookings with the business key, so a
# backup is known to be usable before the day it is needed. A backup no one
# has restored is a hope, not a backup.
#
#   scripts/restore-check.sh --dump FILE --server postgres://USER@HOST:PORT \
#       --key BUSINESS.key.pem [--passphrase-file FILE] [--database NAME] [--keep]
#
# --server   the PostgreSQL server, without a database name or ?parameters
#            (a password comes from ~/.pgpass or PGPASSWORD; TLS from PGSSLMODE)
# --database the new database to restore into (default sealbook_restore_check_<time>);
#            it must not exist
# --keep     keep the restored database (default: drop it at the end)
#
# Environment: SEALBOOK is the sealbook command (default: sealbook on PATH),
# PG_BIN the folder of psql and pg_restore (default: PATH).
#
# Run it on the business's own machine (or the operator's, with the key file
# brought there for the check): it decrypts bookings, and prints only how many
# opened — never their content. Exit status 0 when the dump restored, holds at
# least one booking, and every booking opened.

set -euo pipefail

usage() {
    sed -n '7,8p' "$0" >&2
    exit 2
}

dump= server= key= passphrase_file= database= keep=0
while [ $# -gt 0 ]; do
    case "$1" in
        --dump) dump=${2:?}; shift 2 ;;
        --server) server=${2:?}; shift 2 ;;
        --key) key=${2:?}; shift 2 ;;
        --passphrase-file) passphrase_file=${2:?}; shift 2 ;;
        --database) database=${2:?}; shift 2 ;;
        --keep) keep=1; shift ;;
        *) usage ;;
    esac
done
[ -n "$dump" ] && [ -n "$server" ] && [ -n "$key" ] || usage
[ -r "$dump" ] || { echo "restore-check: cannot read the dump $dump" >&2; exit 2; }
[ -r "$key" ] || { echo "restore-check: cannot read the key file $key" >&2; exit 2; }
server=${server%/}
database=${database:-sealbook_restore_check_$(date -u +%Y%m%d%H%M%S)}
# The name goes into SQL unquoted: letters, digits and _ only.
[[ "$database" =~ ^[a-z_][a-z0-9_]*$ ]] || {
    echo "restore-check: a database name uses only a-z, 0-9 and _" >&2
    exit 2
}

sealbook=${SEALBOOK:-sealbook}
psql=${PG_BIN:+$PG_BIN/}psql
pg_restore=${PG_BIN:+$PG_BIN/}pg_restore
admin=(-X -q -v ON_ERROR_STOP=1 --dbname "$server/postgres")

"$psql" "${admin[@]}" -c "CREATE DATABASE $database"
if [ "$keep" = 0 ]; then
    trap '"$psql" "${admin[@]}" -c "DROP DATABASE IF EXISTS $database" || true' EXIT
fi

# One transaction: a dump that does not restore completely restores nothing.
# The roles of the original server need not exist here.
"$pg_restore" --exit-on-error --single-transaction --no-owner --no-privileges \
    --dbname "$server/$database" "$dump"

rows=$("$psql" -X -q -t -A -v ON_ERROR_STOP=1 --dbname "$server/$database" \
    -c "SELECT COUNT(*) FROM bookings")

# The table's last line is "N booking(s)"; the rows above it hold names and
# contacts, so only that line is kept. `bookings open` says on stderr how many
# no key opened.
open_args=(bookings open --format table --db "$server/$database" --key "$key")
if [ -n "$passphrase_file" ]; then
    open_args+=(--passphrase-file "$passphrase_file")
fi
if ! last=$("$sealbook" "${open_args[@]}" | tail -n 1); then
    echo "restore-check: FAILED: sealbook could not open the restored bookings (above: why)" >&2
    exit 1
fi
opened=${last%% *}

if [ "$rows" -eq 0 ]; then
    echo "restore-check: FAILED: the dump restored into $database but holds no booking" >&2
    exit 1
fi
if [ "$opened" != "$rows" ]; then
    echo "restore-check: FAILED: $rows bookings restored into $database, $opened opened" >&2
    exit 1
fi
echo "restore-check: passed: $rows bookings restored into $database and all $opened opened"
if [ "$keep" = 1 ]; then
    echo "restore-check: kept the database $database (drop it with: DROP DATABASE $database)"
fi
