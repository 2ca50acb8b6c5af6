# Sourced by the shell tests that need the sample in a database of their own (report-print.sh,
# browser.sh, api-fuzz.sh): a new database of the test cluster, migrated, with the sample's
# enterprises, staff and certificates, and optionally `esw serve` on it on a free loopback port.
# The database, the server and the scratch folder $work are gone at exit.
#
# Needs DATABASE_URL of the test cluster (postgresql://…/esw?host=…) and an esw binary (ESW).

: "${DATABASE_URL:?run through scripts/test}"
esw=${ESW:-$(swift build --show-bin-path)/esw}
work=$(mktemp -d "${TMPDIR:-/tmp}/esw-${sample_test:-sample}-test.XXXXXX")
database=esw_${sample_test:-sample}_$$
database=${database//-/_}
url=$(sed "s|/esw?|/$database?|" <<<"$DATABASE_URL")
server=""

admin() { psql -X -q -A -t -v ON_ERROR_STOP=1 "$DATABASE_URL" -c "$1"; }
run() { "$esw" "$@" --database-url "$url"; }
sample_cleanup() {
    [ -z "$server" ] || kill "$server" 2>/dev/null || true
    [ -z "$server" ] || wait "$server" 2>/dev/null || true
    admin "DROP DATABASE IF EXISTS $database" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap sample_cleanup EXIT

# A new database with the sample loaded.
load_sample() {
    admin "CREATE DATABASE $database"
    run db migrate >/dev/null
    local command
    for command in "enterprise import data/sample/enterprises.csv" "staff import data/sample/staff-beijing.csv" \
        "staff import data/sample/staff-guangdong-gb18030.csv" "certificate import data/sample/certificates.csv"; do
        # shellcheck disable=SC2086
        run $command >/dev/null
    done
}

# `esw serve` on the sample's database; sets $base (http://127.0.0.1:PORT) once `ready_path`
# answers, its log in $work/server.log.
serve_sample() {
    local ready_path=$1 port
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    base=http://127.0.0.1:$port
    "$esw" serve --host 127.0.0.1 --port "$port" --database-url "$url" >"$work/server.log" 2>&1 &
    server=$!
    for _ in $(seq 1 300); do
        curl -fsS -o /dev/null "$base$ready_path" 2>/dev/null && return 0
        kill -0 "$server" 2>/dev/null || break
        sleep 0.1
    done
    echo "esw serve did not start:" >&2
    tail -20 "$work/server.log" >&2
    return 1
}
