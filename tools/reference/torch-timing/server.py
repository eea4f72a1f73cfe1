"""Timing server for `pnpm exp bench torch-compare`: one JSON request per stdin line, one JSON
reply per stdout line, so the TypeScript side can interleave its own timings with ours.

Requests:
  {"cmd": "hello"}                                  -> {"torch": version, "threads": n}
  {"cmd": "build", "model": "scfnet-mbv3-x0.5"|"csnet-l-x1", "size": 224}
                                                    -> {"params": trainable parameter count}
  {"cmd": "time", "model": ..., "what": "train"|"infer", "batch": 8, "warmup": 2, "iters": 5}
                                                    -> {"ms": [wall ms per iteration], "cpu_ms": [process CPU ms]}
  {"cmd": "profile", "model": ..., "what": ..., "batch": 8, "runs": 3}
                                                    -> {"total_ms": wall ms per run (profiler on),
                                                        "ops": [{"op", "calls", "self_ms"}] per run, slowest first}
  {"cmd": "quit"}
Train step = zero_grad + forward + mean BCE-with-logits over the outputs + backward + Adam(1e-3).
Inference = eval mode under torch.no_grad(). Threads: `--threads N` sets torch.set_num_threads;
the caller must also set OPENBLAS_NUM_THREADS=N (OpenBLAS reads it at load time, see TOOLCHAIN).
"""
import argparse
import json
import sys
import time

import torch
import torch.nn.functional as F

from csnet import Csnet
from scfnet import Scfnet

FACTORIES = {'scfnet-mbv3-x0.5': Scfnet, 'csnet-l-x1': Csnet}


def batch_for(size, n, seed):
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(n, 3, size, size, generator=g)
    t = (torch.rand(n, 1, size, size, generator=g) > 0.5).float()
    return x, t


class Entry:
    def __init__(self, name, size):
        torch.manual_seed(1)
        self.model = FACTORIES[name]()
        self.opt = torch.optim.Adam(self.model.parameters(), lr=1e-3)
        self.size = size
        self.data = {}

    def batch(self, n):
        if n not in self.data:
            self.data[n] = batch_for(self.size, n, 2)
        return self.data[n]

    def train_step(self, n):
        x, t = self.batch(n)
        self.model.train()
        self.opt.zero_grad(set_to_none=True)
        outs = self.model(x)
        loss = sum(F.binary_cross_entropy_with_logits(o, t) for o in outs) / len(outs)
        loss.backward()
        self.opt.step()
        return loss.item()

    def infer(self, n):
        x, _ = self.batch(n)
        self.model.eval()
        with torch.no_grad():
            return float(self.model(x)[0].view(-1)[0])


def profile(e, what, n, runs):
    """torch.profiler (CPU) over `runs` runs after one warm-up: self CPU time per aten op and run
    (exclusive, so the rows sum to the profiled time; autograd/optimizer wrappers included)."""
    from torch.profiler import ProfilerActivity
    from torch.profiler import profile as torch_profile
    fn = e.train_step if what == 'train' else e.infer
    fn(n)
    with torch_profile(activities=[ProfilerActivity.CPU]) as prof:
        t0 = time.perf_counter()
        for _ in range(runs):
            fn(n)
        total = (time.perf_counter() - t0) * 1000 / runs
    ops = [{'op': a.key, 'calls': a.count / runs, 'self_ms': a.self_cpu_time_total / 1000 / runs}
           for a in prof.key_averages()]
    ops.sort(key=lambda r: -r['self_ms'])
    return {'total_ms': total, 'ops': ops}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--threads', type=int, default=1)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    models = {}
    for line in sys.stdin:
        req = json.loads(line)
        cmd = req['cmd']
        if cmd == 'quit':
            break
        if cmd == 'hello':
            out = {'torch': torch.__version__, 'threads': torch.get_num_threads()}
        elif cmd == 'build':
            e = models[req['model']] = Entry(req['model'], req.get('size', 224))
            out = {'params': sum(p.numel() for p in e.model.parameters() if p.requires_grad)}
        elif cmd == 'time':
            e, n = models[req['model']], req.get('batch', 8)
            fn = e.train_step if req['what'] == 'train' else e.infer
            for _ in range(req.get('warmup', 1)):
                fn(n)
            ms, cpu = [], []
            for _ in range(req.get('iters', 5)):
                t0, c0 = time.perf_counter(), time.process_time()
                fn(n)
                ms.append((time.perf_counter() - t0) * 1000)
                cpu.append((time.process_time() - c0) * 1000)
            out = {'ms': ms, 'cpu_ms': cpu}
        elif cmd == 'profile':
            out = profile(models[req['model']], req['what'], req.get('batch', 8), req.get('runs', 3))
        else:
            out = {'error': f'unknown cmd {cmd!r}'}
        sys.stdout.write(json.dumps(out) + '\n')
        sys.stdout.flush()


if __name__ == '__main__':
    main()
