#!/usr/bin/env bash
# Install what is missing: system libraries for a Qt window (as root, with apt), a .venv with the
# project and its test tools. Safe to run again: each step checks before it installs.
set -euo pipefail
cd "$(dirname "$0")/.."

SYSTEM_PACKAGES=(xvfb xauth libxcb-icccm4 libxcb-keysyms1 libxcb-cursor0 libxcb-image0
  libxcb-render-util0 libxcb-randr0 libxcb-shape0 libxcb-xinerama0 libxcb-xkb1 libxkbcommon-x11-0
  libegl1 libgl1 libglx-mesa0 libgl1-mesa-dri libfontconfig1 libdbus-1-3 fonts-dejavu-core fonts-wqy-microhei)

missing_system_packages() {
  command -v dpkg-query >/dev/null || return 0
  for p in "${SYSTEM_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || echo "$p"
  done
}

missing=$(missing_system_packages || true)
if [ -n "$missing" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "setup: installing system packages: $(echo $missing)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
  else
    echo "setup: not root, so not installing these system packages (a real window or Xvfb may need them):"
    echo "       $(echo $missing)"
  fi
fi

PYTHON=${PYTHON:-python3}
"$PYTHON" - <<'PY' || { echo "setup: Python >= 3.11 is required"; exit 1; }
import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)
PY

if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv"
  "$PYTHON" -m venv .venv
fi
PIP=(.venv/bin/python -m pip --disable-pip-version-check -q)

# A bare torch>=2.4 pulls a multi-GB CUDA build into a fresh venv; take 2.13.0 first when torch is
# absent (a CPU wheel of it is provided on the project's build machines; elsewhere PyPI's default).
if ! .venv/bin/python -c "import torch" 2>/dev/null; then
  echo "setup: installing torch 2.13.0"
  "${PIP[@]}" install "torch==2.13.0" || "${PIP[@]}" install "torch>=2.4"
fi

stamp=.venv/.project-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  echo "setup: installing the workbench and its test tools into .venv"
  "${PIP[@]}" install -e ".[test]"
  touch "$stamp"
fi
