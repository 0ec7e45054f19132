# PostgreSQL for the tests (sourced): installs nothing by itself (install-tools.sh
# does), starts the local cluster if it is down, and creates a test role.
PIAZZA_PG_ROLE=piazza_test
PIAZZA_PG_PASSWORD=piazza_test
PIAZZA_PG_ADMIN_URL="postgres://$PIAZZA_PG_ROLE:$PIAZZA_PG_PASSWORD@127.0.0.1:5432/postgres"

piazza_psql() { su postgres -c "psql -v ON_ERROR_STOP=1 -qtA -c \"$1\""; }

piazza_start_postgres() {
  local cluster version
  cluster=$(pg_lsclusters --no-header | head -n1)
  if [ -z "$cluster" ]; then
    version=$(ls /usr/lib/postgresql | sort -n | tail -n1)
    pg_createcluster "$version" main >/dev/null
    cluster=$(pg_lsclusters --no-header | head -n1)
  fi
  read -r version name _ <<<"$cluster"
  if ! pg_lsclusters --no-header | grep -q "^$version *$name .*online"; then
    pg_ctlcluster "$version" "$name" start
  fi
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 && break; sleep 1; done
  if [ "$(piazza_psql "SELECT 1 FROM pg_roles WHERE rolname='$PIAZZA_PG_ROLE'")" != 1 ]; then
    piazza_psql "CREATE ROLE $PIAZZA_PG_ROLE LOGIN PASSWORD '$PIAZZA_PG_PASSWORD' CREATEDB"
  fi
  # Databases (and test templates) left by earlier runs.
  for db in $(piazza_psql "SELECT datname FROM pg_database WHERE datname LIKE 'piazza_t_%' OR datname LIKE 'piazza_tpl_%' OR datname LIKE 'piazza_e2e_%'"); do
    piazza_psql "DROP DATABASE \\\"$db\\\"" || true
  done
}

# Prints the URL of a new, empty database.
piazza_fresh_pg_database() {
  local name="piazza_$1_$(date +%s)_$$"
  piazza_psql "CREATE DATABASE $name OWNER $PIAZZA_PG_ROLE" >/dev/null
  echo "postgres://$PIAZZA_PG_ROLE:$PIAZZA_PG_PASSWORD@127.0.0.1:5432/$name"
}
