#!/usr/bin/env bash
# System packages from Debian, installed when missing and we are root or have sudo:
#   chromium  the browser tests, driven by Playwright at /usr/bin/chromium
#             (Playwright's own browser download is not used)
#   wrk       benchmarks/bench_web.py
#   ffmpeg    decoding audio that libsndfile cannot read (MP3 in old libsndfile, M4A/AAC)
#             in `mixtape ingest audio`, and encoding the synthesized test audio
# Never fails the run: tests that need a missing one skip with a reason (or fail under CI).
set -uo pipefail

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo -n "$@"; else return 1; fi; }

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v wrk >/dev/null || missing+=(wrk)
command -v ffmpeg >/dev/null || missing+=(ffmpeg)
if [ "${#missing[@]}" -gt 0 ]; then
    echo "==> installing ${missing[*]}" >&2
    if ! { as_root apt-get update -qq &&
           as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; }; then
        echo "warning: could not install ${missing[*]}; tests that need them will be skipped" >&2
    fi
fi
exit 0
