# shellcheck shell=bash
# shellcheck disable=SC2034 # SE_RELAY_UNIT_CHANGED is read by se_relay_start.
# The cloud relay's part of a headquarters box (install.sh --relay): its user, folders, settings
# file, unit and the cloud-relay command, from the same bundle as the store server. Sourced after
# common.sh, bundle.sh, service.sh and edge.sh (se_ensure_user, se_remove_wrapper).

SE_RELAY_UNIT=cloud-relay.service

# se_relay_env PORT OWNER: /etc/cloud-relay/relay.env, written once with a generated admin token; an
# existing one is never changed.
se_relay_env() {
  local path tmp have
  path=$(se_r "$SE_RELAY_ENV")
  if [ -f "$path" ]; then
    have=$(sed -n 's/^RELAY_HTTP_PORT=//p' "$path")
    if [ -n "$have" ] && [ "$have" != "$1" ] && [ "$SE_RELAY_PORT_ASKED" = 1 ]; then
      se_warn "$SE_RELAY_ENV keeps RELAY_HTTP_PORT=$have (asked $1): an existing settings file is never overwritten; edit it and restart cloud-relay"
    fi
  else
    tmp=$(mktemp)
    SE_CLEANUP+=("$tmp")
    cat >"$tmp" <<ENV
# cloud-relay settings: RELAY_* variables, one KEY=value a line (installer/RELAY.md lists them).
# Written once by install.sh --relay, never overwritten by it. After a change: systemctl restart cloud-relay
RELAY_HOST=0.0.0.0
RELAY_HTTP_PORT=$1
RELAY_DATA_DIR=$SE_RELAY_DATA_DIR
RELAY_ADMIN_TOKEN=$(se_random_token)
RELAY_LOG_LEVEL=info
# Several relays behind a load balancer share one PostgreSQL database (SQLite in RELAY_DATA_DIR otherwise):
#RELAY_DATABASE_URL=postgresql://relay:PASSWORD@db.example.internal:5432/relay?sslmode=verify-full
#RELAY_DATABASE_SCHEMA=public
# HTTPS served by the relay itself, both or neither (or TLS ends at the load balancer):
#RELAY_TLS_CERT_FILE=$SE_RELAY_CONF_DIR/tls/relay.crt
#RELAY_TLS_KEY_FILE=$SE_RELAY_CONF_DIR/tls/relay.key
# The ERP the events go to (none: the relay only stores them):
#RELAY_FORWARD_URL=https://erp.example.internal/api/store-events
#RELAY_ERP=webhook
ENV
    se_install_file "$tmp" "$SE_RELAY_ENV" 0640 "$2"
  fi
  se_fix_attrs "$SE_RELAY_ENV" 0640 "$2"
}

# se_relay_install PORT: everything but the program; SE_RELAY_UNIT_CHANGED=1 when the unit was written.
se_relay_install() {
  local owner_data='' owner_conf=''
  if [ "$SE_SYSTEM" = 1 ]; then
    owner_data=$SE_RELAY_USER:$SE_RELAY_USER
    owner_conf=root:$SE_RELAY_USER
  fi
  se_ensure_user "$SE_RELAY_USER" "$SE_RELAY_DATA_DIR" 'cloud-relay (store events to the ERP)'
  se_ensure_dir "$SE_RELAY_CONF_DIR" 0750 "$owner_conf"
  se_ensure_dir "$SE_RELAY_DATA_DIR" 0750 "$owner_data"
  se_relay_env "$1" "$owner_conf"
  se_install_template "$SE_LIB/../systemd/$SE_RELAY_UNIT" "$SE_UNIT_DIR/$SE_RELAY_UNIT" 0644
  SE_RELAY_UNIT_CHANGED=$SE_TEMPLATE_CHANGED
  se_install_template "$SE_LIB/../wrapper/cloud-relay" "$SE_RELAY_WRAPPER" 0755
}

# se_relay_url: the relay's health URL on this box, from its settings.
se_relay_url() {
  local env port scheme=http
  env=$(se_r "$SE_RELAY_ENV")
  port=$(sed -n 's/^RELAY_HTTP_PORT=//p' "$env" | tail -n 1)
  if grep -q '^RELAY_TLS_CERT_FILE=.' "$env"; then scheme=https; fi
  printf '%s://127.0.0.1:%s/v1/health\n' "$scheme" "${port:-8090}"
}

# se_relay_start NO_START PROGRAM_CHANGED
se_relay_start() {
  [ "$SE_SERVICES" = 1 ] || return 0
  [ "$SE_RELAY_UNIT_CHANGED" = 0 ] || se_units_reload
  se_units_enable "$SE_RELAY_UNIT"
  [ "$1" = 0 ] || return 0
  local restart=0
  if [ "$SE_RELAY_UNIT_CHANGED" = 1 ] || [ "$2" = 1 ]; then restart=1; fi
  se_service_up "$SE_RELAY_UNIT" "$restart"
  se_say "waiting for the relay to report healthy (up to 60 s)..."
  "$SE_NODE" "$SE_LIB/wait-http.mjs" "$(se_relay_url)" 60 ||
    se_die "the relay did not become healthy in 60 s: see journalctl -u cloud-relay -n 100 and $SE_RELAY_ENV"
}

se_relay_summary() {
  se_say "  health:       $(se_relay_url | sed "s/127.0.0.1/$(hostname -f 2>/dev/null || hostname)/")"
  se_say "  admin token:  RELAY_ADMIN_TOKEN in $SE_RELAY_ENV (root and the cloud-relay group can read it)"
  se_say "  a store:      sudo cloud-relay stores add STORE_ID 'Store name'  (prints its token once)"
  if [ "$SE_SERVICES" = 0 ]; then
    se_say "  not started (--root): on the box, systemctl enable --now cloud-relay"
  fi
}

# se_relay_remove: unit and command gone (settings and data stay).
se_relay_remove() {
  local before=$SE_CHANGES
  se_units_down "$SE_RELAY_UNIT"
  se_remove "$SE_UNIT_DIR/$SE_RELAY_UNIT"
  [ "$SE_CHANGES" = "$before" ] || se_units_reload
  se_remove_wrapper "$SE_RELAY_WRAPPER"
}
