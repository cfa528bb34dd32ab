#!/usr/bin/env bash
# Installs and starts what the tests need from Debian's packages: Chromium (browser and
# end-to-end tests) and PostgreSQL 15 (the PostgreSQL engine's suite). Nothing is
# downloaded from anywhere else. As root it installs what is missing; otherwise it says
# exactly what to install and carries on (the suites that need it then say they skipped).
set -uo pipefail

need_apt=()
[ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] || need_apt+=(chromium fonts-dejavu-core)
command -v pg_ctlcluster >/dev/null 2>&1 && ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || need_apt+=(postgresql)

if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing from Debian: ${need_apt[*]}"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null \
      || echo "setup: apt-get install ${need_apt[*]} failed"
  else
    echo "setup: missing ${need_apt[*]}; as root run: apt-get update && apt-get install -y ${need_apt[*]}"
  fi
fi

# PostgreSQL: start the cluster and create the test role and database once.
if [ "$(id -u)" = "0" ] && command -v pg_ctlcluster >/dev/null 2>&1; then
  version=$(ls /usr/lib/postgresql 2>/dev/null | sort -n | tail -1)
  if [ -n "$version" ]; then
    if ! pg_lsclusters -h 2>/dev/null | grep -q "^$version main"; then
      pg_createcluster "$version" main >/dev/null 2>&1 || true
    fi
    pg_ctlcluster "$version" main start 2>/dev/null || true
    for _ in $(seq 1 30); do
      su postgres -c "pg_isready -q -h 127.0.0.1" && break
      sleep 0.5
    done
    su postgres -c "psql -qtAc \"select 1 from pg_roles where rolname='cpis'\"" | grep -q 1 \
      || su postgres -c "psql -qc \"create user cpis password 'cpis' superuser\""
    su postgres -c "psql -qtAc \"select 1 from pg_database where datname='cpis'\"" | grep -q 1 \
      || su postgres -c "psql -qc 'create database cpis owner cpis'"
    echo "setup: PostgreSQL $version running on 127.0.0.1:5432 (database cpis)"
  fi
fi
exit 0
