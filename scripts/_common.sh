# Shared by scripts/run, scripts/test and scripts/bench: a virtual environment with pinned dependencies.
# Sourced, not executed.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
VENV="$ROOT/.venv"
PYTHON="${PYTHON:-python3}"

ensure_venv() {
  # $1: requirements file. Reinstalls only when the file changed since the last install.
  local requirements="$1"
  if [ ! -x "$VENV/bin/python" ]; then
    echo "==> Création de l'environnement virtuel (.venv)"
    "$PYTHON" -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --upgrade pip
  fi
  local stamp="$VENV/.installed-$(basename "$requirements")"
  local digest
  digest="$(cat "$requirements" requirements.txt | sha256sum | cut -d' ' -f1)"
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$digest" ]; then
    echo "==> Installation des dépendances ($requirements)"
    "$VENV/bin/pip" install --quiet -r "$requirements"
    echo "$digest" >"$stamp"
  fi
}

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null 2>&1; then sudo "$@"; else
    echo "Il faut les droits d'administration pour installer : $*" >&2; return 1; fi
}

ensure_debian_packages() {
  # Installs the Debian packages given when one of them is missing.
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "==> Installation des paquets Debian : ${missing[*]}"
    as_root apt-get update -q
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -q --no-install-recommends "${missing[@]}"
  fi
}
