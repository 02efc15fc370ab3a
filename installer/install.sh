#!/usr/bin/env bash
# Installs store-edge on a Debian 12 / Ubuntu 22.04+ box from an offline bundle (npm run bundle):
# the program in PREFIX/releases/<version> with PREFIX/current pointing at it, the store-edge user,
# /etc/store-edge/config.json with a generated admin token, /var/lib/store-edge, the systemd units and
# the udev rule for serial scanners; then starts the server and waits until it reports healthy.
# With --relay it installs the cloud relay instead (see RELAY.md). Safe to run twice: a rerun with the
# same bundle changes nothing and says so; a different version is upgrade.sh's job. Exit status: 0
# done, 1 a check or step failed, 2 a bad argument, 3 another version is installed.
set -euo pipefail
umask 022

SE_PROG=install.sh
SE_LIB=$(cd "$(dirname "${BASH_SOURCE[0]}")/lib" && pwd)
SE_USAGE='usage: install.sh --bundle FILE.tar.gz [options]

  --bundle FILE      the offline bundle, store-edge-<version>-linux-<arch>.tar.gz
  --store-id ID      this store'"'"'s id (default: the host name); 1-64 letters, digits, _ or -
  --http-port N      the panel and API port (default 8080)
  --mqtt-port N      the devices'"'"' MQTT port (default 1883)
  --relay            install the cloud relay (headquarters) instead of the store server
  --relay-port N     the relay'"'"'s port (default 8090)
  --prefix DIR       where the program goes (default /opt/store-edge)
  --root DIR         install into DIR as if it were / (a test, or an image being built): no users,
                     ownership, udev reload or systemctl (unless STORE_EDGE_SYSTEMCTL is set)
  --no-start         install and enable the units, do not start them now
  --skip-os-check    go on on a system other than Debian 12+ / Ubuntu 22.04+
  -h, --help         this text

An existing config is never overwritten: --store-id and the ports only shape a new one.'

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

se_port_arg() {
  if [[ ! $2 =~ ^[0-9]{1,5}$ ]] || [ "$2" -lt 1 ] || [ "$2" -gt 65535 ]; then
    se_usage_error "$1 must be a port number 1-65535, got '$2'"
  fi
}

bundle='' root='' prefix=/opt/store-edge store_id='' http_port='' mqtt_port='' relay=0 relay_port=''
no_start=0 skip_os=0
while [ $# -gt 0 ]; do
  case $1 in
    --bundle) se_need_value "$1" "${2:-}"; bundle=$2; shift 2 ;;
    --root) se_need_value "$1" "${2:-}"; root=$2; shift 2 ;;
    --prefix) se_need_value "$1" "${2:-}"; prefix=$2; shift 2 ;;
    --store-id) se_need_value "$1" "${2:-}"; store_id=$2; shift 2 ;;
    --http-port) se_need_value "$1" "${2:-}"; se_port_arg "$1" "$2"; http_port=$2; shift 2 ;;
    --mqtt-port) se_need_value "$1" "${2:-}"; se_port_arg "$1" "$2"; mqtt_port=$2; shift 2 ;;
    --relay-port) se_need_value "$1" "${2:-}"; se_port_arg "$1" "$2"; relay_port=$2; shift 2 ;;
    --relay) relay=1; shift ;;
    --no-start) no_start=1; shift ;;
    --skip-os-check) skip_os=1; shift ;;
    -h | --help) se_say "$SE_USAGE"; exit 0 ;;
    *) se_usage_error "unknown argument '$1'" ;;
  esac
done
[ -n "$bundle" ] || se_usage_error '--bundle FILE is required'
if [ -n "$store_id" ] && [[ ! $store_id =~ ^[A-Za-z0-9_-]{1,64}$ ]]; then
  se_usage_error "--store-id must be 1-64 letters, digits, _ or -, got '$store_id'"
fi
if [ "$relay" = 1 ] && { [ -n "$store_id" ] || [ -n "$http_port" ] || [ -n "$mqtt_port" ]; }; then
  se_usage_error '--store-id, --http-port and --mqtt-port are for the store server, not --relay'
fi
if [ "$relay" = 0 ] && [ -n "$relay_port" ]; then se_usage_error '--relay-port goes with --relay'; fi
case $bundle in /*) ;; *) bundle=$PWD/$bundle ;; esac

se_init_paths "$root" "$prefix"
[ -n "$SE_ROOT" ] || se_require_root
[ "$skip_os" = 1 ] || se_check_os
se_bundle_read "$bundle"
se_bundle_check_machine "$bundle"

se_lock
what='store-edge'
[ "$relay" = 0 ] || what='the cloud relay'
installed=$(se_link_target current)
if [ -n "$installed" ] && [ "$installed" != "$SE_B_VERSION" ]; then
  if se_version_ge "$SE_B_VERSION" "$installed"; then
    se_die "store-edge $installed is installed in $SE_PREFIX; this bundle is $SE_B_VERSION: upgrade with
  $(dirname "$SE_LIB")/upgrade.sh --bundle $bundle" 3
  fi
  se_die "store-edge $installed is installed in $SE_PREFIX, newer than this bundle ($SE_B_VERSION): install.sh does not go back (upgrade.sh rolls back a failed upgrade)" 3
fi

se_say "installing $what $SE_B_VERSION ($SE_B_PLATFORM-$SE_B_ARCH, schema $SE_B_SCHEMA, commit ${SE_B_COMMIT:-unknown}) into ${SE_ROOT:-/}"
if [ "$SE_SYSTEM" = 0 ]; then
  se_say "  into a folder (--root $SE_ROOT): no users, ownership or udev reload$([ "$SE_SERVICES" = 1 ] || printf ', no systemctl')"
fi

se_release_install "$bundle"
SE_NODE=$(se_r "$SE_RELEASES/$SE_B_VERSION")/node/bin/node
program_changed=0
[ "$installed" = "$SE_B_VERSION" ] || program_changed=1
se_switch_link current "$SE_B_VERSION"

if [ "$relay" = 1 ]; then
  SE_RELAY_PORT_ASKED=0
  [ -z "$relay_port" ] || SE_RELAY_PORT_ASKED=1
  se_relay_install "${relay_port:-8090}"
  se_relay_start "$no_start" "$program_changed"
else
  # What was asked on the command line: an existing config that keeps other values gets a warning.
  asked=()
  [ -z "$store_id" ] || asked+=("\"storeId\":\"$store_id\"")
  [ -z "$http_port" ] || asked+=("\"httpPort\":$http_port")
  [ -z "$mqtt_port" ] || asked+=("\"mqttPort\":$mqtt_port")
  se_edge_install "${store_id:-$(se_default_store_id)}" "${http_port:-8080}" "${mqtt_port:-1883}" "{$(IFS=,; printf '%s' "${asked[*]}")}"
  se_edge_start "$no_start" "$program_changed"
fi

if [ "$SE_CHANGES" = 0 ]; then
  se_say "$what $SE_B_VERSION is already installed as this bundle has it: nothing changed"
else
  se_say "$what $SE_B_VERSION installed ($SE_CHANGES changes)"
fi
if [ "$relay" = 1 ]; then
  se_relay_summary
else
  port=$(se_edge_config_get httpPort 8080)
  host=$(hostname -I 2>/dev/null | awk '{ print $1 }')
  se_say "  panel:        http://${host:-$(hostname)}:$port/panel/"
  se_say "  admin token:  adminToken in $SE_CONFIG (root and the store-edge group can read it)"
  se_say "  first manager account:  sudo store-edge accounts add NAME --role manager"
  if [ "$SE_SERVICES" = 0 ]; then
    se_say "  not started (--root): on the box, systemctl enable --now store-edge store-edge-backup.timer"
  elif [ "$no_start" = 1 ]; then
    se_say "  not started (--no-start): systemctl start store-edge store-edge-backup.timer"
  fi
fi
