#!/usr/bin/env bash
# scripts/replica and --read-url (run by scripts/test after swift test): a standby of the dev
# cluster answers `esw ratio` and the province report as the primary does once it has replayed an
# import, and the older answer while its replay is paused (so the reads do go to it); signing in
# as a user works through it; a write given only the standby fails cleanly and writes nothing.
#
# Needs DATABASE_URL and ESW_PGDATA of the dev cluster (scripts/test sets both) and an esw binary (ESW).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"
: "${DATABASE_URL:?run through scripts/test}"
esw=${ESW:-$(swift build --show-bin-path)/esw}
work=$(mktemp -d "${TMPDIR:-/tmp}/esw-replica-test.XXXXXX")
failures=0
suffix=$$

fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
pass() { echo "ok: $*"; }
# A URL with another database name in it.
url_of() { sed "s|/esw?|/$2?|" <<<"$1"; }
sql() { psql -X -q -A -t -v ON_ERROR_STOP=1 "$1" -c "$2"; }
created=()
cleanup() {
    scripts/replica remove >/dev/null 2>&1 || true
    for name in "${created[@]}"; do sql "$DATABASE_URL" "DROP DATABASE IF EXISTS $name" >/dev/null 2>&1 || true; done
    rm -rf "$work"
}
trap cleanup EXIT

scripts/replica start 2>"$work/err" || { cat "$work/err" >&2; exit 1; }
standby_cluster=$(scripts/replica url)
if [ "$(sql "$standby_cluster" "SELECT pg_is_in_recovery()")" = t ]; then
    pass "scripts/replica starts a standby in recovery: $(tail -1 "$work/err")"
else
    fail "scripts/replica: the server it started is not a standby"
fi

db=esw_replica_$suffix
sql "$DATABASE_URL" "CREATE DATABASE $db"
created+=("$db")
primary=$(url_of "$DATABASE_URL" "$db")
standby=$(url_of "$standby_cluster" "$db")

# Waits until the standby has replayed everything the primary has written so far.
wait_for_replay() {
    local lsn i
    lsn=$(sql "$primary" "SELECT pg_current_wal_lsn()")
    for ((i = 0; i < 300; i++)); do
        [ "$(sql "$standby" "SELECT pg_last_wal_replay_lsn() >= '$lsn'::pg_lsn")" = t ] && return 0
        sleep 0.1
    done
    return 1
}
outputs() {
    "$esw" ratio --as-of 2014-12-31 --format csv "$@"
    "$esw" ratio --as-of 2014-12-31 --by department --region 440000 --format json "$@"
    "$esw" report province --region 440000 --as-of 2014-12-31 --format json "$@"
}
# A primary nobody can reach: reading as the database role needs only the standby.
nowhere=postgresql://esw@127.0.0.1:1/esw

"$esw" db migrate --database-url "$primary" >/dev/null
for command in "enterprise import data/sample/enterprises.csv" "staff import data/sample/staff-beijing.csv" \
    "staff import data/sample/staff-guangdong-gb18030.csv"; do
    # shellcheck disable=SC2086
    "$esw" $command --database-url "$primary" >/dev/null
done
wait_for_replay || fail "the standby did not replay the import within 30 s"
before=$(outputs --database-url "$primary")
if [ "$(outputs --read-url "$standby" --database-url "$nowhere")" = "$before" ]; then
    pass "after replay, the standby's ratio and report are the primary's (the primary not reachable)"
else
    fail "the standby's outputs differ from the primary's after replay"
fi

# Replay paused: an import on the primary is not on the standby yet, and --read-url shows that.
sql "$standby_cluster" "SELECT pg_wal_replay_pause()" >/dev/null
"$esw" certificate import data/sample/certificates.csv --database-url "$primary" >/dev/null
after=$(outputs --database-url "$primary")
[ "$after" != "$before" ] || fail "the certificate import did not change the ratio: the test proves nothing"
lagging=$(outputs --read-url "$standby" --database-url "$primary")
from_environment=$(READ_DATABASE_URL=$standby outputs --database-url "$primary")
if [ "$lagging" = "$before" ] && [ "$from_environment" = "$before" ]; then
    pass "while the standby lags, --read-url (and READ_DATABASE_URL) read its older figures"
else
    fail "reads with --read-url or READ_DATABASE_URL did not come from the paused standby"
fi

# Signing in: the session is opened on the primary; the standby must have replayed it.
uscc=$(awk -F, 'NR > 1 && $3 ~ /^44/ { print $1; exit }' data/sample/enterprises.csv)
ESW_PASSWORD=$("$esw" user add --name replica-hr --role enterprise_hr --scope "$uscc" --database-url "$primary")
export ESW_PASSWORD
if "$esw" ratio --as-of 2014-12-31 --user replica-hr --read-url "$standby" --database-url "$primary" \
    >"$work/out" 2>"$work/err"; then
    fail "a sign-in the paused standby cannot have replayed succeeded: $(cat "$work/out")"
elif [ ! -s "$work/out" ] && grep -q "had not replayed the sign-in" "$work/err"; then
    pass "a sign-in the standby has not replayed: exit 1, nothing shown: $(cat "$work/err")"
else
    fail "sign-in on a lagging standby: $(cat "$work/err")"
fi
sql "$standby_cluster" "SELECT pg_wal_replay_resume()" >/dev/null
wait_for_replay || fail "the standby did not catch up within 30 s"
if [ "$(outputs --read-url "$standby" --database-url "$nowhere")" = "$after" ]; then
    pass "once replayed (pg_last_wal_replay_lsn >= the primary's pg_current_wal_lsn), the standby gives the new figures"
else
    fail "the standby's outputs differ from the primary's after the certificate import"
fi
as_user() { "$esw" ratio --as-of 2014-12-31 --format csv --user replica-hr "$@"; }
on_primary=$(as_user --database-url "$primary")
on_standby=$(as_user --read-url "$standby" --database-url "$primary")
if [ "$on_standby" = "$on_primary" ] && [ "$(grep -c "$uscc" <<<"$on_standby")" -ge 1 ] &&
    [ "$(wc -l <<<"$on_standby")" -lt "$(wc -l <<<"$after")" ]; then
    pass "signed in on the primary, a user reads their scope from the standby, as on the primary"
else
    fail "as a user: the standby gave '$on_standby', the primary '$on_primary'"
fi
if as_user --read-url "$standby" --database-url "$nowhere" >"$work/out" 2>"$work/err"; then
    fail "a sign-in without a reachable primary succeeded"
elif grep -q "cannot reach the database" "$work/err"; then
    pass "a sign-in needs the primary: exit 1 when it is unreachable"
else
    fail "sign-in without the primary: $(cat "$work/err")"
fi
unset ESW_PASSWORD

# A write given only the standby: exit 1, a clear message, nothing written anywhere.
count() { sql "$1" "SELECT count(*) FROM service_org"; }
held=$(count "$primary")
status=0
"$esw" org add --uscc 52440300MJ000123XJ --name "深圳测试社工服务中心" --region 440300 \
    --database-url "$standby" >"$work/out" 2>"$work/err" || status=$?
status2=0
"$esw" staff import data/sample/staff-beijing.csv --database-url "$standby" >>"$work/out" 2>>"$work/err" || status2=$?
wait_for_replay || true
if [ "$status" = 1 ] && [ "$status2" = 1 ] && [ ! -s "$work/out" ] &&
    [ "$(grep -c "takes no writes" "$work/err")" = 2 ] && [ "$(count "$primary")" = "$held" ] &&
    [ "$(count "$standby")" = "$held" ]; then
    pass "a write given only the standby: exit 1, nothing written: $(head -1 "$work/err")"
else
    fail "a write on the standby: exits $status and $status2: $(cat "$work/out" "$work/err")"
fi
status=0
"$esw" staff import data/sample/staff-beijing.csv --read-url "$standby" --database-url "$primary" \
    >/dev/null 2>"$work/err" || status=$?
if [ "$status" = 2 ] && READ_DATABASE_URL=$standby "$esw" staff import data/sample/staff-beijing.csv \
    --database-url "$primary" >"$work/out" 2>&1 && grep -q "unchanged 203" "$work/out"; then
    pass "write commands take no --read-url (exit 2) and ignore READ_DATABASE_URL: $(cat "$work/out")"
else
    fail "a write with a read server: exit $status, $(cat "$work/err" "$work/out")"
fi

# The read server's own failures.
status=0
"$esw" ratio --read-url "postgresql://esw@127.0.0.1:1/esw" --database-url "$primary" >"$work/out" 2>"$work/err" ||
    status=$?
if [ "$status" = 1 ] && [ ! -s "$work/out" ] && grep -q "cannot reach the server to read from" "$work/err"; then
    pass "an unreachable read server: exit 1, no fallback to the primary"
else
    fail "unreachable read server: exit $status: $(cat "$work/out" "$work/err")"
fi
empty=esw_replica_empty_$suffix
sql "$DATABASE_URL" "CREATE DATABASE $empty"
created+=("$empty")
wait_for_replay || true
status=0
"$esw" ratio --read-url "$(url_of "$standby_cluster" "$empty")" --database-url "$primary" >"$work/out" 2>"$work/err" ||
    status=$?
if [ "$status" = 1 ] && grep -q "no esw schema" "$work/err"; then
    pass "the schema is checked on the server read from, not on the primary"
else
    fail "schema check of the read server: exit $status: $(cat "$work/out" "$work/err")"
fi

[ "$failures" = 0 ] || { echo "replica: $failures failed" >&2; exit 1; }
echo "replica: all passed"
