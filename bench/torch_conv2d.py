"""PyTorch's side of bench/conv2d.ts: the minimum time (ms) of F.conv2d forward and of aten's
convolution_backward for the input and for the weight (+ bias) gradients, at the shapes given as JSON.
Run by bench/conv2d.ts with /usr/bin/python3 (torch 1.13) and glibc's malloc tuned as the bench states:
  MALLOC_MMAP_THRESHOLD_=4294967296 MALLOC_TRIM_THRESHOLD_=4294967296 /usr/bin/python3 bench/torch_conv2d.py THREADS REPS JSON
Prints one JSON object {shape name: {forward, backwardInput, backwardWeight}}.
"""
import json
import sys
import time

import torch
import torch.nn.functional as F

threads, reps, shapes = int(sys.argv[1]), int(sys.argv[2]), json.loads(sys.argv[3])
torch.set_num_threads(threads)
torch.manual_seed(0)


def best(fn):
    fn()
    t = float('inf')
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        t = min(t, time.perf_counter() - t0)
    return t * 1e3


out = {}
with torch.no_grad():
    for s in shapes:
        p = s['p']
        x = torch.randn(p['n'], p['cIn'], p['inH'], p['inW'])
        w = torch.randn(p['cOut'], p['cIn'] // p['groups'], p['kH'], p['kW'])
        b = torch.randn(p['cOut'])
        stride, pad, dil = [p['strideH'], p['strideW']], [p['padH'], p['padW']], [p['dilationH'], p['dilationW']]
        gy = torch.randn(p['n'], p['cOut'], p['outH'], p['outW'])

        def back(mask):
            return lambda: torch.ops.aten.convolution_backward(gy, x, w, [p['cOut']], stride, pad, dil, False, [0, 0],
                                                               p['groups'], mask)

        out[s['name']] = {
            'forward': best(lambda: F.conv2d(x, w, b, stride, pad, dil, p['groups'])),
            'backwardInput': best(back([True, False, False])),
            'backwardWeight': best(back([False, True, True])),
        }
print(json.dumps(out))
