#!/usr/bin/env bash
# Installs every Debian 12 package vlmscope needs to build, test and run, and selects the
# OpenMP build of OpenBLAS for libblas.so.3 (SPEC §1: the reference BLAS is 15-30x slower
# and the pthread OpenBLAS fights LibTorch's OpenMP pool).
set -euo pipefail

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

PACKAGES=(
  build-essential cmake ninja-build pkg-config git
  libtorch-dev
  qt6-base-dev qt6-charts-dev qt6-svg-dev libqt6opengl6-dev libxkbcommon-dev
  qt6-image-formats-plugins
  nlohmann-json3-dev
  libopenblas0-openmp
  xvfb xauth
  clang libclang-rt-14-dev
  fonts-dejavu-core
  # Packaging: icon renders, the .deb and its validation (packaging/check-package.sh).
  librsvg2-bin dpkg-dev file lintian desktop-file-utils appstream libxml2-utils
  shared-mime-info libglib2.0-bin man-db mandoc
)

export DEBIAN_FRONTEND=noninteractive
if [ -z "${VLMSCOPE_SKIP_APT_UPDATE:-}" ]; then
  $SUDO apt-get update -qq
fi
$SUDO apt-get install -y -qq --no-install-recommends "${PACKAGES[@]}" >/dev/null

# Pick the OpenMP OpenBLAS for both BLAS and LAPACK, whatever else is installed.
arch_dir=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || echo x86_64-linux-gnu)
for lib in libblas.so.3 liblapack.so.3; do
  target="/usr/lib/${arch_dir}/openblas-openmp/${lib}"
  if [ -e "$target" ]; then
    $SUDO update-alternatives --set "${lib}-${arch_dir}" "$target" >/dev/null
  fi
done
echo "install-deps: done ($(readlink -f /usr/lib/${arch_dir}/libblas.so.3))"
