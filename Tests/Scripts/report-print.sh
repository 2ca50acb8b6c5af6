#!/usr/bin/env bash
# The reports as a bureau prints them (run by scripts/test after swift test): the province
# report, a pilot report and an application form of the sample are printed to PDF by headless
# Chromium on A4; each has the expected number of pages, no word outside the page's content
# box, no two words drawn over each other (chart labels included), and no English word (Chinese
# only: codes such as USCCs have digits). Every page is saved as a PNG under
# test-artifacts/reports/ for a person to look at.
#
# Needs DATABASE_URL of the dev cluster, an esw binary (ESW), chromium, fonts-noto-cjk and
# poppler-utils (scripts/test installs them with apt-get when missing).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"
sample_test=print
# shellcheck source=Tests/Scripts/lib/sample.sh
. Tests/Scripts/lib/sample.sh
artifacts=$root/test-artifacts/reports
failures=0

fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
pass() { echo "ok: $*"; }
for tool in chromium pdfinfo pdftotext pdftoppm; do
    command -v "$tool" >/dev/null || { echo "report-print: $tool is missing (run through scripts/test)" >&2; exit 1; }
done

load_sample
# The sample's pilot, as scripts/demo makes it.
shenzhen=91440305200000195U
program=$(run pilot program create --name 企业社会工作试点 --document 民函〔2013〕132号 --apply-by 2013-06-01 \
    --confirm-by 2013-06-30 --pilot-months 12 --summary-by 2014-06-30)
printf '%s\n' "设立企业社会工作专员岗位3个，由工会和人力资源部门各配备专职人员。" \
    "组织一线管理人员参加社会工作者职业水平考试，持证比例一年内提高10个百分点。" >"$work/plan.txt"
application=$(run pilot apply --program "$program" --enterprise "$shenzhen" --plan "$work/plan.txt" --on 2013-05-20)
run pilot advance --application "$application" --to approved --on 2013-06-20 >/dev/null
run pilot advance --application "$application" --to in_pilot --on 2013-07-01 >/dev/null
run org add --uscc 52440300MJ000123XJ --name 深圳市南山区启航社会工作服务中心 --region 440305 --founded 2012-05-01 >/dev/null
run post add --enterprise "$shenzhen" --department union --title 企业社会工作专员 --created-on 2013-08-01 >/dev/null
run funding add --enterprise "$shenzhen" --source government_purchase --amount 60000.00 --on 2013-09-01 \
    --provider-org 52440300MJ000123XJ >/dev/null
run service record --file data/sample/services-2013.csv >/dev/null

rm -rf "$artifacts"
mkdir -p "$artifacts"
run report province --region 440000 --as-of 2014-12-31 --preparer 王芳 --phone 020-83000000 \
    --out "$work/province.html" 2>/dev/null
run report pilot --application "$application" --out "$work/pilot.html" 2>/dev/null
run report application-form --application "$application" --industry 制造业（民营企业） \
    --out "$work/application-form.html" 2>/dev/null

# name and expected page count
for entry in province:2 pilot:4 application-form:2; do
    name=${entry%%:*}
    expected=${entry##*:}
    # Chromium refuses to run as root without --no-sandbox; its profile goes in the scratch folder.
    chromium --headless --no-sandbox --disable-gpu --no-pdf-header-footer --user-data-dir="$work/chromium" \
        --print-to-pdf="$work/$name.pdf" "file://$work/$name.html" >/dev/null 2>&1
    pages=$(pdfinfo "$work/$name.pdf" | awk '/^Pages:/ { print $2 }')
    [ "$pages" = "$expected" ] && pass "$name: $pages pages" || fail "$name: $pages pages, expected $expected"
    pdftoppm -png -r 80 "$work/$name.pdf" "$artifacts/$name"
    pdftotext -bbox "$work/$name.pdf" "$work/$name.bbox.html"
    if problems=$(python3 - "$work/$name.bbox.html" <<'PY'
import re
import sys
from html.parser import HTMLParser

MARGIN = 15 / 25.4 * 72  # the @page side margins, 15 mm, in points
TOLERANCE = 1.5


class Boxes(HTMLParser):
    def __init__(self):
        super().__init__()
        self.pages, self.word = [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "page":
            self.pages.append((float(attrs["width"]), float(attrs["height"]), []))
        elif tag == "word":
            box = tuple(float(attrs[k]) for k in ("xmin", "ymin", "xmax", "ymax"))
            self.word = [box, ""]
            self.pages[-1][2].append(self.word)

    def handle_data(self, data):
        if self.word is not None:
            self.word[1] += data

    def handle_endtag(self, tag):
        if tag == "word":
            self.word = None


parser = Boxes()
parser.feed(open(sys.argv[1], encoding="utf-8").read())
problems = []
for number, (width, height, words) in enumerate(parser.pages, 1):
    for (x0, y0, x1, y1), text in words:
        if x0 < MARGIN - TOLERANCE or x1 > width - MARGIN + TOLERANCE or y0 < 0 or y1 > height:
            problems.append(f"page {number}: '{text}' outside the content box ({x0:.0f}-{x1:.0f} of {width:.0f})")
        if re.search(r"[A-Za-z]{2,}", text) and not re.search(r"\d", text):
            problems.append(f"page {number}: English word '{text}'")
    # A word of punctuation only (。 · after a closing bracket) is drawn into the bracket's blank
    # half by CJK punctuation trimming: not an overlap anyone sees.
    drawn = [(box, text) for box, text in words if not re.fullmatch(r"[\W_]+", text)]
    for i, ((ax0, ay0, ax1, ay1), a) in enumerate(drawn):
        for (bx0, by0, bx1, by1), b in drawn[i + 1:]:
            overlap_x = min(ax1, bx1) - max(ax0, bx0)
            overlap_y = min(ay1, by1) - max(ay0, by0)
            # CJK fonts give tall boxes that reach into the next line, and full-width punctuation
            # is drawn half-width next to a bracket: words overlap when they share more than
            # half the smaller height and 40% of the narrower width, not a sliver of either.
            if overlap_x > 0.4 * min(ax1 - ax0, bx1 - bx0) and overlap_y > 0.5 * min(ay1 - ay0, by1 - by0):
                problems.append(f"page {number}: '{a}' and '{b}' overlap")
print("\n".join(problems))
sys.exit(1 if problems else 0)
PY
    ); then
        pass "$name: every word inside the content box, none over another, none in English"
    else
        fail "$name: $problems"
    fi
done
echo "report-print: page images in $artifacts"
if [ "$failures" -gt 0 ]; then
    echo "report-print: $failures failed"
    exit 1
fi
echo "report-print: all passed"
