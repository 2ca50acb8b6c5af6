#!/usr/bin/env bash
# The README as a test (run by scripts/test after swift test): on a new database of the test
# cluster, scripts/demo loads the sample, then every shell block of README.md runs, in order, as
# written, with esw on PATH, from a scratch folder that holds the repository's data/ and scripts/.
# Each command must exit 0, or the status its own comment announces as "(exit N)". A block that
# cannot run anywhere but on the reader's machine (a server of theirs, the setup itself) is
# preceded by a line `<!-- README test: not run: the reason -->`.
#
# Needs DATABASE_URL of the test cluster (postgresql://…/esw?host=…) and an esw binary (ESW).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"
: "${DATABASE_URL:?run through scripts/test}"
esw=${ESW:-$(swift build --show-bin-path)/esw}
work=$(mktemp -d "${TMPDIR:-/tmp}/esw-readme-test.XXXXXX")
database=esw_readme_$$
admin() { psql -X -q -A -t -v ON_ERROR_STOP=1 "$DATABASE_URL" -c "$1"; }
cleanup() {
    admin "DROP DATABASE IF EXISTS $database" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT

# The commands of README.md's runnable ```sh blocks, each wrapped so that its exit status is checked
# against the one announced, and its output kept for the failure message. A command is a line
# with its `\` continuations; variables it sets stay set for the blocks after it.
extract() {
    awk '
        function flush() {
            if (command == "") return
            expected = 0
            if (match(command, /\(exit [0-9]+\)/)) expected = substr(command, RSTART + 6, RLENGTH - 7)
            printf "{ %s\n} >\"$out\" 2>&1 </dev/null; check %d %d $?\n", command, start, expected
            command = ""
        }
        /^<!-- README test: not run/ { skip = 1; next }
        !inside && /^```sh$/ { inside = 1; run = !skip; skip = 0; next }
        !inside && /^```/ { skip = 0; next }
        inside && /^```$/ { flush(); inside = 0; next }
        !inside && NF { skip = skip && /^<!--/ }
        inside && run {
            if (command == "") {
                if ($0 ~ /^[[:space:]]*(#|$)/) next
                start = NR; command = $0
            } else {
                command = command "\n" $0
            }
            if ($0 !~ /\\$/) flush()
        }
    ' README.md
}

admin "CREATE DATABASE $database" >/dev/null
export DATABASE_URL=${DATABASE_URL/\/esw\?//$database?}
mkdir -p "$work/bin" "$work/run"
ln -s "$esw" "$work/bin/esw"
ln -s "$root/data" "$work/run/data"
ln -s "$root/scripts" "$work/run/scripts"
export PATH=$work/bin:$PATH

if ! ESW_DEMO_BINARY=$esw ESW_DEMO_REPORTS=$work/reports ESW_DEMO_SERVE=0 scripts/demo >"$work/demo.log" 2>&1; then
    echo "FAIL: scripts/demo on a new database:" >&2
    tail -20 "$work/demo.log" >&2
    echo "readme: 1 failed"
    exit 1
fi
echo "ok: scripts/demo loaded the sample"

{
    echo 'set -o pipefail; out=$(mktemp); failures=0; commands=0'
    echo 'check() {'
    echo '    commands=$((commands + 1))'
    echo '    if [ "$3" = "$2" ]; then return 0; fi'
    echo '    failures=$((failures + 1))'
    echo '    echo "FAIL: README.md line $1 exited $3, not $2: $(sed -n "$1p" "$README")"'
    echo '    sed "s/^/    | /" "$out" | tail -8'
    echo '}'
    extract
    echo 'echo "ran $commands README commands"'
    echo 'rm -f "$out"; [ "$failures" = 0 ] || { echo "readme: $failures failed"; exit 1; }'
} >"$work/readme-commands.sh"

(cd "$work/run" && README="$root/README.md" bash "$work/readme-commands.sh") || exit 1
echo "readme: all passed"
