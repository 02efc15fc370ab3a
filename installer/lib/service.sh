# shellcheck shell=bash
# Service control and the installed commands. systemctl is "${STORE_EDGE_SYSTEMCTL:-systemctl}", so a
# test (no systemd in a container) can stand in its own; the wrappers run with the folder install's
# paths when --root is not /. Sourced after common.sh.

# The installer's lock (fd 9, se_lock) is closed for it: a stand-in that starts the server in the
# background must not keep holding it.
se_systemctl() {
  "${STORE_EDGE_SYSTEMCTL:-systemctl}" "$@" 9>&-
}

# se_run_wrapper BOX_WRAPPER ARGS...: runs an installed command (store-edge, cloud-relay). Under a
# --root other than / it is told where the prefix, config and data are in that folder.
se_run_wrapper() {
  local wrapper=$1
  shift
  if [ -z "$SE_ROOT" ]; then
    "$wrapper" "$@" 9>&-
  else
    STORE_EDGE_PREFIX=$(se_r "$SE_PREFIX") EDGE_CONFIG=$(se_r "$SE_CONFIG") EDGE_DATA_DIR=$(se_r "$SE_DATA_DIR") \
      CLOUD_RELAY_ENV=$(se_r "$SE_RELAY_ENV") RELAY_DATA_DIR=$(se_r "$SE_RELAY_DATA_DIR") "$(se_r "$wrapper")" "$@" 9>&-
  fi
}

# se_store_edge ARGS...: the installed store-edge command.
se_store_edge() { se_run_wrapper "$SE_WRAPPER" "$@"; }

# se_units_reload: daemon-reload (after unit files changed).
se_units_reload() {
  [ "$SE_SERVICES" = 1 ] || return 0
  se_systemctl daemon-reload || se_die "systemctl daemon-reload failed"
}

# se_units_enable UNIT...: enabled at boot (systemctl enable is a no-op when they are).
se_units_enable() {
  local u
  [ "$SE_SERVICES" = 1 ] || return 0
  for u in "$@"; do se_systemctl enable "$u" >/dev/null 2>&1 || se_die "systemctl enable $u failed"; done
}

# se_service_up UNIT RESTART: started when not running; restarted when RESTART=1 (its unit or
# program changed) and it was running.
se_service_up() {
  local unit=$1 restart=$2
  [ "$SE_SERVICES" = 1 ] || return 0
  if se_systemctl is-active "$unit" >/dev/null 2>&1; then
    if [ "$restart" = 1 ]; then
      se_systemctl restart "$unit" || se_die "systemctl restart $unit failed: see journalctl -u $unit -n 100"
      se_changed "restarted $unit"
    fi
  else
    se_systemctl start "$unit" || se_die "systemctl start $unit failed: see journalctl -u $unit -n 100"
    se_changed "started $unit"
  fi
}

# se_units_down UNIT...: stopped and disabled, those whose unit file is installed.
se_units_down() {
  local u
  [ "$SE_SERVICES" = 1 ] || return 0
  for u in "$@"; do
    [ -e "$(se_r "$SE_UNIT_DIR/$u")" ] || continue
    if se_systemctl is-active "$u" >/dev/null 2>&1; then
      se_systemctl stop "$u" || se_warn "systemctl stop $u failed"
      se_changed "stopped $u"
    fi
    se_systemctl disable "$u" >/dev/null 2>&1 || se_warn "systemctl disable $u failed"
  done
}

# se_store_edge_health SECONDS: the server answers healthy within SECONDS (store-edge health).
se_store_edge_health() {
  se_say "waiting for store-edge to report healthy (up to $1 s)..."
  se_store_edge health --wait "$1" ||
    se_die "store-edge did not become healthy in $1 s: see journalctl -u store-edge -n 100 and $SE_CONFIG"
}
