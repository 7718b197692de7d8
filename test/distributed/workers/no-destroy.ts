/** Ends without destroyProcessGroup, a 4 MB allreduce still in flight: every rank must exit 0 (no crash, no hang). */
import { distributed as dist, zeros } from '../../../src/index.js';

dist.initProcessGroup({ timeoutMs: 20000 });
dist.allReduce(zeros([1 << 20]), { asyncOp: true });
console.log('RESULT {"ended":true}');
