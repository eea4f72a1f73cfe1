#!/bin/sh
# Rebuilds kernels.wasm (single-threaded tfjs heap) and kernels-shared.wasm (threaded build's
# shared heap) from kernels.c. Needs Debian's clang-14 and lld-14 (apt-get install -y clang-14
# lld-14); the .wasm files are committed, so tests and users never need the toolchain.
set -eu
cd "$(dirname "$0")"
CC=${CC:-clang-14}
FLAGS="--target=wasm32 -O3 -msimd128 -nostdlib -ffreestanding -fno-builtin -Wall -Wextra -Werror"
LINK="-Wl,--no-entry -Wl,--import-memory -Wl,--strip-all -Wl,-z,stack-size=1024 -Wl,--initial-memory=131072"
$CC $FLAGS $LINK -o kernels.wasm kernels.c
$CC $FLAGS -matomics -mbulk-memory $LINK -Wl,--shared-memory -Wl,--max-memory=4294967296 -o kernels-shared.wasm kernels.c
for f in kernels.wasm kernels-shared.wasm; do
  # Safety: the module must not own data in the shared heap nor use the shadow stack.
  if llvm-objdump-14 -h "$f" | grep -q ' DATA '; then echo "$f has a data section" >&2; exit 1; fi
  if llvm-objdump-14 -d "$f" | grep -q 'global.set'; then echo "$f writes a global (shadow stack?)" >&2; exit 1; fi
  echo "built $f ($(wc -c < "$f") bytes)"
done
