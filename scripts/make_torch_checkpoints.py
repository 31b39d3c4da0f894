#!/usr/bin/python3
"""
PyTorch <-> gradlab checkpoints, both ways (Debian's python3-torch; no safetensors package needed:
the format is read and written here with struct + json).

    /usr/bin/python3 scripts/make_torch_checkpoints.py
        writes test/fixtures/torch/checkpoint-net.safetensors (a trained BatchNorm1d + 2-layer
        bidirectional LSTM + 2-layer TransformerEncoder + Linear, PyTorch's names and dtypes:
        float32, int64 num_batches_tracked), checkpoint-net.json (its input and eval output),
        dtypes.safetensors / dtypes.json (F16, BF16, I64, I8, U8, BOOL, F64 values) and
        dtypes-i64-overflow.safetensors (an I64 value beyond int32).

    /usr/bin/python3 scripts/make_torch_checkpoints.py check <state.safetensors> <io.json>
        loads a state dict gradlab wrote with torch names into the same network with
        load_state_dict(strict=True), runs the input of io.json and prints JSON with the largest
        error against gradlab's output (io.json 'output').

    /usr/bin/python3 scripts/make_torch_checkpoints.py check-dtypes <file.safetensors> <expected.json>
        reads a file gradlab wrote in F16/BF16/I64/I8/U8/BOOL and compares with expected values.
"""
import json
import os
import struct
import sys

import torch
import torch.nn as nn

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'fixtures', 'torch')

CODES = {torch.float64: 'F64', torch.float32: 'F32', torch.float16: 'F16', torch.bfloat16: 'BF16',
         torch.int64: 'I64', torch.int32: 'I32', torch.int8: 'I8', torch.uint8: 'U8', torch.bool: 'BOOL'}
DTYPES = {v: k for k, v in CODES.items()}


def raw_bytes(t):
    t = t.detach().contiguous().cpu()
    if t.dtype == torch.bfloat16:
        t = t.view(torch.int16)
    return t.numpy().tobytes()


def save_safetensors(path, tensors, metadata=None):
    header, blobs, off = {}, [], 0
    if metadata:
        header['__metadata__'] = metadata
    for name in sorted(tensors):
        b = raw_bytes(tensors[name])
        header[name] = {'dtype': CODES[tensors[name].dtype], 'shape': list(tensors[name].shape), 'data_offsets': [off, off + len(b)]}
        off += len(b)
        blobs.append(b)
    head = json.dumps(header, separators=(',', ':')).encode()
    head += b' ' * ((8 - len(head) % 8) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(head)) + head + b''.join(blobs))


def load_safetensors(path):
    with open(path, 'rb') as f:
        buf = f.read()
    (n,) = struct.unpack('<Q', buf[:8])
    header = json.loads(buf[8:8 + n])
    base = 8 + n
    out = {}
    for name, e in header.items():
        if name == '__metadata__':
            continue
        b, end = e['data_offsets']
        dt = DTYPES[e['dtype']]
        chunk = bytearray(buf[base + b:base + end])
        if dt == torch.bfloat16:
            t = torch.frombuffer(chunk, dtype=torch.int16).view(torch.bfloat16) if chunk else torch.empty(0, dtype=dt)
        else:
            t = torch.frombuffer(chunk, dtype=dt) if chunk else torch.empty(0, dtype=dt)
        out[name] = t.reshape(e['shape']).clone()
    return out, header


class Net(nn.Module):
    """BatchNorm1d over features, a 2-layer bidirectional LSTM, a 2-layer TransformerEncoder, a Linear head: [T, B, 6] -> [T, B, 3]."""

    def __init__(self):
        super().__init__()
        self.bn = nn.BatchNorm1d(6)
        self.lstm = nn.LSTM(6, 8, num_layers=2, bidirectional=True)
        self.encoder = nn.TransformerEncoder(nn.TransformerEncoderLayer(16, 4, dim_feedforward=32, dropout=0.0), 2, enable_nested_tensor=False)
        self.head = nn.Linear(16, 3)

    def forward(self, x):
        T, B, F = x.shape
        h = self.bn(x.reshape(T * B, F)).reshape(T, B, F)
        out, _ = self.lstm(h)
        return self.head(self.encoder(out))


def num(v):
    """A JSON number, or 'Infinity' / '-Infinity' / 'NaN' as a string (JSON has no such numbers)."""
    v = float(v)
    return v if v == v and abs(v) != float('inf') else ('NaN' if v != v else ('Infinity' if v > 0 else '-Infinity'))


def arr(t):
    return {'shape': list(t.shape), 'data': [float(v) for v in t.detach().reshape(-1).double().tolist()]}


def make():
    torch.manual_seed(11)
    net = Net()
    with torch.no_grad():
        for p in net.parameters():
            p.add_(torch.randn_like(p) * 0.1)
    net.train()
    with torch.no_grad():
        for _ in range(3):
            net(torch.randn(5, 3, 6) * 2 + 0.5)
    net.eval()
    x = torch.randn(5, 3, 6)
    with torch.no_grad():
        y = net(x)
    sd = net.state_dict()
    assert sd['bn.num_batches_tracked'].dtype == torch.int64 and int(sd['bn.num_batches_tracked']) == 3
    save_safetensors(os.path.join(OUT, 'checkpoint-net.safetensors'), sd, {'made_by': 'scripts/make_torch_checkpoints.py', 'torch': torch.__version__})
    with open(os.path.join(OUT, 'checkpoint-net.json'), 'w') as f:
        json.dump({'torch': torch.__version__, 'keys': list(sd.keys()), 'input': arr(x), 'output': arr(y)}, f, separators=(',', ':'))

    half = torch.tensor([0.0, -0.0, 1.0, -2.5, 65504.0, -65504.0, 6.1035156e-05, 5.9604645e-08, 3.0517578e-05, 0.33325195, float('inf'), 1000.5], dtype=torch.float16)
    bf = torch.tensor([0.0, 1.0, -3.140625, 1.0e30, -1.5e-30, 3.3895314e38, 0.0078125, 255.0], dtype=torch.bfloat16)
    tensors = {
        'f16': half.reshape(3, 4), 'bf16': bf.reshape(2, 4),
        'i64': torch.tensor([0, -1, 2147483647, -2147483648, 42], dtype=torch.int64),
        'i8': torch.tensor([[-128, 127], [0, -5]], dtype=torch.int8), 'u8': torch.tensor([0, 255, 17], dtype=torch.uint8),
        'bool': torch.tensor([True, False, True], dtype=torch.bool), 'f64': torch.tensor([1e-300, -2.5, 1 / 3], dtype=torch.float64),
        '__proto__': torch.tensor([7.0, 8.0]), 'empty': torch.zeros(0, 3),
    }
    save_safetensors(os.path.join(OUT, 'dtypes.safetensors'), tensors)
    expected = {k: {'dtype': CODES[t.dtype], 'shape': list(t.shape), 'data': [num(v) for v in t.reshape(-1).double().tolist()]} for k, t in tensors.items()}
    with open(os.path.join(OUT, 'dtypes.json'), 'w') as f:
        json.dump({'torch': torch.__version__, 'tensors': expected}, f)
    save_safetensors(os.path.join(OUT, 'dtypes-i64-overflow.safetensors'), {'big': torch.tensor([1, 2, 2 ** 40], dtype=torch.int64)})
    for n in ['checkpoint-net.safetensors', 'checkpoint-net.json', 'dtypes.safetensors', 'dtypes.json', 'dtypes-i64-overflow.safetensors']:
        print(f'{os.path.join(OUT, n)}: {os.path.getsize(os.path.join(OUT, n))} bytes')


def check(state_path, io_path):
    sd, header = load_safetensors(state_path)
    with open(io_path) as f:
        io = json.load(f)
    net = Net()
    net.load_state_dict(sd, strict=True)
    net.eval()
    x = torch.tensor(io['input']['data'], dtype=torch.float32).reshape(io['input']['shape'])
    with torch.no_grad():
        y = net(x).double().reshape(-1)
    ref = torch.tensor(io['output']['data'], dtype=torch.float64)
    err = (y - ref).abs().max().item()
    scale = ref.abs().max().item()
    print(json.dumps({'torch': torch.__version__, 'strict': True, 'keys': len(sd), 'dtypes': sorted({e['dtype'] for k, e in header.items() if k != '__metadata__'}),
                      'maxAbsError': err, 'maxRelError': err / max(scale, 1e-12), 'num_batches_tracked': int(sd['bn.num_batches_tracked'])}))


def check_dtypes(path, expected_path):
    got, header = load_safetensors(path)
    with open(expected_path) as f:
        expected = json.load(f)
    bad = []
    for name, e in expected['tensors'].items():
        t = got.get(name)
        if t is None:
            bad.append(f'{name}: missing')
            continue
        if header[name]['dtype'] != e['dtype']:
            bad.append(f"{name}: dtype {header[name]['dtype']} != {e['dtype']}")
        vals = [num(v) for v in t.reshape(-1).double().tolist()]
        if list(t.shape) != e['shape'] or vals != e['data']:
            bad.append(f'{name}: {vals} != {e["data"]}')
    print(json.dumps({'torch': torch.__version__, 'checked': len(expected['tensors']), 'problems': bad}))


if __name__ == '__main__':
    if len(sys.argv) >= 2 and sys.argv[1] == 'check':
        check(sys.argv[2], sys.argv[3])
    elif len(sys.argv) >= 2 and sys.argv[1] == 'check-dtypes':
        check_dtypes(sys.argv[2], sys.argv[3])
    else:
        os.makedirs(OUT, exist_ok=True)
        make()
