#!/usr/bin/env bash
# Removes store-edge (and the cloud relay, if installed) from the box: stops and disables the units,
# removes them, the udev rule, the commands and the program folder. The store's data and config
# (/var/lib/store-edge, /etc/store-edge; the relay's /var/lib/cloud-relay, /etc/cloud-relay) stay
# unless --purge, which also removes the system users. Safe to run twice. Exit status: 0 done, 1 a
# step failed, 2 a bad argument (or --purge without a confirmation).
set -euo pipefail
umask 022

SE_PROG=uninstall.sh
SE_LIB=$(cd "$(dirname "${BASH_SOURCE[0]}")/lib" && pwd)
SE_USAGE='usage: uninstall.sh [--purge [--yes]] [--prefix DIR] [--root DIR]

  --purge        also delete the data (database, backups), the config (admin token) and the
                 system users; asks first, unless --yes
  --yes          confirms --purge without asking (needed when not run from a terminal)
  --prefix DIR   where the program is (default /opt/store-edge)
  --root DIR     uninstall from DIR as if it were / (see install.sh --root)
  -h, --help     this text'

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

root='' prefix=/opt/store-edge purge=0 yes=0
while [ $# -gt 0 ]; do
  case $1 in
    --root) se_need_value "$1" "${2:-}"; root=$2; shift 2 ;;
    --prefix) se_need_value "$1" "${2:-}"; prefix=$2; shift 2 ;;
    --purge) purge=1; shift ;;
    --yes) yes=1; shift ;;
    -h | --help) se_say "$SE_USAGE"; exit 0 ;;
    *) se_usage_error "unknown argument '$1'" ;;
  esac
done
[ "$yes" = 0 ] || [ "$purge" = 1 ] || se_usage_error '--yes only confirms --purge'

se_init_paths "$root" "$prefix"
[ -n "$SE_ROOT" ] || se_require_root

se_lock
data_paths=("$SE_DATA_DIR" "$SE_CONF_DIR" "$SE_RELAY_DATA_DIR" "$SE_RELAY_CONF_DIR")
if [ "$purge" = 1 ] && [ "$yes" = 0 ]; then
  present=()
  for p in "${data_paths[@]}"; do [ ! -e "$(se_r "$p")" ] || present+=("$p"); done
  if [ "${#present[@]}" -gt 0 ]; then
    [ -t 0 ] || se_die "--purge deletes the store's database, backups and config (${present[*]}): add --yes to confirm when not run from a terminal" 2
    printf '%s' "--purge deletes ${present[*]} for good: the store's database, its backups and its config. Type purge to go on: "
    read -r answer
    [ "$answer" = purge ] || se_die 'not confirmed: nothing removed' 2
  fi
fi

se_say "removing store-edge from ${SE_ROOT:-/}"
if [ "$SE_SYSTEM" = 0 ]; then
  se_say "  from a folder (--root $SE_ROOT): no users or udev reload$([ "$SE_SERVICES" = 1 ] || printf ', no systemctl')"
fi
se_edge_remove
se_relay_remove

# The program folder: only one that looks like ours (releases/ or current) is removed whole.
program=$(se_r "$SE_PREFIX")
if [ -d "$program/releases" ] || [ -L "$program/current" ]; then
  rm -rf -- "$program"
  se_changed "removed $SE_PREFIX"
elif [ -e "$program" ]; then
  se_warn "$SE_PREFIX holds no store-edge releases: left as it is"
fi

if [ "$purge" = 1 ]; then
  for p in "${data_paths[@]}"; do
    if [ -e "$(se_r "$p")" ]; then
      rm -rf -- "$(se_r "$p")"
      se_changed "deleted $p"
    fi
  done
  if [ "$SE_SYSTEM" = 1 ]; then
    for u in "$SE_USER" "$SE_RELAY_USER"; do
      if getent passwd "$u" >/dev/null; then
        userdel "$u"
        se_changed "removed system user $u"
      fi
      if getent group "$u" >/dev/null; then
        groupdel "$u"
        se_changed "removed group $u"
      fi
    done
  fi
else
  kept=()
  for p in "${data_paths[@]}"; do [ ! -e "$(se_r "$p")" ] || kept+=("$p"); done
  if [ "${#kept[@]}" -gt 0 ]; then
    se_say "kept the data and config: ${kept[*]}"
    se_say "  (a reinstall picks them up again; uninstall.sh --purge deletes them)"
  fi
fi

if [ "$SE_CHANGES" = 0 ]; then
  se_say 'store-edge is not installed here: nothing to remove'
else
  se_say "store-edge removed ($SE_CHANGES changes)"
fi
