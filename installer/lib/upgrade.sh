# shellcheck shell=bash
# shellcheck disable=SC2034 # SE_U_* values are read by upgrade.sh.
# Upgrade steps of the store server and the cloud relay: back up what the old program wrote, switch
# releases, migrate, start, health-check, and put the old release and its data back when any of it
# fails. Sourced after common.sh, bundle.sh, service.sh, edge.sh and relay.sh; upgrade.sh sequences
# them.

# Pre-upgrade backups kept in the data dir's backups/ (the daily timer's own backups are pruned by
# `store-edge backup --keep`, which leaves these alone: they are named differently).
SE_U_KEEP_BACKUPS=3

# se_u_stamp: a UTC time for file names (20261127T120000Z).
se_u_stamp() { date -u +%Y%m%dT%H%M%SZ; }

# se_u_stop UNIT: stopped, and not running any more (a stop that fails is a failed upgrade).
se_u_stop() {
  [ "$SE_SERVICES" = 1 ] || return 0
  if se_systemctl is-active "$1" >/dev/null 2>&1; then
    se_systemctl stop "$1" || return 1
    se_changed "stopped $1"
  fi
}

# se_u_start UNIT: started (or restarted when it runs: its program changed under it).
se_u_start() {
  [ "$SE_SERVICES" = 1 ] || return 0
  if se_systemctl is-active "$1" >/dev/null 2>&1; then
    se_systemctl restart "$1" || return 1
  else
    se_systemctl start "$1" || return 1
  fi
  se_changed "started $1"
}

# se_u_edge_backup FROM TO: an online backup of the store's database by the program that wrote it
# (FROM, still current), before anything changes; SE_U_BACKUP is its path ('' when there is no
# database yet: a box installed and never started).
se_u_edge_backup() {
  local dir out
  SE_U_BACKUP=''
  if [ ! -f "$(se_r "$SE_DATA_DIR")/store.db" ]; then
    se_say "  no database in $SE_DATA_DIR yet: nothing to back up"
    return 0
  fi
  dir=$SE_DATA_DIR/backups
  out=$dir/pre-upgrade-$1-to-$2-$(se_u_stamp).db
  se_store_edge backup --out "$(se_r "$out")" >/dev/null || return 1
  SE_U_BACKUP=$out
  se_changed "backed up the database to $out (store-edge $1)"
}

# se_u_prune_backups: the newest SE_U_KEEP_BACKUPS pre-upgrade backups (and their sidecars) stay.
se_u_prune_backups() {
  local dir f
  dir=$(se_r "$SE_DATA_DIR/backups")
  [ -d "$dir" ] || return 0
  # Names end in a UTC stamp, so the name order is the time order within one from-to pair only:
  # order by the file's time instead.
  find "$dir" -maxdepth 1 -type f -name 'pre-upgrade-*.db' -printf '%T@ %p\n' | sort -rn |
    tail -n +$((SE_U_KEEP_BACKUPS + 1)) | cut -d ' ' -f 2- | while IFS= read -r f; do
    rm -f -- "$f" "$f.json"
    se_say "  removed an older pre-upgrade backup ${f#"$SE_ROOT"}"
  done
}

# se_u_prune_releases KEEP: the newest KEEP releases stay, and always current and previous.
se_u_prune_releases() {
  local keep=$1 cur prev v n=0
  cur=$(se_link_target current)
  prev=$(se_link_target previous)
  while IFS= read -r v; do
    [ -n "$v" ] || continue
    n=$((n + 1))
    if [ "$v" = "$cur" ] || [ "$v" = "$prev" ] || [ "$n" -le "$keep" ]; then continue; fi
    rm -rf -- "$(se_r "$SE_RELEASES/$v")"
    se_changed "removed the old release $SE_RELEASES/$v"
  done < <(find "$(se_r "$SE_RELEASES")" -mindepth 1 -maxdepth 1 -type d ! -name '.*' -printf '%T@ %f\n' | sort -rn | cut -d ' ' -f 2-)
}

# se_u_from_release VERSION FUNCTION: FUNCTION run with release VERSION's installer (its templates
# and config helper) and Node.js, so an upgrade writes the new release's units and a rollback the
# old one's; daemon-reload when a unit changed (FUNCTION sets SE_U_UNITS_CHANGED).
se_u_from_release() {
  local lib=$SE_LIB
  SE_LIB=$(se_r "$SE_RELEASES/$1")/installer/lib
  [ -d "$SE_LIB" ] || SE_LIB=$lib
  SE_NODE=$(se_r "$SE_RELEASES/$1")/node/bin/node
  "$2"
  SE_LIB=$lib
  [ "$SE_U_UNITS_CHANGED" = 0 ] || se_units_reload
}

# The store server's units, udev rule and command; the config is kept as it is.
se_u_edge_install() {
  se_edge_install "$(se_edge_config_get storeId store-1)" "$(se_edge_config_get httpPort 8080)" "$(se_edge_config_get mqttPort 1883)" '{}'
  SE_U_UNITS_CHANGED=$SE_EDGE_UNITS_CHANGED
}

# The relay's unit and command; its settings file is kept as it is.
se_u_relay_install() {
  local port
  port=$(sed -n 's/^RELAY_HTTP_PORT=//p' "$(se_r "$SE_RELAY_ENV")" | tail -n 1)
  SE_RELAY_PORT_ASKED=0
  se_relay_install "${port:-8090}"
  SE_U_UNITS_CHANGED=$SE_RELAY_UNIT_CHANGED
}

# se_u_relay_backup FROM TO: the relay's SQLite file copied while the relay is stopped (a stopped
# relay's file is whole; its -wal, if any, goes with it). On PostgreSQL the operator's pg_dump is
# the backup (RELAY.md); SE_U_RELAY_BACKUP is '' then.
se_u_relay_backup() {
  local db out f
  SE_U_RELAY_BACKUP=''
  db=$(se_r "$SE_RELAY_DATA_DIR")/relay.db
  if grep -q '^RELAY_DATABASE_URL=.' "$(se_r "$SE_RELAY_ENV")"; then
    se_say "  the relay keeps its data in PostgreSQL: back it up with pg_dump before upgrading (installer/RELAY.md); rolling back restores the program only"
    return 0
  fi
  [ -f "$db" ] || return 0
  out=$SE_RELAY_DATA_DIR/pre-upgrade-$1-to-$2-$(se_u_stamp).db
  for f in "" -wal; do
    if [ -f "$db$f" ]; then cp -p -- "$db$f" "$(se_r "$out")$f" || return 1; fi
  done
  SE_U_RELAY_BACKUP=$out
  se_changed "copied the relay's database to $out"
}

# se_u_relay_restore: the copy made by se_u_relay_backup back in place (the relay is stopped).
se_u_relay_restore() {
  local db f
  [ -n "$SE_U_RELAY_BACKUP" ] || return 0
  db=$(se_r "$SE_RELAY_DATA_DIR")/relay.db
  mv -f -- "$db" "$db.failed-upgrade-$(se_u_stamp)" 2>/dev/null || true
  rm -f -- "$db-wal" "$db-shm"
  for f in "" -wal; do
    if [ -f "$(se_r "$SE_U_RELAY_BACKUP")$f" ]; then cp -p -- "$(se_r "$SE_U_RELAY_BACKUP")$f" "$db$f" || return 1; fi
  done
  se_changed "put the relay's database back from $SE_U_RELAY_BACKUP"
}
