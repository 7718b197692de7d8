#!/usr/bin/env python3
"""Baseline for bench/loop.ts: the loop `npm run train` runs, written in PyTorch 1.13.

Usage: torch_train_loop.py EPOCHS SAMPLES THREADS OUT_DIR. Random signals of the CLI's shape (SAMPLES, 1,
1200) float32 with random 2-class labels; the CLI's split (20% held out for validation, randomly);
DataLoader batch 32 shuffled (validation unshuffled); CrossEntropyLoss against one-hot float targets; SGD
lr 0.003 momentum 0.9; the reference model (test/fixtures/inception1d.py); validation loss and accuracy
each epoch; the best state_dict saved with torch.save. torch.set_num_threads(THREADS); the caller sets the
faster malloc setting in the environment. Prints one line per epoch, then one JSON line.
"""
import json
import os
import sys
import time

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset, random_split

t_start = time.perf_counter()
epochs, samples, threads, out_dir = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
torch.set_num_threads(threads)
here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "test", "fixtures"))
from inception1d import Inception1d  # noqa: E402

torch.manual_seed(0)
x = torch.randn(samples, 1, 1200)
y = torch.randint(0, 2, (samples,))
n_val = max(1, round(samples * 0.2))
train_set, val_set = random_split(TensorDataset(x, y), [samples - n_val, n_val], generator=torch.Generator().manual_seed(0))
train_loader = DataLoader(train_set, batch_size=32, shuffle=True)
val_loader = DataLoader(val_set, batch_size=32)

net = Inception1d()
loss_fn = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(net.parameters(), lr=0.003, momentum=0.9)
os.makedirs(out_dir, exist_ok=True)
best_acc = -1.0
for epoch in range(1, epochs + 1):
    te = time.perf_counter()
    net.train()
    running, steps = 0.0, 0
    for xb, yb in train_loader:
        optimizer.zero_grad()
        loss = loss_fn(net(xb), nn.functional.one_hot(yb, 2).float())
        loss.backward()
        optimizer.step()
        running += loss.item()
        steps += 1
    net.eval()
    val_loss, correct, seen = 0.0, 0, 0
    with torch.no_grad():
        for xb, yb in val_loader:
            pred = net(xb)
            val_loss += loss_fn(pred, nn.functional.one_hot(yb, 2).float()).item() * yb.numel()
            correct += (pred.argmax(1) == yb).sum().item()
            seen += yb.numel()
    acc = correct / seen
    print(f"epoch {epoch}/{epochs} train loss {running / steps:.3f} val loss {val_loss / seen:.3f} acc {acc:.4f} "
          f"({time.perf_counter() - te:.1f} s)", flush=True)
    if acc > best_acc:
        best_acc = acc
        torch.save(net.state_dict(), os.path.join(out_dir, "signal_classes.pth"))
print(json.dumps({"seconds": time.perf_counter() - t_start, "bestAcc": best_acc, "threads": torch.get_num_threads()}))
