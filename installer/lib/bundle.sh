# shellcheck shell=bash
# shellcheck disable=SC2034 # the SE_B_* values are read by the scripts that source this file.
# Bundles and releases: read a bundle's BUNDLE.json without unpacking it, unpack it into
# PREFIX/releases/<version> verified file by file against its SHA256SUMS, and switch the current
# (or previous) symlink atomically. Sourced after common.sh.

# se_meta_str KEY / se_meta_num KEY: a top-level value of the BUNDLE.json text in SE_B_META (the
# bundle writes every scalar on its own line, indented two spaces).
se_meta_str() { printf '%s\n' "$SE_B_META" | sed -n "s/^  \"$1\": \"\\([^\"]*\\)\",\\{0,1\\}\$/\\1/p"; }
se_meta_num() { printf '%s\n' "$SE_B_META" | sed -n "s/^  \"$1\": \\([0-9a-z]*\\),\\{0,1\\}\$/\\1/p"; }

# se_bundle_read FILE: SE_B_META (BUNDLE.json's text) and SE_B_VERSION, SE_B_ARCH, SE_B_PLATFORM,
# SE_B_NODE, SE_B_NODE_ABI, SE_B_COMMIT, SE_B_BUILT_AT, SE_B_SCHEMA, SE_B_BYTES, SE_B_TOP.
# BUNDLE.json is the archive's first member, so this reads a few kilobytes, not the archive.
se_bundle_read() {
  local file=$1
  [ -f "$file" ] || se_die "bundle $file: no such file"
  [ -r "$file" ] || se_die "bundle $file: cannot read it"
  SE_B_META=$(tar -xzOf "$file" --wildcards --occurrence=1 '*/BUNDLE.json' 2>/dev/null) ||
    se_die "bundle $file is not a store-edge bundle (a .tar.gz with BUNDLE.json); build one with npm run bundle"
  [ "$(se_meta_str name)" = store-edge ] || se_die "bundle $file is not a store-edge bundle (its BUNDLE.json names '$(se_meta_str name)')"
  SE_B_VERSION=$(se_meta_str version)
  SE_B_ARCH=$(se_meta_str arch)
  SE_B_PLATFORM=$(se_meta_str platform)
  SE_B_NODE=$(se_meta_str node)
  SE_B_NODE_ABI=$(se_meta_str nodeAbi)
  SE_B_COMMIT=$(se_meta_str gitCommit)
  SE_B_BUILT_AT=$(se_meta_str builtAt)
  SE_B_SCHEMA=$(se_meta_num schemaVersion)
  SE_B_BYTES=$(se_meta_num unpackedBytes)
  # The version names a folder: plain characters only.
  [[ $SE_B_VERSION =~ ^[0-9A-Za-z][0-9A-Za-z.+_-]*$ ]] || se_die "bundle $file has an unusable version '$SE_B_VERSION'"
  [ -n "$SE_B_BYTES" ] || se_die "bundle $file: BUNDLE.json lacks unpackedBytes"
  SE_B_TOP=store-edge-$SE_B_VERSION
}

# se_bundle_check_machine FILE: the bundle was built for this platform and architecture.
se_bundle_check_machine() {
  local arch
  arch=$(se_host_arch)
  [ "$SE_B_PLATFORM" = linux ] || se_die "bundle $1 is for $SE_B_PLATFORM, this machine runs linux"
  [ "$SE_B_ARCH" = "$arch" ] ||
    se_die "bundle $1 is for $SE_B_PLATFORM-$SE_B_ARCH, this machine is linux-$arch ($(uname -m)): build the bundle on a $arch machine (npm run bundle)"
}

# se_release_verify DIR: SHA256SUMS is the one BUNDLE.json names and every file matches it.
se_release_verify() {
  local dir=$1 want got bad
  if [ ! -f "$dir/BUNDLE.json" ] || [ ! -f "$dir/SHA256SUMS" ]; then
    se_warn "$dir lacks BUNDLE.json or SHA256SUMS"
    return 1
  fi
  want=$(sed -n 's/^  "sha256sums": "\([0-9a-f]*\)",\{0,1\}$/\1/p' "$dir/BUNDLE.json")
  got=$(sha256sum <"$dir/SHA256SUMS" | cut -d ' ' -f 1)
  if [ -z "$want" ] || [ "$want" != "$got" ]; then
    se_warn "$dir/SHA256SUMS is not the one its BUNDLE.json names"
    return 1
  fi
  if ! bad=$(cd "$dir" && sha256sum --quiet --strict -c SHA256SUMS 2>&1); then
    se_warn "files of $dir differ from the bundle: $(printf '%s\n' "$bad" | head -n 5 | tr '\n' ' ')"
    return 1
  fi
}

# se_release_node DIR: a bundle built with --no-node gets node/bin/node pointing at this machine's
# Node.js, which must have the bundle's module ABI (its native addons were built for it).
se_release_node() {
  local dir=$1 sys abi
  [ -x "$dir/node/bin/node" ] && return 0
  sys=$(command -v node) || se_die "bundle $SE_B_VERSION carries no Node.js and this machine has none: install Node.js ${SE_B_NODE%%.*} or use a bundle built with its runtime"
  abi=$("$sys" -p process.versions.modules)
  [ "$abi" = "$SE_B_NODE_ABI" ] || se_die "bundle $SE_B_VERSION was built with Node.js $SE_B_NODE (module ABI $SE_B_NODE_ABI); $sys is $("$sys" --version) (ABI $abi): its native addons would not load"
  mkdir -p "$dir/node/bin"
  ln -s "$sys" "$dir/node/bin/node"
}

# se_release_install FILE: PREFIX/releases/<version> holds the bundle, verified. An identical release
# already there is kept (a damaged one unpacked again); a different build of the same version is
# refused (status 3).
se_release_install() {
  local file=$1 dest releases incoming found
  releases=$(se_r "$SE_RELEASES")
  dest=$releases/$SE_B_VERSION
  if [ -d "$dest" ]; then
    if [ "$(cat "$dest/BUNDLE.json" 2>/dev/null)" != "$SE_B_META" ]; then
      se_die "$SE_RELEASES/$SE_B_VERSION holds another build of $SE_B_VERSION (commit $(sed -n 's/^  "gitCommit": "\(.*\)",$/\1/p' "$dest/BUNDLE.json" 2>/dev/null), built $(sed -n 's/^  "builtAt": "\(.*\)",$/\1/p' "$dest/BUNDLE.json" 2>/dev/null)) than this bundle (commit $SE_B_COMMIT, built $SE_B_BUILT_AT): install.sh does not replace a release; use upgrade.sh" 3
    fi
    if se_release_verify "$dest"; then return 0; fi
    se_warn "$SE_RELEASES/$SE_B_VERSION is damaged: unpacking it again"
  fi
  se_check_space "$SE_RELEASES" "$SE_B_BYTES"
  mkdir -p "$releases"
  incoming=$(mktemp -d "$releases/.incoming-$SE_B_VERSION.XXXXXX")
  SE_CLEANUP+=("$incoming")
  tar -xzf "$file" -C "$incoming" --no-same-owner || se_die "bundle $file could not be unpacked"
  found=$(find "$incoming" -mindepth 1 -maxdepth 1 -printf '%f\n' | sort)
  [ "$found" = "$SE_B_TOP" ] || se_die "bundle $file should hold one folder $SE_B_TOP/, it holds: $(printf '%s' "$found" | tr '\n' ' ')"
  chmod 755 "$incoming/$SE_B_TOP"
  se_release_verify "$incoming/$SE_B_TOP" || se_die "bundle $file is damaged (a file differs from its SHA256SUMS): fetch it again"
  se_release_node "$incoming/$SE_B_TOP"
  if [ -d "$dest" ]; then
    # Only a damaged copy of this very build gets here.
    mv -T "$dest" "$incoming/damaged"
  fi
  mv -T "$incoming/$SE_B_TOP" "$dest"
  se_changed "unpacked $SE_RELEASES/$SE_B_VERSION ($SE_B_TOP, commit ${SE_B_COMMIT:-unknown}, verified)"
}

# se_link_target NAME: the release a PREFIX symlink (current, previous) points at ('' if none).
se_link_target() {
  local t
  t=$(readlink "$(se_r "$SE_PREFIX/$1")" 2>/dev/null) || return 0
  printf '%s\n' "${t#releases/}"
}

# se_switch_link NAME VERSION: PREFIX/NAME -> releases/VERSION, relative, replaced atomically.
se_switch_link() {
  local link want=releases/$2
  link=$(se_r "$SE_PREFIX/$1")
  [ "$(readlink "$link" 2>/dev/null)" = "$want" ] && return 0
  [ -d "$(se_r "$SE_RELEASES/$2")" ] || se_die "cannot point $1 at $want: no such release"
  ln -sfn "$want" "$link.new.$$"
  mv -T "$link.new.$$" "$link"
  se_changed "$SE_PREFIX/$1 -> $want"
}
