#!/bin/sh
# Entrypoint of the postgres stand-in (see postgres.Dockerfile): the official image's contract
# for `postgres …` commands. As root it prepares PGDATA and re-executes itself as postgres; on
# an empty PGDATA it runs initdb with POSTGRES_USER / POSTGRES_PASSWORD and creates
# POSTGRES_DB; then it execs the server. Other commands run as given.
set -eu
major=$(cat /usr/local/share/postgres-major)
: "${PGDATA:=/var/lib/postgresql/$major/docker}"
export PGDATA

case ${1:-} in
  -*) set -- postgres "$@" ;;
esac
[ "${1:-}" = postgres ] || exec "$@"

if [ "$(id -u)" = 0 ]; then
  mkdir -p "$PGDATA"
  chown postgres:postgres "$PGDATA" /var/lib/postgresql
  chmod 700 "$PGDATA"
  exec setpriv --reuid=postgres --regid=postgres --init-groups "$0" "$@"
fi

if [ ! -s "$PGDATA/PG_VERSION" ]; then
  if [ -z "${POSTGRES_PASSWORD:-}" ]; then
    echo 'error: the database is uninitialized and POSTGRES_PASSWORD is not set' >&2
    exit 1
  fi
  user=${POSTGRES_USER:-postgres}
  db=${POSTGRES_DB:-$user}
  pwfile=$(mktemp)
  printf '%s\n' "$POSTGRES_PASSWORD" > "$pwfile"
  initdb --username="$user" --pwfile="$pwfile" --auth-local=trust --auth-host=scram-sha-256 \
    -D "$PGDATA" > /dev/null
  rm -f "$pwfile"
  echo "listen_addresses = '*'" >> "$PGDATA/postgresql.conf"
  echo 'host all all all scram-sha-256' >> "$PGDATA/pg_hba.conf"
  # The database is created by a server on the Unix socket only, as the official image does.
  pg_ctl -D "$PGDATA" -o "-c listen_addresses=''" -w start > /dev/null
  if [ "$db" != postgres ]; then
    # psql interpolates :"db" (quoted identifier) only in scripts, not in -c.
    echo 'CREATE DATABASE :"db";' |
      psql -v ON_ERROR_STOP=1 -q --username="$user" --dbname=postgres --set=db="$db"
  fi
  pg_ctl -D "$PGDATA" -m fast -w stop > /dev/null
  echo "stand-in: initialised $PGDATA (PostgreSQL $major) for $user, database $db"
fi
exec "$@"
