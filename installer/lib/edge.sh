# shellcheck shell=bash
# shellcheck disable=SC2034 # SE_STOP_TIMEOUT_S is read by se_render (common.sh).
# The store server's part of the box: its user, folders, config, systemd units, udev rule and the
# store-edge command. Sourced after common.sh, bundle.sh and service.sh; SE_LIB is this folder.

SE_EDGE_UNITS=(store-edge.service store-edge-backup.service store-edge-backup.timer)

# se_ensure_user NAME HOME COMMENT [SUPPLEMENTARY_GROUP]: a system user with its own group and no
# login shell. Only on this machine itself (not under --root).
se_ensure_user() {
  local name=$1 home=$2 comment=$3 extra=${4:-}
  [ "$SE_SYSTEM" = 1 ] || return 0
  if ! getent group "$name" >/dev/null; then
    groupadd --system "$name"
    se_changed "created group $name"
  fi
  if [ -n "$extra" ] && ! getent group "$extra" >/dev/null; then
    groupadd --system "$extra"
    se_changed "created group $extra"
  fi
  if ! getent passwd "$name" >/dev/null; then
    useradd --system --gid "$name" ${extra:+--groups "$extra"} --home-dir "$home" --no-create-home \
      --shell /usr/sbin/nologin --comment "$comment" "$name"
    se_changed "created system user $name${extra:+ (in $extra)}"
  elif [ -n "$extra" ] && ! id -nG "$name" | tr ' ' '\n' | grep -qx "$extra"; then
    usermod -a -G "$extra" "$name"
    se_changed "added $name to group $extra"
  fi
}

# se_edge_config STORE_ID HTTP_PORT MQTT_PORT ASKED_JSON: /etc/store-edge/config.json, created once
# with a generated adminToken; an existing one keeps every value (keys it lacks are added).
se_edge_config() {
  local defaults out
  defaults=$(printf '{"storeId":"%s","host":"0.0.0.0","httpPort":%s,"mqttPort":%s,"dataDir":"%s","logLevel":"info"}' \
    "$1" "$2" "$3" "$SE_DATA_DIR")
  out=$("$SE_NODE" "$SE_LIB/config.mjs" ensure "$(se_r "$SE_CONFIG")" "$defaults" "$4") || se_die "the config $SE_CONFIG could not be prepared"
  if [ -n "$out" ]; then se_changed "${out//"$SE_ROOT"/}"; fi
  # A new file gets its group at once (part of "created", not a change of its own).
  if [[ $out == created* ]] && [ "$SE_SYSTEM" = 1 ]; then chown "root:$SE_USER" "$SE_CONFIG"; fi
  se_fix_attrs "$SE_CONFIG" 0640 "root:$SE_USER"
}

# se_edge_config_get KEY DEFAULT: a value of the installed config.
se_edge_config_get() {
  "$SE_NODE" "$SE_LIB/config.mjs" get "$(se_r "$SE_CONFIG")" "$1" "$2"
}

# se_default_store_id: this machine's short host name, cut to what storeId allows.
se_default_store_id() {
  local name=''
  if [ -n "$SE_ROOT" ] && [ -f "$(se_r /etc/hostname)" ]; then name=$(head -n 1 "$(se_r /etc/hostname)"); fi
  [ -n "$name" ] || name=$(hostname -s 2>/dev/null || hostname)
  name=$(printf '%s' "${name%%.*}" | tr -c 'A-Za-z0-9_-' '-' | cut -c 1-64)
  printf '%s\n' "${name:-store-1}"
}

# se_edge_install STORE_ID HTTP_PORT MQTT_PORT ASKED_JSON: everything but the program; sets
# SE_EDGE_UNITS_CHANGED=1 when a unit file was written.
se_edge_install() {
  local owner_data='' owner_conf='' before t
  if [ "$SE_SYSTEM" = 1 ]; then
    owner_data=$SE_USER:$SE_USER
    owner_conf=root:$SE_USER
  fi
  se_ensure_user "$SE_USER" "$SE_DATA_DIR" 'store-edge store server' dialout
  se_ensure_dir "$SE_CONF_DIR" 0750 "$owner_conf"
  se_ensure_dir "$SE_DATA_DIR" 0750 "$owner_data"
  se_ensure_dir "$SE_DATA_DIR/backups" 0750 "$owner_data"
  se_edge_config "$1" "$2" "$3" "$4"
  # systemd's stop timeout follows the server's drain time (shutdownTimeoutMs) plus 5 s to exit.
  t=$(se_edge_config_get shutdownTimeoutMs 10000)
  [[ $t =~ ^[0-9]+$ ]] || se_die "$SE_CONFIG: shutdownTimeoutMs is not a number of milliseconds"
  SE_STOP_TIMEOUT_S=$(((t + 999) / 1000 + 5))
  SE_EDGE_UNITS_CHANGED=0
  for t in "${SE_EDGE_UNITS[@]}"; do
    se_install_template "$SE_LIB/../systemd/$t" "$SE_UNIT_DIR/$t" 0644
    [ "$SE_TEMPLATE_CHANGED" = 0 ] || SE_EDGE_UNITS_CHANGED=1
  done
  before=$SE_CHANGES
  se_install_file "$SE_LIB/../udev/70-store-edge-serial.rules" "$SE_UDEV_RULE" 0644
  if [ "$SE_CHANGES" != "$before" ] && [ "$SE_SYSTEM" = 1 ] && command -v udevadm >/dev/null; then
    # Serial scanners already plugged in get their names and group now, not at the next plug.
    if ! { udevadm control --reload-rules && udevadm trigger --subsystem-match=tty; }; then
      se_warn "udevadm could not reload the rules: replug the scanners or reboot"
    fi
  fi
  se_install_template "$SE_LIB/../wrapper/store-edge" "$SE_WRAPPER" 0755
}

# se_edge_start NO_START PROGRAM_CHANGED: units loaded and enabled; unless NO_START, the server
# started (restarted if its unit or program changed) and healthy.
se_edge_start() {
  [ "$SE_SERVICES" = 1 ] || return 0
  [ "$SE_EDGE_UNITS_CHANGED" = 0 ] || se_units_reload
  se_units_enable store-edge.service store-edge-backup.timer
  [ "$1" = 0 ] || return 0
  local restart=0
  if [ "$SE_EDGE_UNITS_CHANGED" = 1 ] || [ "$2" = 1 ]; then restart=1; fi
  se_service_up store-edge.service "$restart"
  se_service_up store-edge-backup.timer 0
  se_store_edge_health 60
}

# se_edge_remove: units, udev rule and command gone (config and data stay).
se_edge_remove() {
  local u removed=0 before
  se_units_down "${SE_EDGE_UNITS[@]}"
  for u in "${SE_EDGE_UNITS[@]}"; do
    before=$SE_CHANGES
    se_remove "$SE_UNIT_DIR/$u"
    [ "$SE_CHANGES" = "$before" ] || removed=1
  done
  [ "$removed" = 0 ] || se_units_reload
  before=$SE_CHANGES
  se_remove "$SE_UDEV_RULE"
  if [ "$SE_CHANGES" != "$before" ] && [ "$SE_SYSTEM" = 1 ] && command -v udevadm >/dev/null; then
    udevadm control --reload-rules || se_warn "udevadm could not reload the rules"
  fi
  se_remove_wrapper "$SE_WRAPPER"
}

# se_remove_wrapper BOX_PATH: removes an installed command if it is ours (it says so on line 2).
se_remove_wrapper() {
  local path
  path=$(se_r "$1")
  [ -e "$path" ] || return 0
  if sed -n 2p "$path" | grep -q 'installed by store-edge install.sh'; then
    se_remove "$1"
  else
    se_warn "$1 was not installed by store-edge: left as it is"
  fi
}
