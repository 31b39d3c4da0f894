#!/usr/bin/env bash
# The webgpu benchmark on a lent GPU machine (NVIDIA H200, Vulkan through its driver), one command,
# under ten minutes: sgemm 4096³ and W2–W5 step times on webgpu beside the native CPU backend and
# PyTorch (on CUDA when it has it), as a table (bench/webgpu.ts). Run in the repo root:
#
#   bash scripts/device-webgpu.sh            # on the GPU machine
#   bash scripts/device-webgpu.sh --stage    # here, first: stage what that machine cannot download
#
# The GPU machine reaches no network: it needs node (≥ 20) and the repo built here (dist/). The
# Dawn binding (node_modules/webgpu, 132 MB for every platform) is too big to carry whole, so
# --stage copies its linux-x64 part (21 MB) into .device/ (git-ignored); carry ['.device', 'dist']
# (and 'build' for the native addon) with the device tool's run.
set -uo pipefail
cd "$(dirname "$0")/.."

if [ "${1:-}" = "--stage" ]; then
  [ -d node_modules/webgpu/dist/linux-x64 ] || { echo "device-webgpu: node_modules/webgpu is missing here: npm install first"; exit 1; }
  rm -rf .device && mkdir -p .device/webgpu/dist
  cp node_modules/webgpu/index.js node_modules/webgpu/package.json node_modules/webgpu/types.d.ts .device/webgpu/
  cp -r node_modules/webgpu/dist/linux-x64 .device/webgpu/dist/
  [ -f dist/bench/webgpu.js ] || npx tsc -p tsconfig.json
  echo "device-webgpu: staged .device/ ($(du -sh .device | cut -f1)); carry .device, dist and build"
  exit 0
fi

start=$(date +%s)
command -v node >/dev/null || { echo "device-webgpu: node is not installed on this machine (gradlab needs node >= 20)"; exit 1; }
echo "node $(node --version) on $(uname -m); $(nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null || echo 'nvidia-smi: absent')"
if [ ! -d node_modules/webgpu ] && [ -d .device/webgpu ]; then mkdir -p node_modules && cp -r .device/webgpu node_modules/webgpu; fi
[ -d node_modules/webgpu ] || { echo "device-webgpu: the webgpu package (Dawn for Node) is missing: run 'bash scripts/device-webgpu.sh --stage' where npm works and carry .device"; exit 1; }
[ -f dist/bench/webgpu.js ] || { echo "device-webgpu: dist/ is not built: run 'npx tsc -p tsconfig.json' first (or carry dist)"; exit 1; }
if ! ldconfig -p 2>/dev/null | grep -q 'libvulkan.so.1'; then
  echo "device-webgpu: no Vulkan loader (libvulkan.so.1) on this machine: apt-get install libvulkan1, or carry it (see the device tool's notes)"
fi
# The NVIDIA driver's Vulkan ICD where the loader does not find it by itself.
nv=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
if [ -z "${VK_DRIVER_FILES:-}${VK_ICD_FILENAMES:-}" ] && [ -f "$nv" ]; then export VK_DRIVER_FILES="$nv"; fi
node scripts/has-webgpu.mjs "device-webgpu" || exit 1
left=$((570 - ($(date +%s) - start)))
timeout "$left" node dist/bench/webgpu.js --only "${WORKLOADS:-sgemm,W2,W3,W4,W5}" --sgemm 4096 --reps 5
rc=$?
[ $rc -eq 124 ] && echo "device-webgpu: stopped at the ten-minute limit (rerun with WORKLOADS=… for fewer)"
echo "device-webgpu: $(( $(date +%s) - start )) s"
exit $rc
