{
  "targets": [
    {
      "target_name": "gradlab_native",
      "sources": [
        "native/src/addon.cc",
        "native/src/pool.cc",
        "native/src/k_avx512.cc",
        "native/src/k_avx2.cc",
        "native/src/k_portable.cc"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS", "NODE_ADDON_API_DISABLE_DEPRECATED"],
      "cflags!": ["-fno-exceptions", "-O2", "-O3"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti", "-std=gnu++17", "-std=c++17", "-O2"],
      "cflags_cc": ["-std=c++17", "-O3", "-fexceptions", "-fno-math-errno", "-fno-trapping-math", "-ffp-contract=off", "-Wall", "-Wno-unused-function"],
      "ldflags": ["-pthread"]
    }
  ]
}
