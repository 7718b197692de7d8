# The optional Gloo engine of `distributed`: native/gloo/build/Release/nodetorch_gloo.node. Built by
# scripts/install-dist.js only when Gloo's headers and library are found (Debian: libgloo-dev); a
# failure never fails `npm install`. Separate from ../../binding.gyp so the kernels build never needs Gloo.
{
  'targets': [
    {
      'target_name': 'nodetorch_gloo',
      'sources': [ 'gloo_addon.cc', 'tcp_store.cc' ],
      'cflags': [ '-O2', '-fvisibility=hidden' ],
      'cflags!': [ '-fno-exceptions' ],
      'cflags_cc!': [ '-fno-exceptions', '-fno-rtti' ],
      'defines': [ 'NAPI_VERSION=8', 'NAPI_CPP_EXCEPTIONS' ],
      'include_dirs': [ "<!(node -p \"require('node-addon-api').include_dir\")" ],
      'libraries': [ '-L/usr/lib', '-lgloo', '-Wl,-rpath,/usr/lib' ],
    },
  ],
}
