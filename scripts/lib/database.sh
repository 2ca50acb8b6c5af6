# Shared by scripts/backup and scripts/restore (sourced, not run).

die() { echo "$(basename "$0"): $*" >&2; exit 1; }

# The newest PostgreSQL client programs (pg_dump must be at least the server's version).
find_pg_bindir() {
    local dir
    for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        [ -x "$dir/pg_dump" ] && { echo "$dir"; return 0; }
    done
    command -v pg_dump >/dev/null 2>&1 && { dirname "$(command -v pg_dump)"; return 0; }
    return 1
}

# The connection, as esw finds it: --database-url, else DATABASE_URL, else libpq's PG* variables,
# else the project's dev cluster (scripts/dev-db) when it runs. Sets `url` ("" means PG*).
resolve_database_url() {
    local given=$1
    if [ -n "$given" ]; then url=$given
    elif [ -n "${DATABASE_URL:-}" ]; then url=$DATABASE_URL
    elif [ -n "${PGDATABASE:-}${PGHOST:-}${PGSERVICE:-}" ]; then url=""
    elif "$root/scripts/dev-db" status >/dev/null 2>&1; then url=$("$root/scripts/dev-db" url)
    else die "no database: pass --database-url, set DATABASE_URL or PG* variables, or run scripts/dev-db start"
    fi
}

# What a backup records and a restore must find again, one tab-separated line each, computed in
# the caller's transaction: the row count of every table, then the national certified-worker
# ratio on day $1 (the enterprise_ratio_on function of sql/, summed as `esw ratio` sums it).
# Row security is off, so a role that would see fewer rows fails instead of undercounting.
facts_sql() {
    local as_of=$1
    cat <<SQL
SET row_security = off;
SELECT format('SELECT concat_ws(E''\t'', ''table'', %L, count(*)) FROM %I.%I',
              n.nspname || '.' || c.relname, n.nspname, c.relname)
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\_%'
ORDER BY n.nspname, c.relname \gexec
SELECT concat_ws(E'\t', 'ratio', DATE '$as_of', coalesce(sum(tracked), 0), coalesce(sum(certified), 0),
                 coalesce(certified_ratio(coalesce(sum(certified), 0)::bigint, coalesce(sum(tracked), 0)::bigint)::text,
                          'none'))
FROM enterprise_ratio_on(DATE '$as_of');
SQL
}
