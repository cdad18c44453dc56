#!/bin/sh
# Installs hone from this source checkout: Bun if missing (pinned, through npm), dependencies, build,
# then copies the binary to $HONE_INSTALL_DIR (default ~/.local/bin).
set -eu
BUN_VERSION=1.4.5
cd "$(dirname "$0")"
install_dir=${HONE_INSTALL_DIR:-"$HOME/.local/bin"}

if ! command -v bun >/dev/null 2>&1; then
  if ! command -v npm >/dev/null 2>&1; then
    echo "install.sh: Bun is not installed and npm is not available to install it." >&2
    echo "Install Node.js (for npm) or Bun $BUN_VERSION, then run ./install.sh again." >&2
    exit 1
  fi
  echo "Installing Bun $BUN_VERSION through npm..."
  npm install -g "bun@$BUN_VERSION" --no-fund --no-audit >/dev/null
fi

bun install --frozen-lockfile
bun run build
outfile=${HONE_OUTFILE:-dist/hone}
mkdir -p "$install_dir"
cp "$outfile" "$install_dir/hone.tmp.$$"
chmod 755 "$install_dir/hone.tmp.$$"
mv -f "$install_dir/hone.tmp.$$" "$install_dir/hone"
echo "Installed hone to $install_dir/hone"
case ":$PATH:" in
  *":$install_dir:"*) ;;
  *) echo "Add it to your PATH:  export PATH=\"$install_dir:\$PATH\"" ;;
esac
