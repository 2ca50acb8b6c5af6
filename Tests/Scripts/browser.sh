#!/usr/bin/env bash
# The web application in a real browser (run by scripts/test after swift test): on a new database
# of the test cluster with the sample loaded, `esw serve` runs on a free loopback port, and
# Tests/Scripts/browser.py drives Debian's chromium through chromedriver (selenium from PyPI): a
# coordinator signs in with a one-time password, sets a password, uploads a roster with one bad
# row and sees the error table, imports, creates an event, enrolls until the waitlist starts,
# cancels one and sees the promotion; HR reads the ratio by department and level at a date, the
# hours gaps (ID numbers masked) and the exams; the region coordinator sees the region's ranked
# enterprises and schedules a regional seminar; the province bureau sees the ranked table,
# approves a pilot application and downloads the region report (CSV) and an evidence pack (ZIP).
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
hr_password=$(run user add --name web-hr --role enterprise_hr --scope "$shenzhen")
region_password=$(run user add --name web-region --role region_coordinator --scope 440300)
# An application for the 2013 pilot that the bureau approves in the browser.
program=$(run pilot program create --name 企业社会工作试点 --document 民函〔2013〕132号 --apply-by 2013-06-01 \
    --confirm-by 2013-06-30 --pilot-months 12 --summary-by 2014-06-30)
run pilot apply --program "$program" --enterprise "$shenzhen" --on 2013-05-20 >/dev/null
serve_sample /login

artifacts=$root/test-artifacts/web
rm -rf "$artifacts" && mkdir -p "$artifacts"
set +e
ESW_WEB_URL=$base ESW_WEB_ARTIFACTS=$artifacts ESW_WEB_WORK=$work \
    ESW_WEB_COORDINATOR_PASSWORD=$coordinator_password ESW_WEB_BUREAU_PASSWORD=$bureau_password \
    ESW_WEB_HR_PASSWORD=$hr_password ESW_WEB_REGION_PASSWORD=$region_password \
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
