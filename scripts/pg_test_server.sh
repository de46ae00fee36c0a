#!/usr/bin/env bash
# Start a throw-away PostgreSQL server on 127.0.0.1 for the test suite (Debian packages).
# Usage: source scripts/pg_test_server.sh   — exports ZIKONG_TEST_POSTGRES_URL (and a superuser
# URL, ZIKONG_TEST_POSTGRES_INSPECT_URL, for pageinspect) and sets a
# trap that stops the server when the calling shell exits.
PGBIN=${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
PGROOT=${PGROOT:-/tmp/zikong-pg}
PGPORT=${PGPORT:-54329}
if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/initdb" ]; then
  echo "PostgreSQL server binaries not found (apt-get install postgresql)" >&2
  return 1 2>/dev/null || exit 1
fi
_pg() { (cd / && runuser -u postgres -- "$@"); }
_pg "$PGBIN/pg_ctl" -D "$PGROOT/data" -m fast -w stop >/dev/null 2>&1 || true
install -d -o postgres -g postgres -m 700 "$PGROOT"
rm -rf "$PGROOT/data"
_pg "$PGBIN/initdb" -D "$PGROOT/data" -U postgres -E UTF8 --locale=C.UTF-8 \
   --auth-local=peer --auth-host=scram-sha-256 >/dev/null
_pg "$PGBIN/pg_ctl" -D "$PGROOT/data" -l "$PGROOT/server.log" -w -t 30 \
   -o "-c listen_addresses=127.0.0.1 -p $PGPORT -k $PGROOT -c fsync=off -c max_connections=200" start >/dev/null
trap '_pg "$PGBIN/pg_ctl" -D "$PGROOT/data" -m fast -w stop >/dev/null 2>&1 || true' EXIT
_pg "$PGBIN/psql" -h "$PGROOT" -p "$PGPORT" -U postgres -v ON_ERROR_STOP=1 -q \
   -c "CREATE ROLE zikong LOGIN PASSWORD 'zikong'" -c "CREATE DATABASE zikong_test OWNER zikong" \
   -c "CREATE ROLE zikong_inspect LOGIN SUPERUSER PASSWORD 'zikong_inspect'"
export ZIKONG_TEST_POSTGRES_URL="postgresql+psycopg://zikong:zikong@127.0.0.1:$PGPORT/zikong_test"
# A superuser for the tests that read tuple versions with pageinspect (ballot secrecy).
export ZIKONG_TEST_POSTGRES_INSPECT_URL="postgresql+psycopg://zikong_inspect:zikong_inspect@127.0.0.1:$PGPORT/zikong_test"
echo "PostgreSQL test server on 127.0.0.1:$PGPORT"
