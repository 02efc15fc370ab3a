# shellcheck shell=bash
# shellcheck disable=SC2034 # the paths and flags set here are read by the scripts that source this file.
# Shared by install.sh, uninstall.sh and upgrade.sh: messages, the paths of an install under
# --root/--prefix, checks of the machine, and file updates that only write what differs and count
# it, so a rerun can say it changed nothing. Sourced; the caller sets SE_PROG and SE_USAGE.

SE_USER=store-edge
SE_RELAY_USER=cloud-relay
# A change counter: every step that alters the box calls se_changed.
SE_CHANGES=0
# Temporary files and folders removed on exit, whatever happens.
SE_CLEANUP=()

se_say() { printf '%s\n' "$*"; }
se_warn() { printf '%s: warning: %s\n' "$SE_PROG" "$*" >&2; }
# se_die MESSAGE [STATUS]. Statuses: 1 a check or step failed, 2 usage, 3 another version (or build)
# is installed: upgrade.sh's job.
se_die() {
  printf '%s: error: %s\n' "$SE_PROG" "$1" >&2
  exit "${2:-1}"
}
se_usage_error() {
  printf '%s: %s\n\n%s\n' "$SE_PROG" "$1" "$SE_USAGE" >&2
  exit 2
}
se_changed() {
  SE_CHANGES=$((SE_CHANGES + 1))
  se_say "  $*"
}

se_cleanup() {
  local p
  for p in "${SE_CLEANUP[@]}"; do rm -rf -- "$p"; done
}
trap se_cleanup EXIT

# se_need_value OPTION VALUE: an option's value is there and is not the next option.
se_need_value() {
  if [ -z "${2:-}" ] || [ "${2#--}" != "$2" ]; then se_usage_error "$1 needs a value"; fi
}

# se_init_paths ROOT PREFIX: SE_ROOT ('' for /) and the box's paths (as the box sees them; se_r
# puts one under the root). SE_SYSTEM=1 when installing onto this machine itself (users, ownership,
# udev); SE_SERVICES=1 when systemctl is called (the real root, or STORE_EDGE_SYSTEMCTL set).
se_init_paths() {
  local root=$1 prefix=$2
  case $prefix in
    /*) ;;
    *) se_usage_error "--prefix must be an absolute path, got '$prefix'" ;;
  esac
  # Paths go into unit files and sed replacements: plain characters only.
  [[ $prefix =~ ^/[A-Za-z0-9._/-]+$ ]] || se_usage_error "--prefix may hold letters, digits and . _ - / only, got '$prefix'"
  prefix=${prefix%/}
  case $prefix in
    / | /bin | /boot | /dev | /etc | /home | /lib | /opt | /proc | /root | /run | /sbin | /srv | /sys | /tmp | /usr | /usr/local | /var)
      se_usage_error "--prefix $prefix is a system folder; give a folder of its own such as /opt/store-edge" ;;
  esac
  if [ -z "$root" ] || [ "$root" = / ]; then
    SE_ROOT=''
  else
    case $root in
      /*) ;;
      *) root=$PWD/$root ;;
    esac
    SE_ROOT=${root%/}
  fi
  SE_PREFIX=$prefix
  SE_RELEASES=$SE_PREFIX/releases
  SE_CONF_DIR=/etc/store-edge
  SE_CONFIG=$SE_CONF_DIR/config.json
  SE_DATA_DIR=/var/lib/store-edge
  SE_UNIT_DIR=/etc/systemd/system
  SE_UDEV_RULE=/etc/udev/rules.d/70-store-edge-serial.rules
  SE_WRAPPER=/usr/local/bin/store-edge
  SE_RELAY_CONF_DIR=/etc/cloud-relay
  SE_RELAY_ENV=$SE_RELAY_CONF_DIR/relay.env
  SE_RELAY_DATA_DIR=/var/lib/cloud-relay
  SE_RELAY_WRAPPER=/usr/local/bin/cloud-relay
  if [ -z "$SE_ROOT" ]; then SE_SYSTEM=1; else SE_SYSTEM=0; fi
  if [ "$SE_SYSTEM" = 1 ] || [ -n "${STORE_EDGE_SYSTEMCTL:-}" ]; then SE_SERVICES=1; else SE_SERVICES=0; fi
}

# se_lock: one installer script at a time on a root (install, upgrade, uninstall); held until exit.
se_lock() {
  local dir
  dir=$(se_r /run/lock)
  mkdir -p "$dir"
  exec 9>>"$dir/store-edge-installer.lock"
  flock -n 9 || se_die "another install.sh, upgrade.sh or uninstall.sh is running on ${SE_ROOT:-/} (lock $dir/store-edge-installer.lock)"
}

# se_r PATH: the box path PATH under the root.
se_r() { printf '%s%s' "$SE_ROOT" "$1"; }

se_require_root() {
  [ "$(id -u)" -eq 0 ] || se_die "run as root (sudo $SE_PROG ...), or with --root DIR to install into a folder"
}

# Node.js names for this machine's architecture, as bundles are named.
se_host_arch() {
  local m
  m=$(uname -m)
  case $m in
    x86_64 | amd64) echo x64 ;;
    aarch64 | arm64) echo arm64 ;;
    armv7l | armv6l) echo arm ;;
    *) echo "$m" ;;
  esac
}

# se_version_ge A B: A >= B in version order.
se_version_ge() {
  [ "$(printf '%s\n%s\n' "$1" "$2" | sort -V | head -n 1)" = "$2" ]
}

# se_check_os: Debian 12+ or Ubuntu 22.04+, read from the root's os-release (this machine's when the
# root has none).
se_check_os() {
  local file id version
  file=$(se_r /etc/os-release)
  [ -f "$file" ] || file=/etc/os-release
  [ -f "$file" ] || se_die "cannot tell the operating system (no /etc/os-release); --skip-os-check to go on anyway"
  id=$(sed -n 's/^ID=//p' "$file" | tr -d '"')
  version=$(sed -n 's/^VERSION_ID=//p' "$file" | tr -d '"')
  case $id in
    debian) se_version_ge "${version:-0}" 12 && return 0 ;;
    ubuntu) se_version_ge "${version:-0}" 22.04 && return 0 ;;
  esac
  se_die "this is ${id:-unknown} ${version:-?} ($file); store-edge supports Debian 12+ and Ubuntu 22.04+ (--skip-os-check to go on anyway)"
}

# se_check_space BOX_PATH BYTES: the file system that will hold BOX_PATH has BYTES free, and 256 MiB
# to spare (logs, the database's first days).
se_check_space() {
  local dir need_k avail_k
  dir=$(se_r "$1")
  while [ ! -d "$dir" ]; do dir=$(dirname "$dir"); done
  need_k=$((($2 + 1023) / 1024 + 256 * 1024))
  avail_k=$(df -Pk "$dir" | awk 'NR == 2 { print $4 }')
  [ "${avail_k:-0}" -ge "$need_k" ] || se_die "not enough disk space on $dir: $((avail_k / 1024)) MiB free, $((need_k / 1024)) MiB needed"
}

# se_mode_of MODE: the form stat prints (0640 -> 640).
se_mode_of() { printf '%o' "$((8#$1))"; }

# se_fix_attrs BOX_PATH MODE [OWNER:GROUP]: mode, and ownership on this machine, as asked.
se_fix_attrs() {
  local path mode=$2 owner=${3:-}
  path=$(se_r "$1")
  if [ "$(stat -c %a "$path")" != "$(se_mode_of "$mode")" ]; then
    chmod "$mode" "$path"
    se_changed "mode $mode on $1"
  fi
  if [ -n "$owner" ] && [ "$SE_SYSTEM" = 1 ] && [ "$(stat -c %U:%G "$path")" != "$owner" ]; then
    chown "$owner" "$path"
    se_changed "owner $owner on $1"
  fi
}

# se_ensure_dir BOX_PATH MODE [OWNER:GROUP]
se_ensure_dir() {
  local path
  path=$(se_r "$1")
  if [ ! -d "$path" ]; then
    mkdir -p "$path"
    chmod "$2" "$path"
    if [ -n "${3:-}" ] && [ "$SE_SYSTEM" = 1 ]; then chown "$3" "$path"; fi
    se_changed "created $1 ($2${3:+ $3})"
  fi
  se_fix_attrs "$1" "$2" "${3:-}"
}

# se_install_file SRC BOX_PATH MODE [OWNER:GROUP]: BOX_PATH gets SRC's content (written only when it
# differs, atomically: a temporary file beside it renamed over it), mode and owner.
se_install_file() {
  local src=$1 dest=$2 mode=$3 owner=${4:-} path tmp verb=updated
  path=$(se_r "$dest")
  if [ -f "$path" ] && cmp -s "$src" "$path"; then
    se_fix_attrs "$dest" "$mode" "$owner"
    return 0
  fi
  [ -e "$path" ] || verb=created
  mkdir -p "$(dirname "$path")"
  tmp=$(mktemp "$path.XXXXXX")
  SE_CLEANUP+=("$tmp")
  cat "$src" >"$tmp"
  chmod "$mode" "$tmp"
  if [ -n "$owner" ] && [ "$SE_SYSTEM" = 1 ]; then chown "$owner" "$tmp"; fi
  mv -f "$tmp" "$path"
  se_changed "$verb $dest"
}

# se_remove BOX_PATH: removes a file or symlink if there.
se_remove() {
  local path
  path=$(se_r "$1")
  if [ -e "$path" ] || [ -L "$path" ]; then
    rm -f -- "$path"
    se_changed "removed $1"
  fi
}

# se_render TEMPLATE: the template with @PREFIX@, @CONF_DIR@, @CONFIG@, @DATA_DIR@, @USER@,
# @RELAY_*@ and @STOP_TIMEOUT_S@ filled in; fails on a placeholder left over.
se_render() {
  local out
  out=$(sed -e "s|@PREFIX@|$SE_PREFIX|g" -e "s|@CONF_DIR@|$SE_CONF_DIR|g" -e "s|@CONFIG@|$SE_CONFIG|g" \
    -e "s|@DATA_DIR@|$SE_DATA_DIR|g" -e "s|@USER@|$SE_USER|g" -e "s|@STOP_TIMEOUT_S@|${SE_STOP_TIMEOUT_S:-15}|g" \
    -e "s|@RELAY_USER@|$SE_RELAY_USER|g" -e "s|@RELAY_CONF_DIR@|$SE_RELAY_CONF_DIR|g" \
    -e "s|@RELAY_ENV@|$SE_RELAY_ENV|g" -e "s|@RELAY_DATA_DIR@|$SE_RELAY_DATA_DIR|g" "$1")
  if printf '%s\n' "$out" | grep -q '@[A-Z_]*@'; then se_die "template $1 has a placeholder the installer does not fill"; fi
  printf '%s\n' "$out"
}

# se_install_template TEMPLATE BOX_PATH MODE: renders and installs; SE_TEMPLATE_CHANGED=1 when it
# wrote something.
se_install_template() {
  local tmp before=$SE_CHANGES
  tmp=$(mktemp)
  SE_CLEANUP+=("$tmp")
  se_render "$1" >"$tmp"
  se_install_file "$tmp" "$2" "$3"
  if [ "$SE_CHANGES" != "$before" ]; then SE_TEMPLATE_CHANGED=1; else SE_TEMPLATE_CHANGED=0; fi
}

# se_random_token: 64 hex characters from the kernel's random source.
se_random_token() {
  od -An -N32 -tx1 /dev/urandom | tr -d ' \n'
}
