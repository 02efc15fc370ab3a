#!/usr/bin/env bash
# Upgrades an installed store-edge (or cloud relay) to the version of an offline bundle: unpacks and
# verifies the new release while the old one still serves, stops the service, backs up the database
# with the old program (SQLite online backup), switches PREFIX/current, migrates, starts and waits
# for the health check. If any step after the stop fails, it rolls back by itself: the previous
# release, its units and the database as backed up, then starts that and checks it. Safe to run
# twice: the version already running is "nothing to do". Exit status: 0 upgraded (or nothing to do),
# 1 failed and rolled back (or a check failed before anything changed), 2 a bad argument, 4 failed
# and the rollback failed too (the box needs a person: the message says what to look at).
set -euo pipefail
umask 022

SE_PROG=upgrade.sh
SE_LIB=$(cd "$(dirname "${BASH_SOURCE[0]}")/lib" && pwd)
SE_USAGE='usage: upgrade.sh --bundle FILE.tar.gz [options]

  --bundle FILE         the offline bundle of the new version (npm run bundle)
  --health-timeout S    seconds the new version has to report healthy (default 90)
  --keep-releases N     releases kept in PREFIX/releases, current and previous always (default 3)
  --prefix DIR          where the program is (default /opt/store-edge)
  --root DIR            upgrade an install in DIR (see install.sh --root)
  --skip-os-check       go on on a system other than Debian 12+ / Ubuntu 22.04+
  -h, --help            this text

Which program is upgraded follows from what is installed: the store server, the cloud relay, or both.'

# shellcheck source=lib/common.sh
. "$SE_LIB/common.sh"
# shellcheck source=lib/bundle.sh
. "$SE_LIB/bundle.sh"
# shellcheck source=lib/service.sh
. "$SE_LIB/service.sh"
# shellcheck source=lib/edge.sh
. "$SE_LIB/edge.sh"
# shellcheck source=lib/relay.sh
. "$SE_LIB/relay.sh"
# shellcheck source=lib/upgrade.sh
. "$SE_LIB/upgrade.sh"

bundle='' root='' prefix=/opt/store-edge timeout=90 keep=3 skip_os=0
while [ $# -gt 0 ]; do
  case $1 in
    --bundle) se_need_value "$1" "${2:-}"; bundle=$2; shift 2 ;;
    --root) se_need_value "$1" "${2:-}"; root=$2; shift 2 ;;
    --prefix) se_need_value "$1" "${2:-}"; prefix=$2; shift 2 ;;
    --health-timeout) se_need_value "$1" "${2:-}"; timeout=$2; shift 2 ;;
    --keep-releases) se_need_value "$1" "${2:-}"; keep=$2; shift 2 ;;
    --skip-os-check) skip_os=1; shift ;;
    -h | --help) se_say "$SE_USAGE"; exit 0 ;;
    *) se_usage_error "unknown argument '$1'" ;;
  esac
done
[ -n "$bundle" ] || se_usage_error '--bundle FILE is required'
if [[ ! $timeout =~ ^[0-9]{1,4}$ ]] || [ "$timeout" -lt 5 ]; then se_usage_error "--health-timeout must be 5-9999 seconds, got '$timeout'"; fi
if [[ ! $keep =~ ^[0-9]{1,3}$ ]] || [ "$keep" -lt 2 ]; then se_usage_error "--keep-releases must be 2 or more, got '$keep'"; fi
case $bundle in /*) ;; *) bundle=$PWD/$bundle ;; esac

se_init_paths "$root" "$prefix"
[ -n "$SE_ROOT" ] || se_require_root
[ "$skip_os" = 1 ] || se_check_os
se_bundle_read "$bundle"
se_bundle_check_machine "$bundle"
se_lock

from=$(se_link_target current)
to=$SE_B_VERSION
[ -n "$from" ] || se_die "store-edge is not installed in $SE_PREFIX (no $SE_PREFIX/current): install it with $(dirname "$SE_LIB")/install.sh --bundle $bundle"
edge=0 relay=0
[ ! -e "$(se_r "$SE_UNIT_DIR/store-edge.service")" ] || edge=1
[ ! -e "$(se_r "$SE_UNIT_DIR/$SE_RELAY_UNIT")" ] || relay=1
[ "$edge" = 1 ] || [ "$relay" = 1 ] || se_die "neither store-edge.service nor $SE_RELAY_UNIT is installed under ${SE_ROOT:-/}: nothing to upgrade"
if [ "$from" = "$to" ]; then
  if [ "$(cat "$(se_r "$SE_RELEASES/$from")/BUNDLE.json" 2>/dev/null)" = "$SE_B_META" ]; then
    se_say "store-edge $to is what runs in $SE_PREFIX: nothing to do"
    exit 0
  fi
  se_die "$SE_PREFIX runs another build of $to (commit $(sed -n 's/^  "gitCommit": "\(.*\)",$/\1/p' "$(se_r "$SE_RELEASES/$from")/BUNDLE.json" 2>/dev/null)) than this bundle (commit $SE_B_COMMIT): a new build needs a new version number"
fi
se_version_ge "$to" "$from" || se_die "this bundle ($to) is older than the installed store-edge ($from): going back to an older version is not an upgrade (its database may be newer than it knows)"

se_say "upgrading $([ "$edge" = 1 ] && printf 'store-edge')$([ "$edge$relay" = 11 ] && printf ' and ')$([ "$relay" = 1 ] && printf 'the cloud relay') from $from to $to ($SE_B_PLATFORM-$SE_B_ARCH, schema $SE_B_SCHEMA) in ${SE_ROOT:-/}"

# 1. The new release, unpacked and verified while the old one still serves.
se_release_install "$bundle"

# Rollback: the old release, its units and the data as backed up, started and checked. Exits.
rollback() {
  local why=$1 ok=1
  se_warn "upgrade to $to failed: $why"
  se_say "rolling back to $from..."
  if [ "$edge" = 1 ]; then se_u_stop store-edge.service || ok=0; fi
  if [ "$relay" = 1 ]; then se_u_stop "$SE_RELAY_UNIT" || ok=0; fi
  se_switch_link current "$from"
  rm -f -- "$(se_r "$SE_PREFIX/previous")"
  if [ "$edge" = 1 ]; then
    se_u_from_release "$from" se_u_edge_install
    if [ -n "${SE_U_BACKUP:-}" ]; then
      # The old program puts back the database it wrote; restore keeps the one it replaces beside it
      # (store.db.pre-restore-*), so what the new version took in while on trial is not destroyed.
      se_store_edge restore "$(se_r "$SE_U_BACKUP")" --yes >/dev/null || ok=0
      [ "$ok" = 0 ] || se_changed "restored the database from $SE_U_BACKUP"
    fi
    se_u_start store-edge.service || ok=0
    if [ "$ok" = 1 ] && se_store_edge health --wait "$timeout" --expect-version "$from"; then :; else ok=0; fi
    # The nightly backups go on whatever came of the rest.
    se_u_start store-edge-backup.timer || ok=0
  fi
  if [ "$relay" = 1 ]; then
    se_u_from_release "$from" se_u_relay_install
    se_u_relay_restore || ok=0
    se_u_start "$SE_RELAY_UNIT" || ok=0
    if [ "$ok" = 1 ] && "$(se_r "$SE_RELEASES/$from")/node/bin/node" "$SE_LIB/wait-http.mjs" "$(se_relay_url)" "$timeout"; then :; else ok=0; fi
  fi
  if [ "$ok" = 1 ]; then
    se_say "rolled back: $from runs again, healthy, with the database as it was before the upgrade${SE_U_BACKUP:+ ($SE_U_BACKUP)}"
    se_die "upgrade to $to failed ($why) and was rolled back; the new release stays in $SE_RELEASES/$to for a look (journalctl -u store-edge -n 200)" 1
  fi
  se_die "upgrade to $to failed ($why) AND the rollback to $from did not come back healthy: see journalctl -u store-edge -n 200; the pre-upgrade backup is ${SE_U_BACKUP:-none} (store-edge restore FILE --yes)" 4
}

# 2. Stopped: nothing writes while the backup is taken and the release switched. The backup timer
# too, so it does not start a backup under the migration.
if [ "$edge" = 1 ]; then
  se_u_stop store-edge-backup.timer || se_die "could not stop store-edge-backup.timer: nothing was changed yet"
  # Leaving before anything changed: the service and the nightly backups as they were.
  resume() { se_u_start store-edge.service || true; se_u_start store-edge-backup.timer || true; }
  se_u_stop store-edge.service || { resume; se_die "could not stop store-edge.service: nothing was changed yet (journalctl -u store-edge)"; }
  se_u_edge_backup "$from" "$to" || { resume; se_die "the backup before the upgrade failed: store-edge $from was started again, nothing else changed"; }
fi
if [ "$relay" = 1 ]; then
  se_u_stop "$SE_RELAY_UNIT" || se_die "could not stop $SE_RELAY_UNIT: nothing was changed yet"
  se_u_relay_backup "$from" "$to" || { se_u_start "$SE_RELAY_UNIT" || true; se_die "copying the relay's database failed: the relay $from was started again"; }
fi

# 3. Switched, migrated, started, checked: any failure from here rolls back.
se_switch_link previous "$from"
se_switch_link current "$to"
if [ "$edge" = 1 ]; then
  se_u_from_release "$to" se_u_edge_install
  se_say "migrating the database..."
  se_store_edge migrate || rollback "the database migration failed"
  se_u_start store-edge.service || rollback "store-edge.service did not start"
  se_say "waiting for store-edge $to to report healthy (up to $timeout s)..."
  se_store_edge health --wait "$timeout" --expect-version "$to" || rollback "store-edge $to did not report healthy in $timeout s"
  se_u_start store-edge-backup.timer || se_warn "store-edge-backup.timer did not start: systemctl start store-edge-backup.timer"
fi
if [ "$relay" = 1 ]; then
  se_u_from_release "$to" se_u_relay_install
  se_u_start "$SE_RELAY_UNIT" || rollback "$SE_RELAY_UNIT did not start"
  se_say "waiting for the relay $to to report healthy (up to $timeout s)..."
  "$(se_r "$SE_RELEASES/$to")/node/bin/node" "$SE_LIB/wait-http.mjs" "$(se_relay_url)" "$timeout" || rollback "the relay $to did not report healthy in $timeout s"
fi

# 4. Tidy: old releases and old pre-upgrade backups beyond what rollback and a person need.
se_u_prune_releases "$keep"
se_u_prune_backups
se_say "upgraded from $from to $to ($SE_CHANGES changes)${SE_U_BACKUP:+; the database before it is in $SE_U_BACKUP}"
se_say "  $SE_PREFIX/previous -> $from; a backup goes back with: store-edge restore FILE --yes (service stopped)"
