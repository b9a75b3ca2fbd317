#!/usr/bin/env bash
# Builds the stand-in cuDNN 9 (soname libcudnn.so.9) from this folder's sources into OUT_DIR.
#
#   build.sh OUT_DIR            -> OUT_DIR/libcudnn.so.9     (-O3)
#   build.sh OUT_DIR --asan     -> OUT_DIR/libcudnn_asan.so.9 (AddressSanitizer + UBSan, -O1 -g)
#
# Rebuilds only when a source is newer than the library. Without g++ (or off Linux) it prints why and
# exits 0, so the Maven build goes on and the tests that need the library skip with that reason.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${1:?usage: build.sh OUT_DIR [--asan]}"
mode="${2:-}"
cxx="${CXX:-g++}"

if [ "$(uname -s)" != "Linux" ]; then
  echo "fakecudnn: not built: the stand-in libcudnn.so.9 is Linux-only (this is $(uname -s))"; exit 0
fi
if ! command -v "$cxx" >/dev/null 2>&1; then
  echo "fakecudnn: not built: $cxx not found (install g++ to run the cuDNN emulation tests)"; exit 0
fi

flags=(-std=c++17 -fPIC -shared -fvisibility=hidden -Wall -Wextra -Werror -Wl,-soname,libcudnn.so.9 -Wl,--no-undefined)
name=libcudnn.so.9
if [ "$mode" = "--asan" ]; then
  flags+=(-O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined)
  name=libcudnn_asan.so.9
else
  flags+=(-O3)
fi

mkdir -p "$out"
lib="$out/$name"
sources=("$here"/fake_cudnn_core.cpp "$here"/fake_cudnn_conv.cpp "$here"/fake_cudnn_bn.cpp)
if [ -f "$lib" ]; then
  stale=0
  for f in "${sources[@]}" "$here/fake_cudnn.h" "$here/build.sh"; do [ "$f" -nt "$lib" ] && stale=1; done
  if [ "$stale" = 0 ]; then echo "fakecudnn: $lib is up to date"; exit 0; fi
fi

tmp="$lib.tmp.$$"
trap 'rm -f "$tmp"' EXIT
"$cxx" "${flags[@]}" "${sources[@]}" -o "$tmp" -lpthread
mv -f "$tmp" "$lib"
echo "fakecudnn: built $lib"
