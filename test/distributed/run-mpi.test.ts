/** `nodetorch run --backend mpi`: the mpirun command line it builds and how it reads mpirun's report. */
import { describe, expect, it } from 'vitest';
import { mpirunArgs, mpirunFailure } from '../../src/cli/run-mpi.js';
import { parseRunArgs } from '../../src/cli/run.js';
import { UsageError } from '../../src/cli/args.js';

describe('nodetorch run --backend mpi', () => {
  const config = parseRunArgs(['--backend', 'mpi', '--nproc-per-node', '3', 'train.js', '--lr', '0.1'])!;

  it('runs mpirun with N ranks, tagged output, no binding, ob1 unless the environment picks a transport', () => {
    const args = mpirunArgs(config, 'file:///preload.js', {});
    expect(args.slice(0, 6)).toEqual(['-np', '3', '--oversubscribe', '--bind-to', 'none', '--tag-output']);
    expect(args.join(' ')).toContain('--mca pml ob1 --mca btl self,vader,tcp');
    expect(args.slice(-5)).toEqual(['--import', 'file:///preload.js', 'train.js', '--lr', '0.1']);
    expect(args).toContain(process.execPath);
    expect(args.includes('--allow-run-as-root')).toBe(process.getuid?.() === 0);
    const own = mpirunArgs(config, 'p', { OMPI_MCA_pml: 'ucx', OMPI_MCA_btl: 'self,tcp', NODETORCH_MPIRUN_ARGS: '--mca btl_tcp_if_include lo' });
    expect(own.join(' ')).not.toContain('pml ob1');
    expect(own.join(' ')).not.toContain('vader');
    expect(own.join(' ')).toContain('--mca btl_tcp_if_include lo');
  });

  it('names the first failed rank from mpirun\'s report', () => {
    expect(mpirunFailure('mpirun noticed that process rank 1 with PID 0 on node vm exited on signal 9 (Killed).'))
      .toEqual({ rank: 1, code: 137, what: 'was killed by SIGKILL' });
    expect(mpirunFailure('MPI_ABORT was invoked on rank 2 in communicator MPI_COMM_WORLD\nwith errorcode 17.'))
      .toEqual({ rank: 2, code: 17, what: 'exited with code 17 (MPI_Abort)' });
    expect(mpirunFailure('the job to be terminated. The first process to do so was:\n\n  Process name: [[26075,1],0]\n  Exit code:    3\n'))
      .toEqual({ rank: 0, code: 3, what: 'exited with code 3' });
    expect(mpirunFailure('something else')).toBeNull();
  });

  it('is for one machine: several take mpirun with a hostfile', () => {
    expect(() => parseRunArgs(['--backend', 'mpi', '--nnodes', '2', 'x.js'])).toThrow(UsageError);
    expect(() => parseRunArgs(['--backend', 'mpi', '--nnodes', '2', 'x.js'])).toThrow(/--backend mpi runs on one machine; for several, run mpirun \(or srun\) with a hostfile directly/);
  });
});
