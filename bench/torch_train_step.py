#!/usr/bin/env python3
"""Baseline for bench/train-step.ts: median ms of one PyTorch train step of the reference model.

Usage: torch_train_step.py BATCH STEPS. Runs on one thread; prints the median in ms as the last line.
"""
import os
import sys
import time

import torch

torch.set_num_threads(1)
here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "test", "fixtures"))
from inception1d import Inception1d  # noqa: E402  (the reference model, a copy of the spec)

batch, steps = int(sys.argv[1]), int(sys.argv[2])
torch.manual_seed(0)
model = Inception1d()
opt = torch.optim.SGD(model.parameters(), lr=0.003, momentum=0.9)
loss_fn = torch.nn.CrossEntropyLoss()
x = torch.randn(batch, 1, 1200)
y = torch.randint(0, 2, (batch,))
times = []
for i in range(steps + 3):
    t0 = time.perf_counter()
    opt.zero_grad()
    loss_fn(model(x), y).backward()
    opt.step()
    if i >= 3:
        times.append((time.perf_counter() - t0) * 1000)
times.sort()
print(times[len(times) // 2])
