#!/usr/bin/env bash
# The JSON API against its own document (run by scripts/test after swift test): schemathesis
# (PyPI) reads /api/v1/openapi.json from a running `esw serve` on the sample and sends each
# operation a fixed number of generated requests, valid and invalid, with an admin's bearer
# token. No response may be a 5xx, and every response must match the document (status code,
# content type, schema). The generation is deterministic: the same requests every run.
#
# Needs DATABASE_URL of the test cluster, an esw binary (ESW) and schemathesis (scripts/test
# installs it with pip when missing).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"
sample_test=fuzz
# shellcheck source=Tests/Scripts/lib/sample.sh
. Tests/Scripts/lib/sample.sh
command -v st >/dev/null || { echo "api-fuzz: schemathesis is missing (run through scripts/test)" >&2; exit 1; }

load_sample
run user add --name fuzz-admin --role admin >/dev/null
token=$(run user token fuzz-admin --label fuzz)
serve_sample /api/v1/openapi.json

set +e
# From the scratch folder: schemathesis keeps a cache of what failed in its working directory.
(cd "$work" && st run "$base/api/v1/openapi.json" --url "$base/api/v1" \
    --header "Authorization: Bearer $token" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
    --max-examples "${ESW_FUZZ_EXAMPLES:-25}" --generation-deterministic \
    --phases examples,coverage,fuzzing --workers 1 --no-color >"$work/fuzz.log" 2>&1)
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
