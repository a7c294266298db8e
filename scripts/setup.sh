#!/usr/bin/env bash
# Bootstraps a fresh machine that has only Node 20 + npm: pnpm 12, the workspace's packages and,
# with --system, the Debian packages the tests drive for real (Chromium, Redis, coturn, iproute2,
# iptables, conntrack, openssl and certutil). Idempotent: every step is skipped when what it
# installs is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

want_system=0
for arg in "$@"; do
  case "$arg" in
    --system) want_system=1 ;;
  esac
done

log() { printf '[setup] %s\n' "$*" >&2; }

if [ "$want_system" = 1 ]; then
  missing=()
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
  command -v turnserver >/dev/null 2>&1 || missing+=(coturn)
  command -v ip >/dev/null 2>&1 || missing+=(iproute2)
  command -v iptables >/dev/null 2>&1 || missing+=(iptables)
  # conntrack: the ICE-restart tests flush a lab NAT router's mappings
  command -v conntrack >/dev/null 2>&1 || [ -x /usr/sbin/conntrack ] || missing+=(conntrack)
  # TURN over TLS tests: a test CA (openssl) that Chromium trusts through an NSS database (certutil).
  command -v openssl >/dev/null 2>&1 || missing+=(openssl)
  command -v certutil >/dev/null 2>&1 || missing+=(libnss3-tools)
  if [ "${#missing[@]}" -gt 0 ]; then
    if [ "$(id -u)" = 0 ]; then
      log "installing system packages: ${missing[*]}"
      export DEBIAN_FRONTEND=noninteractive
      apt-get update -qq >&2
      apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
    else
      log "missing system packages (${missing[*]}); run as root or install them: tests that need them will be skipped"
    fi
  fi
  # coturn's Debian package starts a system service on install; the tests start their own.
  if command -v systemctl >/dev/null 2>&1; then systemctl stop coturn redis-server >/dev/null 2>&1 || true; fi
fi

pnpm_ok=0
if command -v pnpm >/dev/null 2>&1; then
  case "$(pnpm --version 2>/dev/null)" in 12.*) pnpm_ok=1 ;; esac
fi
if [ "$pnpm_ok" = 0 ]; then
  log "installing pnpm 12"
  npm install -g pnpm@12.21.0 >&2
fi

# Not --frozen-lockfile: pnpm 12 then insists on recording the packageManager pin in the lockfile,
# which it cannot do for this release (it looks for @pnpm/exe builds the registry does not have).
# The committed lockfile is still what resolves every version.
pnpm install --no-frozen-lockfile >&2
