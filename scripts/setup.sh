#!/usr/bin/env bash
# Installs every Debian package splattrack needs to build, test and run.
# Idempotent and quiet: when everything is already installed it prints nothing.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git
  libeigen3-dev libceres-dev nlohmann-json3-dev
  libopencv-dev libgtest-dev libyaml-cpp-dev libtinyxml2-dev
  libtinyobjloader-dev  # splattrack mesh2gs: OBJ + MTL meshes
  libtinygltf-dev  # track --export-gltf: glTF 2.0
  clang libclang-rt-14-dev  # scripts/fuzz.sh: clang with libFuzzer and the sanitizers
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "setup: installing ${missing[*]}" >&2
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
