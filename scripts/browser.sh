#!/usr/bin/env bash
# Debian's Chromium (for the browser tests, driven by Playwright at /usr/bin/chromium)
# and wrk (for benchmarks/bench_web.py), installed from Debian's packages when missing
# and we are root or have sudo. Playwright's own browser download is not used. Never
# fails the run: the browser tests skip with a reason when Chromium is still missing.
set -uo pipefail

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo -n "$@"; else return 1; fi; }

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v wrk >/dev/null || missing+=(wrk)
if [ "${#missing[@]}" -gt 0 ]; then
    echo "==> installing ${missing[*]}" >&2
    if ! { as_root apt-get update -qq &&
           as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; }; then
        echo "warning: could not install ${missing[*]}; the browser tests will be skipped" >&2
    fi
fi
exit 0
