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
sample_test=browser
# shellcheck source=Tests/Scripts/lib/sample.sh
. Tests/Scripts/lib/sample.sh
for tool in chromium chromedriver; do
    command -v "$tool" >/dev/null || { echo "browser: $tool is missing (run through scripts/test)" >&2; exit 1; }
done
python3 -c "import selenium" 2>/dev/null || { echo "browser: python3 selenium is missing (run through scripts/test)" >&2; exit 1; }

load_sample
shenzhen=91440305200000195U
coordinator_password=$(run user add --name web-coordinator --role enterprise_coordinator --scope "$shenzhen")
bureau_password=$(run user add --name web-bureau --role provincial_bureau --scope 440000)
serve_sample /login

artifacts=$root/test-artifacts/web
rm -rf "$artifacts" && mkdir -p "$artifacts"
set +e
ESW_WEB_URL=$base ESW_WEB_ARTIFACTS=$artifacts ESW_WEB_WORK=$work \
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
