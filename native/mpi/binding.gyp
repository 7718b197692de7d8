# The optional Open MPI engine of `distributed`: native/mpi/build/Release/nodetorch_mpi.node. Built by
# scripts/install-dist.js only when Open MPI's compiler wrapper is found (Debian: libopenmpi-dev); a
# failure never fails `npm install`. Compile and link flags come from `mpicc --showme` (MPI_CFLAGS /
# MPI_LIBS override them). Separate from ../../binding.gyp so the kernels build never needs MPI.
{
  'targets': [
    {
      'target_name': 'nodetorch_mpi',
      'sources': [ 'mpi_addon.cc' ],
      'cflags': [ '-O2', '-fvisibility=hidden', '<!@(node -p "process.env.MPI_CFLAGS || require(\'child_process\').execSync(\'mpicc --showme:compile\').toString().trim()")' ],
      'cflags!': [ '-fno-exceptions' ],
      'cflags_cc!': [ '-fno-exceptions', '-fno-rtti' ],
      'defines': [ 'NAPI_VERSION=8', 'NAPI_CPP_EXCEPTIONS', 'OMPI_SKIP_MPICXX=1' ],
      'include_dirs': [ "<!(node -p \"require('node-addon-api').include_dir\")" ],
      'libraries': [ '<!@(node -p "process.env.MPI_LIBS || require(\'child_process\').execSync(\'mpicc --showme:link\').toString().trim()")' ],
    },
  ],
}
