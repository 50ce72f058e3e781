#!/usr/bin/env bash
# The Debian packages a purpose needs (system/packages.txt), checked or installed.
#
#   bash system/packages.sh check   PURPOSE...  say what is missing; exit 1 if anything is
#   bash system/packages.sh install PURPOSE...  install what is missing: as root with apt-get
#                                               (apt-get update first, only then); otherwise
#                                               stop (exit 1) with the command to run
#   bash system/packages.sh list    PURPOSE...  the packages, one a line
#
# PURPOSE is one of the list's: image, demo, test, bench, messages. `install --no-install-recommends`
# passes that option to apt-get (the Dockerfile's way). SYSTEM_PACKAGES names another list
# in the same format (the tests use one with a package that is not installed).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
list_file=${SYSTEM_PACKAGES:-$here/packages.txt}

usage() {
  echo "usage: $0 check|install|list [--no-install-recommends] PURPOSE..." >&2
  exit 2
}

(($# >= 2)) || usage
mode=$1
shift
apt_options=()
purposes=()
for arg in "$@"; do
  case $arg in
    --no-install-recommends) apt_options+=("$arg") ;;
    -*) usage ;;
    *) purposes+=("$arg") ;;
  esac
done
case $mode in check | install | list) ;; *) usage ;; esac
((${#purposes[@]})) || usage

# The packages of the purposes asked for, in the list's order, each once.
packages=()
for purpose in "${purposes[@]}"; do
  found=$(awk -v want="$purpose" '
    /^[[:space:]]*(#|$)/ { next }
    { n = split($2, needed, ","); for (i = 1; i <= n; i++) if (needed[i] == want) { print $1; next } }
  ' "$list_file")
  if [[ -z $found ]]; then
    echo "system/packages.sh: no packages for \"$purpose\" in $list_file" >&2
    exit 2
  fi
  while read -r package; do
    [[ " ${packages[*]} " == *" $package "* ]] || packages+=("$package")
  done <<<"$found"
done

if [[ $mode == list ]]; then
  printf '%s\n' "${packages[@]}"
  exit 0
fi

what="${purposes[*]}"
if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "Not a Debian system (no dpkg-query): cannot check the system packages for $what." >&2
  echo "Install the equivalents of: ${packages[*]}" >&2
  [[ $mode == install ]] && exit 0 || exit 1
fi

# dpkg-query names every package it knows with its state; one it does not know at all
# (never installed, or no such name) is left out of its answer, so missing too.
installed=" $({ dpkg-query -W -f='${Package} ${db:Status-Status}\n' "${packages[@]}" 2>/dev/null || true; } |
  awk '$2 == "installed" { printf "%s ", $1 }')"
missing=()
for package in "${packages[@]}"; do
  [[ $installed == *" $package "* ]] || missing+=("$package")
done

if ((${#missing[@]} == 0)); then
  echo "System packages for $what: all ${#packages[@]} installed."
  exit 0
fi

if [[ $mode == check ]]; then
  echo "System packages for $what: missing ${missing[*]}" >&2
  exit 1
fi
command="apt-get update && apt-get install --yes ${apt_options[*]:+${apt_options[*]} }${missing[*]}"
if ((EUID != 0)); then
  echo "System packages for $what: missing ${missing[*]}. Install them as root, then run this again:" >&2
  if command -v sudo >/dev/null 2>&1; then
    echo "  sudo sh -c '$command'" >&2
  else
    echo "  su -c '$command'" >&2
  fi
  exit 1
fi
echo "System packages for $what: missing ${missing[*]}; installing them: $command"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install --yes -qq "${apt_options[@]}" "${missing[@]}" >/dev/null
echo "System packages for $what: installed ${missing[*]}."
