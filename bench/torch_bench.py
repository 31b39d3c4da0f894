"""PyTorch side of `npm run bench` (bench/run.ts). Reads one workload name per line on stdin,
runs it once and prints the milliseconds (or 'unsupported'). Same synthetic data as bench/data.ts
(mulberry32, vectorised: output i depends only on seed + (i+1)*0x6D2B79F5)."""
import os, sys, time
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

threads = int(sys.argv[1]) if len(sys.argv) > 1 else 1
torch.set_num_threads(threads)
torch.manual_seed(0)
# TORCH_DEVICE=cuda (bench/webgpu.ts on a GPU machine): models and data on that device, each unit synchronised.
DEVICE = os.environ.get('TORCH_DEVICE', 'cpu')
if DEVICE != 'cpu':
    torch.set_default_device(DEVICE)

def sync():
    if DEVICE.startswith('cuda'):
        torch.cuda.synchronize()

def mulberry32(seed, n):
    i = np.arange(1, n + 1, dtype=np.uint64)
    t = ((seed + i * 0x6D2B79F5) & 0xFFFFFFFF).astype(np.uint32)
    def imul(a, b):
        return ((a.astype(np.uint64) * b.astype(np.uint64)) & 0xFFFFFFFF).astype(np.uint32)
    t = imul(t ^ (t >> np.uint32(15)), t | np.uint32(1))
    t = t ^ ((t + imul(t ^ (t >> np.uint32(7)), t | np.uint32(61))) & np.uint32(0xFFFFFFFF))
    return ((t ^ (t >> np.uint32(14))).astype(np.float64) / 4294967296.0)

def uniform(n, seed):
    return torch.from_numpy(mulberry32(seed, n).astype(np.float32)).to(DEVICE)

def ints(n, k, seed):
    return torch.from_numpy(np.floor(mulberry32(seed, n) * k).astype(np.int64)).to(DEVICE)

S = dict(mlpX=1, mlpY=2, cnnX=3, cnnY=4, seqX=5, seqY=6, gemmA=7, gemmB=8)

# GEMMs per W1 unit, as GEMM_REPEATS in bench/data.ts.
GEMM_REPEATS = {256: 8, 512: 2, 1024: 1, 4096: 1}

def gemm(n):
    a = uniform(n * n, S['gemmA']).view(n, n)
    b = uniform(n * n, S['gemmB']).view(n, n)
    def unit():
        for _ in range(GEMM_REPEATS[n]):
            torch.mm(a, b)
    return unit

def mlp():
    X = uniform(10000 * 784, S['mlpX']).view(10000, 784)
    Y = ints(10000, 10, S['mlpY'])
    model = nn.Sequential(nn.Linear(784, 100), nn.ReLU(), nn.Linear(100, 100), nn.ReLU(), nn.Linear(100, 100), nn.ReLU(), nn.Linear(100, 10))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    def epoch():
        for i in range(0, 10000, 300):
            opt.zero_grad()
            loss = F.cross_entropy(model(X[i:i + 300]), Y[i:i + 300])
            loss.backward()
            opt.step()
    return epoch

def cnn():
    X = uniform(64 * 784, S['cnnX']).view(64, 1, 28, 28)
    Y = ints(64, 10, S['cnnY'])
    model = nn.Sequential(nn.Conv2d(1, 32, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(32, 64, 5), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Flatten(), nn.Linear(1024, 100), nn.ReLU(), nn.Linear(100, 10))
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    def step():
        opt.zero_grad()
        F.cross_entropy(model(X), Y).backward()
        opt.step()
    return step

class Transformer(nn.Module):
    def __init__(self, heads, frozen):
        super().__init__()
        self.emb = nn.Embedding(20000, 100)
        self.emb.weight.requires_grad = not frozen
        layer = nn.TransformerEncoderLayer(100, heads, dim_feedforward=500, dropout=0.2, batch_first=True)
        self.enc = nn.TransformerEncoder(layer, 3, enable_nested_tensor=False)
        self.out = nn.Linear(100, 2)
    def forward(self, x):
        return self.out(self.enc(self.emb(x)).mean(1))

class Lstm(nn.Module):
    def __init__(self, frozen):
        super().__init__()
        self.emb = nn.Embedding(20000, 100)
        self.emb.weight.requires_grad = not frozen
        self.lstm = nn.LSTM(100, 100, batch_first=True)
        self.out = nn.Linear(100, 2)
    def forward(self, x):
        _, (h, _) = self.lstm(self.emb(x))
        return self.out(h[-1])

def seq(model, batch, opt):
    X = ints(batch * 200, 20000, S['seqX']).view(batch, 200)
    Y = ints(batch, 2, S['seqY'])
    params = [p for p in model.parameters() if p.requires_grad]
    o = torch.optim.SGD(params, lr=0.01) if opt == 'sgd' else torch.optim.Adam(params, lr=1e-3)
    model.train()
    def step():
        o.zero_grad()
        F.cross_entropy(model(X), Y).backward()
        o.step()
    return step

MAKERS = {
    'W1-256': lambda: gemm(256), 'W1-4096': lambda: gemm(4096), 'W1-512': lambda: gemm(512), 'W1-1024': lambda: gemm(1024),
    'W2': mlp, 'W3': cnn,
    'W4': lambda: seq(Transformer(1, False), 16, 'sgd'), 'W4-4h': lambda: seq(Transformer(4, False), 16, 'sgd'),
    'W4F': lambda: seq(Transformer(1, True), 16, 'sgd'),
    'W5': lambda: seq(Lstm(False), 64, 'adam'), 'W5F': lambda: seq(Lstm(True), 64, 'adam'),
}
cache = {}
print('ready', flush=True)
for line in sys.stdin:
    name = line.strip()
    if not name:
        continue
    if name not in MAKERS:
        print('unsupported', flush=True)
        continue
    if name not in cache:
        cache[name] = MAKERS[name]()
    fn = cache[name]
    sync()
    t = time.perf_counter()
    fn()
    sync()
    print((time.perf_counter() - t) * 1000, flush=True)
