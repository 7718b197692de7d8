#!/usr/bin/env python3
"""Baseline for bench/train-step.ts: one PyTorch train step of the reference model (zero_grad, forward,
CrossEntropyLoss, backward, SGD step) on random input.

Usage: torch_train_step.py BATCH THREADS STEPS. Runs torch.set_num_threads(THREADS); the caller also sets
OMP_NUM_THREADS and PyTorch's faster malloc setting (MALLOC_MMAP_THRESHOLD_ / MALLOC_TRIM_THRESHOLD_) in
the environment. Prints one JSON line: median and min ms per step over STEPS timed steps (after 3 warm-up
steps), minor page faults per step, torch's thread count.
"""
import json
import os
import resource
import sys
import time

import torch

batch, threads, steps = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
torch.set_num_threads(threads)
here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "test", "fixtures"))
from inception1d import Inception1d  # noqa: E402  (the reference model, a copy of the spec)

torch.manual_seed(0)
model = Inception1d()
model.train()
opt = torch.optim.SGD(model.parameters(), lr=0.003, momentum=0.9)
loss_fn = torch.nn.CrossEntropyLoss()
x = torch.randn(batch, 1, 1200)
y = torch.randint(0, 2, (batch,))


def step():
    opt.zero_grad()
    loss_fn(model(x), y).backward()
    opt.step()


for _ in range(3):
    step()
faults0 = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
times = []
for _ in range(steps):
    t0 = time.perf_counter()
    step()
    times.append((time.perf_counter() - t0) * 1000)
faults = (resource.getrusage(resource.RUSAGE_SELF).ru_minflt - faults0) / steps
times.sort()
print(json.dumps({"ms": times[len(times) // 2], "minMs": times[0], "faultsPerStep": faults,
                  "threads": torch.get_num_threads(), "version": torch.__version__}))
