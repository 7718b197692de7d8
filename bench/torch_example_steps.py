#!/usr/bin/env python3
"""Baseline for bench/example-steps.ts: one PyTorch train step (zero_grad, forward, CrossEntropyLoss,
backward, optimizer step) of each example model, built by test/fixtures/gen_examples.py's classes at the
bench sizes (the same as example-steps.ts's SIZES):

  cnn          DigitCnn 16/32 channels, Adam, random (32, 1, 28, 28) images, 10 classes
  lstm         LstmClassifier embedding 128, hidden 128, Adam, (32, 64) tokens packed at length 64
  transformer  CharTransformer d 128, 4 heads, 2 layers, feed-forward 256, AdamW, (16, 64) tokens, vocab 96

Usage: torch_example_steps.py THREADS STEPS. Runs torch.set_num_threads(THREADS); the caller sets
OMP_NUM_THREADS and the faster malloc setting. Prints one JSON line {model: {ms, minMs}} (median and min
per step over STEPS timed steps after 2 warm-ups).
"""
import json
import os
import sys
import time

import torch

threads, steps = int(sys.argv[1]), int(sys.argv[2])
torch.set_num_threads(threads)
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures"))
from gen_examples import digit_cnn, LstmClassifier, CharTransformer  # noqa: E402


def make(name):
    """(model, optimizer, forward() -> (logits (M, C), targets (M)))"""
    torch.manual_seed(0)
    if name == "cnn":
        model = digit_cnn(16, 32)
        x, y = torch.randn(32, 1, 28, 28), torch.randint(0, 10, (32,))
        return model, torch.optim.Adam(model.parameters(), lr=1e-3), lambda: (model(x), y)
    if name == "lstm":
        model = LstmClassifier(vocab=12, embedding_dim=128, hidden_size=128, num_classes=2)
        x, y, lengths = torch.randint(1, 12, (32, 64)), torch.randint(0, 2, (32,)), torch.full((32,), 64)
        return model, torch.optim.Adam(model.parameters(), lr=1e-3), lambda: (model(x, lengths), y)
    model = CharTransformer(vocab=96, d_model=128, nhead=4, num_layers=2, dim_feedforward=256, max_len=64)
    x, y = torch.randint(0, 96, (16, 64)), torch.randint(0, 96, (16 * 64,))
    return model, torch.optim.AdamW(model.parameters(), lr=1e-3), lambda: (model(x).reshape(-1, 96), y)


def measure(name):
    model, opt, fwd = make(name)
    model.train()
    loss_fn = torch.nn.CrossEntropyLoss()

    def step():
        opt.zero_grad()
        logits, y = fwd()
        loss_fn(logits, y).backward()
        opt.step()

    for _ in range(2):
        step()
    times = []
    for _ in range(steps):
        t0 = time.perf_counter()
        step()
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    return {"ms": times[len(times) // 2], "minMs": times[0]}


print(json.dumps({name: measure(name) for name in ("cnn", "lstm", "transformer")}))
