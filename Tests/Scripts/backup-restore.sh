#!/usr/bin/env bash
# scripts/backup and scripts/restore on the sample data (run by scripts/test after swift test):
# a backup restores into a new database with the same row counts and the same ratios; what must
# be refused is refused, and leaves no file and no change behind.
#
# Needs DATABASE_URL of the dev cluster (postgresql://…/esw?host=…) and an esw binary (ESW).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"
: "${DATABASE_URL:?run through scripts/test}"
esw=${ESW:-$(swift build --show-bin-path)/esw}
work=$(mktemp -d "${TMPDIR:-/tmp}/esw-backup-test.XXXXXX")
failures=0
suffix=$$

fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
pass() { echo "ok: $*"; }
# The dev cluster's URL with another database name in it.
url_of() { sed "s|/esw?|/$1?|" <<<"$DATABASE_URL"; }
admin() { psql -X -q -A -t -v ON_ERROR_STOP=1 "$DATABASE_URL" -c "$1"; }
created=()
new_database() { admin "CREATE DATABASE $1"; created+=("$1"); }
cleanup() {
    for name in "${created[@]}"; do admin "DROP DATABASE IF EXISTS $name" >/dev/null 2>&1 || true; done
    rm -rf "$work"
}
trap cleanup EXIT
outputs() {
    "$esw" ratio --as-of 2014-12-31 --format csv --database-url "$1"
    "$esw" ratio --as-of 2014-12-31 --by department --region 440000 --format json --database-url "$1"
    "$esw" report province --region 440000 --as-of 2014-12-31 --format json --database-url "$1"
}
leftovers() { find "$work" -name '.*' -type f | wc -l; }

source_db=esw_backup_source_$suffix
new_database "$source_db"
source_url=$(url_of "$source_db")
"$esw" db migrate --database-url "$source_url" >/dev/null
for command in "enterprise import data/sample/enterprises.csv" "staff import data/sample/staff-beijing.csv" \
    "staff import data/sample/staff-guangdong-gb18030.csv" "certificate import data/sample/certificates.csv"; do
    # shellcheck disable=SC2086
    "$esw" $command --database-url "$source_url" >/dev/null
done
before=$(outputs "$source_url")

# A backup: the dump, its manifest, nothing else.
scripts/backup "$work/esw.dump" --database-url "$source_url" >"$work/backup.out"
if [ -s "$work/esw.dump" ] && [ -s "$work/esw.dump.manifest" ] && [ "$(leftovers)" = 0 ]; then
    pass "backup writes the dump and its manifest, and no temporary file: $(cat "$work/backup.out")"
else
    fail "backup files: $(ls -A "$work")"
fi
persons=$(awk -F'\t' '$2 == "public.person" { print $3 }' "$work/esw.dump.manifest")
[ "${persons:-0}" -gt 100 ] && pass "the manifest counts the sample's $persons people" || fail "manifest: $persons people"

# An existing backup is not replaced without --force.
sum=$(sha256sum "$work/esw.dump")
if scripts/backup "$work/esw.dump" --database-url "$source_url" 2>"$work/err"; then
    fail "a second backup to the same file succeeded without --force"
elif grep -q "exists already" "$work/err" && [ "$(sha256sum "$work/esw.dump")" = "$sum" ]; then
    pass "an existing backup is kept unless --force"
else
    fail "second backup: $(cat "$work/err")"
fi

# A failed backup (no such database) leaves no file behind.
if scripts/backup "$work/failed.dump" --database-url "$(url_of esw_no_such_database_$suffix)" 2>"$work/err"; then
    fail "a backup of a missing database succeeded"
elif [ ! -e "$work/failed.dump" ] && [ ! -e "$work/failed.dump.manifest" ] && [ "$(leftovers)" = 0 ]; then
    pass "a failed backup writes nothing: $(head -1 "$work/err")"
else
    fail "a failed backup left files: $(ls -A "$work")"
fi

# Restore into a new database: verified, and esw shows the same numbers and reports.
target_db=esw_backup_target_$suffix
new_database "$target_db"
target_url=$(url_of "$target_db")
if scripts/restore "$work/esw.dump" --database-url "$target_url" >"$work/restore.out" 2>&1; then
    pass "$(cat "$work/restore.out")"
else
    fail "restore: $(cat "$work/restore.out")"
fi
if [ "$(outputs "$target_url")" = "$before" ]; then
    pass "the restored database gives the same ratios and province report"
else
    fail "the restored database's outputs differ"
fi

# Not over a database that holds anything.
counts() { psql -X -A -t "$1" -c "SELECT count(*) FROM person" -c "SELECT count(*) FROM certificate"; }
held=$(counts "$target_url")
if scripts/restore "$work/esw.dump" --database-url "$target_url" 2>"$work/err"; then
    fail "a restore over a restored database succeeded"
elif grep -q "not empty" "$work/err" && [ "$(counts "$target_url")" = "$held" ]; then
    pass "a non-empty database is refused and unchanged: $(cat "$work/err")"
else
    fail "restore over non-empty: $(cat "$work/err")"
fi

# A damaged dump is refused before anything is restored.
empty_db=esw_backup_empty_$suffix
new_database "$empty_db"
empty_url=$(url_of "$empty_db")
head -c -1 "$work/esw.dump" >"$work/damaged.dump"
cp "$work/esw.dump.manifest" "$work/damaged.dump.manifest"
if scripts/restore "$work/damaged.dump" --database-url "$empty_url" 2>"$work/err"; then
    fail "a damaged dump was restored"
elif grep -q "SHA-256" "$work/err" &&
    [ "$(psql -X -A -t "$empty_url" -c "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public'")" = 0 ]; then
    pass "a damaged dump is refused, the database stays empty"
else
    fail "damaged dump: $(cat "$work/err")"
fi

# The verification is not vacuous: a manifest that counts one person more fails it, by table.
cp "$work/esw.dump" "$work/miscounted.dump"
awk -F'\t' -v OFS='\t' '$2 == "public.person" { $3 = $3 + 1 } { print }' "$work/esw.dump.manifest" \
    >"$work/miscounted.dump.manifest"
if scripts/restore "$work/miscounted.dump" --database-url "$empty_url" 2>"$work/err"; then
    fail "a restore that does not match its manifest passed"
elif grep -q "public.person" "$work/err"; then
    pass "a restore that does not match its manifest fails, naming the table"
else
    fail "miscounted manifest: $(cat "$work/err")"
fi

[ "$failures" = 0 ] || { echo "backup-restore: $failures failed" >&2; exit 1; }
echo "backup-restore: all passed"
