#!/usr/bin/env bash
# Installs code-server (VS Code OSS served to a browser) into a cache folder outside the repo, once;
# later runs reuse it. Prints the path of code-server's entry point on its last line.
#
# code-server's own postinstall cannot run offline: @vscode/ripgrep downloads rg from GitHub and
# node-pty's post-install calls `npx node-gyp`. So every install here is --ignore-scripts, ripgrep
# comes from Debian, and the native modules are built with `npm rebuild` (recipe:
# ../shared/notes/real-editor-recipe.md).
set -euo pipefail

VERSION="${CODE_SERVER_VERSION:-4.100.3}"
CACHE="${DD_E2E_CACHE:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/digit-dictation-e2e}"
DEST="$CACHE/code-server-$VERSION"
ENTRY="$DEST/node_modules/code-server/out/node/entry.js"

log() { echo "[e2e:install-code-server] $*" >&2; }

mkdir -p "$CACHE"
exec 9>"$CACHE/.install.lock"
flock 9

# Native modules are built for one Node ABI; a cache built by another Node is rebuilt.
STAMP="code-server $VERSION, node ABI $(node -p process.versions.modules)"
if [ -f "$DEST/.complete" ] && [ -f "$ENTRY" ] && [ "$(cat "$DEST/.complete")" = "$STAMP" ]; then
  log "cached: $DEST"
  echo "$ENTRY"
  exit 0
fi
# Holding the lock, no other install is running: staging folders left by interrupted ones can go.
rm -rf "$CACHE"/.staging-*

for tool in rg g++ make python3; do
  command -v "$tool" >/dev/null || { log "missing '$tool' (apt-get install ripgrep build-essential python3)"; exit 1; }
done

STAGE="$CACHE/.staging-$VERSION-$$"
rm -rf "$STAGE"
mkdir -p "$STAGE"
trap 'rm -rf "$STAGE"' EXIT

# The machine-wide npm config says yes=false (npx then refuses to fetch node-gyp); node-gyp needs
# Node's headers, which Debian/nodesource ship under /usr/include/node (no header download offline).
export npm_config_yes=true
[ -f /usr/include/node/node.h ] && export npm_config_nodedir="${npm_config_nodedir:-/usr}"
NPM_FLAGS=(--unsafe-perm --no-audit --no-fund --loglevel=error)

start=$SECONDS
log "installing code-server@$VERSION into $STAGE (no scripts)"
(cd "$STAGE" && echo '{"name":"dd-e2e-tools","private":true}' > package.json \
  && npm install "${NPM_FLAGS[@]}" --ignore-scripts "code-server@$VERSION" >&2)

VSC="$STAGE/node_modules/code-server/lib/vscode"
log "installing VS Code server dependencies (no scripts)"
(cd "$VSC" && npm install "${NPM_FLAGS[@]}" --omit=dev --ignore-scripts >&2)
mkdir -p "$VSC/node_modules/@vscode/ripgrep/bin"
ln -sf "$(command -v rg)" "$VSC/node_modules/@vscode/ripgrep/bin/rg"
log "building VS Code server native modules (npm rebuild, ~1 min)"
(cd "$VSC" && npm rebuild "${NPM_FLAGS[@]}" >&2)
ln -sfn node_modules "$VSC/node_modules.asar"
(cd "$VSC/bin/remote-cli" && ln -sf code-linux.sh code-server)
(cd "$VSC/bin/helpers" && ln -sf browser-linux.sh browser.sh)
log "installing built-in extensions' dependencies"
(cd "$VSC/extensions" && npm install "${NPM_FLAGS[@]}" --omit=dev >&2)
log "building argon2"
(cd "$STAGE" && npm rebuild argon2 "${NPM_FLAGS[@]}" >&2)

# Smoke test before publishing the cache: a broken build must not be reused.
XDG_CONFIG_HOME="$STAGE/.xdg" XDG_DATA_HOME="$STAGE/.xdg" \
  node "$STAGE/node_modules/code-server/out/node/entry.js" --version >&2
echo "$STAMP" > "$STAGE/.complete"
rm -rf "$DEST"
mv "$STAGE" "$DEST"
trap - EXIT
log "installed in $((SECONDS - start)) s: $DEST"
echo "$ENTRY"
