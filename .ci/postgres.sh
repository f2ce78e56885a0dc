#!/usr/bin/env bash
# Starts a PostgreSQL server for the storage contract suite on a fresh Debian machine (or
# container) as root, and prints the URL the suite wants as its last line:
#
#   export PAINPATH_TEST_POSTGRES_URL="$(.ci/postgres.sh | tail -n 1)"
#
# It installs Debian's `postgresql` if it is missing, starts the cluster with pg_ctlcluster
# (containers have no systemd), and makes the login role `painpath` (password `painpath`,
# CREATEDB, because every test makes its own database). Running it twice is safe: each step
# checks before it acts. Anything unexpected stops the script with a message on stderr.
set -euo pipefail

readonly ROLE=painpath
readonly PASSWORD=painpath
readonly HOST=127.0.0.1
readonly PORT=5432
readonly URL="postgres://${ROLE}:${PASSWORD}@${HOST}:${PORT}/postgres"

fail() {
    echo "postgres.sh: $*" >&2
    exit 1
}

log() {
    # Progress goes to stderr so that stdout's last line is always the URL.
    echo "postgres.sh: $*" >&2
}

if [[ "$(id -u)" -ne 0 ]]; then
    fail "run me as root (I install packages and start the cluster as the postgres user)"
fi

if ! command -v pg_ctlcluster >/dev/null 2>&1; then
    log "installing postgresql with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update >&2
    apt-get install -y --no-install-recommends postgresql >&2
fi
command -v pg_ctlcluster >/dev/null 2>&1 || fail "pg_ctlcluster is still missing after installing postgresql"

# The newest installed server version; Debian keeps each under /usr/lib/postgresql/<version>.
version="$(find /usr/lib/postgresql -mindepth 1 -maxdepth 1 -type d -printf '%f\n' 2>/dev/null \
    | sort -V | tail -n 1)"
[[ -n "${version}" ]] || fail "no PostgreSQL server found under /usr/lib/postgresql"

if ! pg_lsclusters --no-header 2>/dev/null | awk -v v="${version}" '$1 == v && $2 == "main"' | grep -q .; then
    log "creating cluster ${version}/main on port ${PORT}"
    pg_createcluster --port "${PORT}" "${version}" main >&2
fi

cluster_port="$(pg_lsclusters --no-header | awk -v v="${version}" '$1 == v && $2 == "main" { print $3 }')"
[[ "${cluster_port}" == "${PORT}" ]] \
    || fail "cluster ${version}/main listens on port ${cluster_port}, not ${PORT}; move it or free ${PORT}"

status="$(pg_lsclusters --no-header | awk -v v="${version}" '$1 == v && $2 == "main" { print $4 }')"
if [[ "${status}" != online* ]]; then
    log "starting cluster ${version}/main"
    pg_ctlcluster "${version}" main start >&2 || {
        tail -n 20 "/var/log/postgresql/postgresql-${version}-main.log" >&2 || true
        fail "could not start cluster ${version}/main"
    }
fi

# Wait for the server over TCP, as the tests will reach it, not only over the local socket.
ready=0
for _ in $(seq 1 60); do
    if pg_isready --quiet --host "${HOST}" --port "${PORT}"; then
        ready=1
        break
    fi
    sleep 1
done
[[ "${ready}" -eq 1 ]] || fail "the server did not accept connections on ${HOST}:${PORT} within 60 seconds"

# The role is created or brought up to date; psql stops on the first error.
runuser -u postgres -- psql --quiet --no-psqlrc --set ON_ERROR_STOP=1 --port "${PORT}" \
    --dbname postgres >&2 <<SQL
DO \$\$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = '${ROLE}') THEN
        CREATE ROLE ${ROLE} LOGIN CREATEDB PASSWORD '${PASSWORD}';
    ELSE
        ALTER ROLE ${ROLE} LOGIN CREATEDB PASSWORD '${PASSWORD}';
    END IF;
END
\$\$;
-- Lets the suite's DROP DATABASE ... WITH (FORCE) end the test's own lingering connections.
GRANT pg_signal_backend TO ${ROLE};
SQL

# Prove the URL works with a password over TCP before handing it out.
PGPASSWORD="${PASSWORD}" psql --quiet --no-psqlrc --set ON_ERROR_STOP=1 \
    --host "${HOST}" --port "${PORT}" --username "${ROLE}" --dbname postgres \
    --command 'SELECT 1' >/dev/null \
    || fail "could not sign in as ${ROLE} on ${HOST}:${PORT} with a password (check pg_hba.conf)"

echo "${URL}"
