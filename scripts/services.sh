#!/usr/bin/env bash
# Make sure MariaDB (127.0.0.1:3306, root, no password, database `test`) and
# PostgreSQL (127.0.0.1:5432, trust auth, database `test`) are up for the tests.
# Starts them when installed but stopped; installs them from Debian's packages
# when missing and we are root. Never fails the run: tests skip with a reason
# when a server still cannot be reached.
set -uo pipefail

up() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_up() { for _ in $(seq 1 30); do up "$1" && return 0; sleep 1; done; return 1; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo -n "$@"; else return 1; fi; }

if ! up 3306; then
    if ! command -v mariadbd >/dev/null && [ ! -x /usr/sbin/mariadbd ]; then
        echo "==> installing MariaDB" >&2
        as_root apt-get update -qq && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq mariadb-server >/dev/null
    fi
    echo "==> starting MariaDB" >&2
    as_root mkdir -p /run/mysqld && as_root chown mysql:mysql /run/mysqld 2>/dev/null
    as_root start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
    if wait_up 3306; then
        as_root mariadb -uroot -e "CREATE DATABASE IF NOT EXISTS test; ALTER USER 'root'@'localhost' IDENTIFIED VIA mysql_native_password USING PASSWORD('') OR unix_socket;" 2>/dev/null || true
    else
        echo "warning: MariaDB did not come up; its tests will be skipped" >&2
    fi
fi

if ! up 5432; then
    if ! ls /etc/postgresql >/dev/null 2>&1; then
        echo "==> installing PostgreSQL" >&2
        as_root apt-get update -qq && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    fi
    echo "==> starting PostgreSQL" >&2
    ver=$(ls /etc/postgresql | sort -V | tail -n 1)
    as_root pg_ctlcluster --skip-systemctl-redirect "$ver" main start
    if wait_up 5432; then
        hba=/etc/postgresql/$ver/main/pg_hba.conf
        if ! grep -q "^host all all 127.0.0.1/32 trust" "$hba" 2>/dev/null; then
            as_root sed -i '1i host all all 127.0.0.1/32 trust' "$hba" && as_root pg_ctlcluster --skip-systemctl-redirect "$ver" main reload
        fi
        as_root su postgres -c "psql -tAc \"SELECT 1 FROM pg_database WHERE datname='test'\" | grep -q 1 || createdb test" 2>/dev/null || true
    else
        echo "warning: PostgreSQL did not come up; its tests will be skipped" >&2
    fi
fi
exit 0
