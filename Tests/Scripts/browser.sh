#!/usr/bin/env bash
# The web application in a real browser (run by scripts/test after swift test): on a new database
# of the test cluster with the sample loaded, `esw serve` runs on a free loopback port, and
# Tests/Scripts/browser.py drives Debian's chromium through chromedriver (selenium from PyPI): a
# coordinator signs in with a one-time password, sets a password, uploads a roster with one bad
# row and sees the error table, imports, creates an event, enrolls until the waitlist starts,
# cancels one and sees the promotion; the province bureau signs in and sees the ranked table.
# A screenshot of every page is saved under test-artifacts/web/.
#
# Needs DATABASE_URL of the test cluster, an esw binary (ESW), chromium, chromium-driver and
# python's selenium (scripts/test installs them when missing).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"
: "${DATABASE_URL:?run through scripts/test}"
esw=${ESW:-$(swift build --show-bin-path)/esw}
work=$(mktemp -d "${TMPDIR:-/tmp}/esw-browser-test.XXXXXX")
database=esw_browser_$$
server=""
admin() { psql -X -q -A -t -v ON_ERROR_STOP=1 "$DATABASE_URL" -c "$1"; }
cleanup() {
    [ -z "$server" ] || kill "$server" 2>/dev/null || true
    [ -z "$server" ] || wait "$server" 2>/dev/null || true
    admin "DROP DATABASE IF EXISTS $database" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT
for tool in chromium chromedriver; do
    command -v "$tool" >/dev/null || { echo "browser: $tool is missing (run through scripts/test)" >&2; exit 1; }
done
python3 -c "import selenium" 2>/dev/null || { echo "browser: python3 selenium is missing (run through scripts/test)" >&2; exit 1; }

admin "CREATE DATABASE $database"
url=$(sed "s|/esw?|/$database?|" <<<"$DATABASE_URL")
run() { "$esw" "$@" --database-url "$url"; }
run db migrate >/dev/null
for command in "enterprise import data/sample/enterprises.csv" "staff import data/sample/staff-beijing.csv" \
    "staff import data/sample/staff-guangdong-gb18030.csv" "certificate import data/sample/certificates.csv"; do
    # shellcheck disable=SC2086
    run $command >/dev/null
done
shenzhen=91440305200000195U
coordinator_password=$(run user add --name web-coordinator --role enterprise_coordinator --scope "$shenzhen")
bureau_password=$(run user add --name web-bureau --role provincial_bureau --scope 440000)

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$esw" serve --host 127.0.0.1 --port "$port" --database-url "$url" >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do
    curl -fsS -o /dev/null "http://127.0.0.1:$port/login" 2>/dev/null && break
    sleep 0.1
done

artifacts=$root/test-artifacts/web
rm -rf "$artifacts" && mkdir -p "$artifacts"
set +e
ESW_WEB_URL=http://127.0.0.1:$port ESW_WEB_ARTIFACTS=$artifacts ESW_WEB_WORK=$work \
    ESW_WEB_COORDINATOR_PASSWORD=$coordinator_password ESW_WEB_BUREAU_PASSWORD=$bureau_password \
    python3 Tests/Scripts/browser.py
status=$?
set -e
if [ "$status" != 0 ]; then
    echo "server log (last lines):" >&2
    tail -20 "$work/server.log" >&2
    echo "browser: failed"
    exit 1
fi
echo "browser: all passed"
