#!/usr/bin/env bash
# A throwaway PostgreSQL server for tests (Debian's postgresql; no network beyond what is asked).
#
#   scripts/pg-temp.sh start DIR [LISTEN] [HBA_CIDR]   prints postgresql://gradlab@HOST:PORT/postgres
#   scripts/pg-temp.sh stop DIR
#
# The cluster lives in DIR/data, its Unix socket in DIR, its log in DIR/log. It listens on
# 127.0.0.1 (or the comma-separated LISTEN addresses) with trust login for the user gradlab
# from 127.0.0.1 (and HBA_CIDR when given). As root, the server runs as the 'postgres' user
# (created when missing): PostgreSQL refuses to run as root.
set -euo pipefail
cmd=${1:?start|stop}
dir=${2:?directory}
bindir=""
for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do bindir=$d; break; done
pgbin() { if [ -n "$bindir" ] && [ -x "$bindir/$1" ]; then echo "$bindir/$1"; else command -v "$1"; fi; }
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

case "$cmd" in
start)
  listen=${3:-127.0.0.1}
  cidr=${4:-}
  [ -n "$(pgbin initdb)" ] || { echo "pg-temp: initdb not found (install Debian's postgresql)" >&2; exit 3; }
  if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then useradd --system --no-create-home postgres; fi
  mkdir -p "$dir"
  [ "$(id -u)" = 0 ] && chown postgres "$dir"
  as_pg "$(pgbin initdb)" -D "$dir/data" -A trust -U gradlab --no-sync -E UTF8 >"$dir/initdb.log" 2>&1
  [ -n "$cidr" ] && echo "host all all $cidr trust" >>"$dir/data/pg_hba.conf"
  port=$(node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
  as_pg "$(pgbin pg_ctl)" -D "$dir/data" -l "$dir/log" -w -t 60 \
    -o "-c listen_addresses='$listen' -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" start >/dev/null
  echo "$port" >"$dir/port"
  echo "postgresql://gradlab@${listen%%,*}:$port/postgres"
  ;;
stop)
  [ -d "$dir/data" ] && as_pg "$(pgbin pg_ctl)" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$dir"
  ;;
*) echo "pg-temp: unknown command '$cmd' (start|stop)" >&2; exit 2 ;;
esac
