#!/usr/bin/env bash
# The JSON API against its own document (run by scripts/test after swift test): schemathesis
# (PyPI) reads /api/v1/openapi.json from a running `esw serve` on the sample and sends each
# operation a fixed number of generated requests, valid and invalid, with an admin's bearer
# token. No response may be a 5xx, and every response must match the document (status code,
# content type, schema). The run is deterministic (a fixed seed).
#
# Needs DATABASE_URL of the test cluster, an esw binary (ESW) and schemathesis (scripts/test
# installs it with pip when missing).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"
: "${DATABASE_URL:?run through scripts/test}"
esw=${ESW:-$(swift build --show-bin-path)/esw}
work=$(mktemp -d "${TMPDIR:-/tmp}/esw-fuzz-test.XXXXXX")
database=esw_fuzz_$$
server=""
admin() { psql -X -q -A -t -v ON_ERROR_STOP=1 "$DATABASE_URL" -c "$1"; }
cleanup() {
    [ -z "$server" ] || kill "$server" 2>/dev/null || true
    [ -z "$server" ] || wait "$server" 2>/dev/null || true
    admin "DROP DATABASE IF EXISTS $database" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT
command -v st >/dev/null || { echo "api-fuzz: schemathesis is missing (run through scripts/test)" >&2; exit 1; }

admin "CREATE DATABASE $database"
url=$(sed "s|/esw?|/$database?|" <<<"$DATABASE_URL")
run() { "$esw" "$@" --database-url "$url"; }
run db migrate >/dev/null
for command in "enterprise import data/sample/enterprises.csv" "staff import data/sample/staff-beijing.csv" \
    "staff import data/sample/staff-guangdong-gb18030.csv" "certificate import data/sample/certificates.csv"; do
    # shellcheck disable=SC2086
    run $command >/dev/null
done
run user add --name fuzz-admin --role admin >/dev/null
token=$(run user token fuzz-admin --label fuzz)

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base=http://127.0.0.1:$port
"$esw" serve --host 127.0.0.1 --port "$port" --database-url "$url" >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 300); do
    curl -fsS -o /dev/null "$base/api/v1/openapi.json" 2>/dev/null && break
    sleep 0.1
done

set +e
st run "$base/api/v1/openapi.json" --url "$base/api/v1" \
    --header "Authorization: Bearer $token" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
    --max-examples "${ESW_FUZZ_EXAMPLES:-25}" --seed 20131201 --generation-deterministic \
    --phases examples,coverage,fuzzing --workers 1 --no-color --generation-database none >"$work/fuzz.log" 2>&1
status=$?
set -e
tail -25 "$work/fuzz.log"
[ -z "${ESW_FUZZ_LOG:-}" ] || cp "$work/fuzz.log" "$ESW_FUZZ_LOG"
if [ "$status" != 0 ]; then
    echo "server log (last lines):" >&2
    tail -10 "$work/server.log" >&2
    echo "api-fuzz: 1 failed"
    exit 1
fi
if grep -q '" 5[0-9][0-9] ' "$work/server.log" || grep -q 'status=5[0-9][0-9]' "$work/server.log"; then
    echo "FAIL: the server logged a 5xx" >&2
    grep -m5 '5[0-9][0-9]' "$work/server.log" >&2
    echo "api-fuzz: 1 failed"
    exit 1
fi
echo "api-fuzz: all passed"
