#!/bin/sh
# Installs hone into $HONE_INSTALL_DIR (default ~/.local/bin).
#
# From a source checkout (this file next to package.json and src/main.ts): installs Bun if missing
# (pinned, through npm), the dependencies, builds, and copies the binary.
# Otherwise (curl -fsSL <release url>/install.sh | sh), or with --from-release: downloads the prebuilt
# binary for this OS/CPU from $HONE_RELEASE_URL, verifies it against the release's SHA256SUMS and installs it.
#
# Options: --version <v>      install that release instead of the latest (implies --from-release)
#          --no-modify-path   never edit shell profiles, only print how to put hone on PATH
#          --from-release     download a release even when run from a checkout
set -eu
BUN_VERSION=1.4.5
release_url=${HONE_RELEASE_URL:-https://github.com/hone-cli/hone/releases}
install_dir=${HONE_INSTALL_DIR:-"$HOME/.local/bin"}
version=
modify_path=1
from_release=0

say() { printf '%s\n' "$*"; }
die() {
  printf 'install.sh: %s\n' "$*" >&2
  exit 1
}
usage() {
  say "usage: install.sh [--version <version>] [--no-modify-path] [--from-release]"
}

while [ $# -gt 0 ]; do
  case $1 in
    --version)
      [ $# -ge 2 ] && [ -n "$2" ] || die "--version needs a value, e.g. --version 0.1.0"
      version=$2
      shift 2
      ;;
    --version=*)
      version=${1#--version=}
      [ -n "$version" ] || die "--version needs a value, e.g. --version 0.1.0"
      shift
      ;;
    --no-modify-path) modify_path=0; shift ;;
    --from-release) from_release=1; shift ;;
    -h | --help) usage; exit 0 ;;
    *)
      usage >&2
      die "unknown option: $1"
      ;;
  esac
done
version=${version#v}
[ -n "$version" ] && from_release=1

# Piped into sh, $0 is the shell's name rather than a file, so there is no checkout to build from.
checkout=
if [ "$from_release" = 0 ] && [ -f "$0" ]; then
  script_dir=$(cd "$(dirname "$0")" && pwd)
  if [ -f "$script_dir/package.json" ] && [ -f "$script_dir/src/main.ts" ]; then checkout=$script_dir; fi
fi

# Where temp files live, removed on every exit path (including a refused checksum or Ctrl-C).
tmp_dir=
staged=
cleanup() {
  [ -z "$staged" ] || rm -f "$staged"
  [ -z "$tmp_dir" ] || rm -rf "$tmp_dir"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

path_line() {
  case $install_dir in
    "$HOME"/*) say "export PATH=\"\$HOME/${install_dir#"$HOME"/}:\$PATH\"" ;;
    *) say "export PATH=\"$install_dir:\$PATH\"" ;;
  esac
}

# Which profiles get the PATH line: ~/.profile always, ~/.bashrc and ~/.zshrc when they exist, and
# ~/.zshrc for a zsh user even when missing (zsh never reads ~/.profile, e.g. a fresh macOS account).
wants_line() {
  case $1 in
    "$HOME/.profile") return 0 ;;
    "$HOME/.zshrc") case ${SHELL:-} in */zsh) return 0 ;; esac ;;
  esac
  [ -f "$1" ]
}

# Appends the export line to those profiles, once: a profile already holding the exact line is left alone.
update_profiles() {
  line=$(path_line)
  case $install_dir in
    *[\"\`\\]* | *'$'*)
      say "Not editing shell profiles: the install directory has characters that would need quoting."
      say "Add it to your PATH:  $line"
      return 0
      ;;
  esac
  changed=
  for profile in "$HOME/.profile" "$HOME/.bashrc" "$HOME/.zshrc"; do
    wants_line "$profile" || continue
    if [ -f "$profile" ] && grep -qxF "$line" "$profile"; then continue; fi
    # Keep the user's last line intact when the file does not end with a newline.
    if [ -s "$profile" ] && [ -n "$(tail -c 1 "$profile")" ]; then printf '\n' >>"$profile"; fi
    printf '%s\n' "$line" >>"$profile"
    changed="$changed $profile"
  done
  if [ -n "$changed" ]; then say "Added $install_dir to PATH in:$changed"; fi
  say "Open a new shell, or run now:  $line"
}

path_hint() {
  case ":$PATH:" in
    *":$install_dir:"*) return 0 ;;
  esac
  if [ "$modify_path" = 1 ] && [ -z "$checkout" ]; then
    update_profiles
  else
    say "Add it to your PATH:  $(path_line)"
  fi
}

# Copies $1 into the install dir under a temp name, checks that it runs, then renames it into place,
# so an interrupted or broken install never replaces a working hone.
install_binary() {
  mkdir -p "$install_dir"
  staged="$install_dir/.hone.tmp.$$"
  cp "$1" "$staged"
  chmod 755 "$staged"
  if ! printed=$("$staged" --version 2>&1); then
    die "the downloaded hone does not run on this machine (--version failed: $printed); nothing was installed"
  fi
  mv -f "$staged" "$install_dir/hone"
  staged=
  say "Installed $install_dir/hone ($printed)"
}

install_from_checkout() {
  cd "$checkout"
  if ! command -v bun >/dev/null 2>&1; then
    if ! command -v npm >/dev/null 2>&1; then
      printf '%s\n' "install.sh: Bun is not installed and npm is not available to install it." >&2
      die "Install Node.js (for npm) or Bun $BUN_VERSION, then run ./install.sh again."
    fi
    say "Installing Bun $BUN_VERSION through npm..."
    npm install -g "bun@$BUN_VERSION" --no-fund --no-audit >/dev/null
  fi
  bun install --frozen-lockfile
  bun run build
  outfile=${HONE_OUTFILE:-dist/hone}
  mkdir -p "$install_dir"
  staged="$install_dir/hone.tmp.$$"
  cp "$outfile" "$staged"
  chmod 755 "$staged"
  mv -f "$staged" "$install_dir/hone"
  staged=
  say "Installed hone to $install_dir/hone"
}

detect_asset() {
  case $(uname -s) in
    Linux) os=linux ;;
    Darwin) os=darwin ;;
    *) die "no prebuilt hone for $(uname -s); build it from a source checkout instead" ;;
  esac
  case $(uname -m) in
    x86_64 | amd64) arch=x64 ;;
    aarch64 | arm64) arch=arm64 ;;
    *) die "no prebuilt hone for the $(uname -m) CPU; build it from a source checkout instead" ;;
  esac
  # An x64 shell under Rosetta on Apple silicon: the native arm64 build is the right one.
  if [ "$os" = darwin ] && [ "$arch" = x64 ] && [ "$(sysctl -n sysctl.proc_translated 2>/dev/null || true)" = 1 ]; then
    arch=arm64
  fi
  suffix=
  if [ "$os" = linux ]; then
    # glibc systems may also carry a musl loader, so glibc is checked before looking for musl.
    if ldd --version 2>&1 | grep -qi musl; then
      suffix=-musl
    elif ! getconf GNU_LIBC_VERSION >/dev/null 2>&1; then
      for loader in /lib/ld-musl-*.so.1; do
        if [ -e "$loader" ]; then suffix=-musl; fi
      done
    fi
  fi
  asset="hone-$os-$arch$suffix"
}

download() {
  if command -v curl >/dev/null 2>&1; then
    curl -fsSL -o "$2" "$1"
  elif command -v wget >/dev/null 2>&1; then
    wget -q -O "$2" "$1"
  else
    die "neither curl nor wget is installed; install one of them and try again"
  fi
}

sha256_of() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | awk '{ print $1 }'
  elif command -v shasum >/dev/null 2>&1; then
    shasum -a 256 "$1" | awk '{ print $1 }'
  else
    die "neither sha256sum nor shasum is installed, so the download cannot be verified; nothing was installed"
  fi
}

install_from_release() {
  detect_asset
  base=${release_url%/}
  if [ -n "$version" ]; then
    folder="$base/download/v$version"
    label="hone v$version"
  else
    folder="$base/latest/download"
    label="the latest hone"
  fi
  tmp_dir=$(mktemp -d 2>/dev/null || mktemp -d -t hone-install)
  say "Downloading $label ($asset) from $folder"
  if ! download "$folder/SHA256SUMS" "$tmp_dir/SHA256SUMS"; then
    if [ -n "$version" ]; then die "could not download release v$version from $folder: is that a published version?"; fi
    die "could not download the latest release from $folder"
  fi
  download "$folder/$asset" "$tmp_dir/$asset" || die "could not download $folder/$asset: this release may have no build for $os/$arch$suffix"
  expected=$(awk -v f="$asset" '$2 == f || $2 == "*" f { print $1; exit }' "$tmp_dir/SHA256SUMS")
  [ -n "$expected" ] || die "SHA256SUMS of this release has no entry for $asset; refusing to install it"
  actual=$(sha256_of "$tmp_dir/$asset")
  expected=$(printf '%s' "$expected" | tr 'A-F' 'a-f')
  if [ "$actual" != "$expected" ]; then
    die "checksum mismatch for $asset (expected $expected, got $actual): the download is corrupt or was tampered with; nothing was installed"
  fi
  say "Verified SHA-256 of $asset"
  install_binary "$tmp_dir/$asset"
}

if [ -n "$checkout" ]; then install_from_checkout; else install_from_release; fi
path_hint
