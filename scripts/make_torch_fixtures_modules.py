#!/usr/bin/python3
"""
Writes the PyTorch parity fixtures of the modules and options added for issue 11
(test/fixtures/torch/modules.json and modules-optim.json), a sibling of make_torch_fixtures.py
with the same case format (constructor arguments in gradlab's camelCase, PyTorch's state dict,
inputs, a random projection R_k per output, outputs, and the gradients of sum_k <out_k, R_k>
with respect to every float input and parameter). Cases here also keep the parameters after
the forward pass ('paramsAfter': Embedding max_norm renormalises rows in place).

Run by hand where Debian's PyTorch is installed:  /usr/bin/python3 scripts/make_torch_fixtures_modules.py
The test test/nn/parity-modules.test.ts reads the files.
"""
import json
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_torch_fixtures import arr, rnd, randomize, Fn  # noqa: E402

torch.set_default_dtype(torch.float32)
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'fixtures', 'torch')
CASES = []


def case(name, kind, args, module, inputs, fwd=None, train=True, no_grad_inputs=()):
    """Runs module on inputs and records values and gradients; fwd returns a tensor or a tuple."""
    module.train(train)
    state = {k: arr(v) for k, v in module.state_dict().items()}
    xs = []
    for i, x in enumerate(inputs):
        if x.is_floating_point() and i not in no_grad_inputs:
            x = x.clone().requires_grad_(True)
        xs.append(x)
    outs = fwd(module, *xs) if fwd else module(*xs)
    if not isinstance(outs, (tuple, list)):
        outs = (outs,)
    projs = [torch.randn(o.shape) if o.is_floating_point() else None for o in outs]
    total = sum((o * r).sum() for o, r in zip(outs, projs) if r is not None)
    total.backward()
    CASES.append({
        'name': name, 'kind': kind, 'args': args, 'train': train, 'state': state,
        'inputs': [arr(x) for x in inputs],
        'proj': [arr(r) if r is not None else None for r in projs],
        'outputs': [arr(o) for o in outs],
        'inputGrads': [arr(x.grad) if (x.is_floating_point() and x.grad is not None) else None for x in xs],
        'paramGrads': {k: arr(p.grad) for k, p in module.named_parameters() if p.grad is not None},
        'buffersAfter': {k: arr(v) for k, v in module.named_buffers()},
        'paramsAfter': {k: arr(v) for k, v in module.named_parameters()},
    })


def L(name, kind, args, f, inputs, no_grad=()):
    case(name, kind, args, Fn(f), inputs, no_grad_inputs=no_grad)


def new_modules():
    torch.manual_seed(10)
    x = rnd(2, 3, 4, lo=-4, hi=4)
    for name, kind, args, m in [
        ('hardswish', 'Hardswish', {}, nn.Hardswish()), ('mish', 'Mish', {}, nn.Mish()), ('softsign', 'Softsign', {}, nn.Softsign()),
        ('glu', 'GLU', {'dim': -1}, nn.GLU()), ('glu_dim1', 'GLU', {'dim': 1}, nn.GLU(1)),
        ('threshold', 'Threshold', {'threshold': 0.5, 'value': -2.0}, nn.Threshold(0.5, -2.0)),
        ('softmin', 'Softmin', {'dim': 1}, nn.Softmin(1)),
    ]:
        inp = rnd(2, 4, 6, lo=-4, hi=4) if kind == 'GLU' else x
        case(name, kind, args, m, [inp])
    case('unflatten', 'Unflatten', {'dim': 1, 'sizes': [2, -1]}, nn.Unflatten(1, (2, 3)), [rnd(2, 6, 2)])
    gn = nn.GroupNorm(2, 6)
    randomize(gn)
    case('groupnorm', 'GroupNorm', {'groups': 2, 'channels': 6}, gn, [rnd(3, 6, 5)])
    case('groupnorm_noaffine_2d', 'GroupNorm', {'groups': 3, 'channels': 3, 'affine': False, 'eps': 1e-3}, nn.GroupNorm(3, 3, eps=1e-3, affine=False), [rnd(2, 3, 2, 3)])
    case('instancenorm1d', 'InstanceNorm1d', {'n': 3}, nn.InstanceNorm1d(3), [rnd(2, 3, 5)])
    inn = nn.InstanceNorm1d(3, affine=True, track_running_stats=True, momentum=0.2)
    randomize(inn)
    case('instancenorm1d_affine_track', 'InstanceNorm1d', {'n': 3, 'affine': True, 'trackRunningStats': True, 'momentum': 0.2}, inn, [rnd(2, 3, 5)])
    inn2 = nn.InstanceNorm2d(2, affine=True, track_running_stats=True)
    randomize(inn2)
    with torch.no_grad():
        inn2.running_mean.copy_(rnd(2))
        inn2.running_var.copy_(rnd(2, lo=0.5, hi=1.5))
    case('instancenorm2d_eval', 'InstanceNorm2d', {'n': 2, 'affine': True, 'trackRunningStats': True}, inn2, [rnd(2, 2, 3, 4)], train=False)
    case('instancenorm2d', 'InstanceNorm2d', {'n': 2}, nn.InstanceNorm2d(2), [rnd(2, 2, 3, 4)])
    case('bilinear', 'Bilinear', {'in1': 3, 'in2': 4, 'out': 2}, nn.Bilinear(3, 4, 2), [rnd(5, 3), rnd(5, 4)])
    case('bilinear_nobias_3d', 'Bilinear', {'in1': 2, 'in2': 3, 'out': 4, 'bias': False}, nn.Bilinear(2, 3, 4, bias=False), [rnd(2, 3, 2), rnd(2, 3, 3)])
    case('rnncell', 'RNNCell', {'in': 3, 'hidden': 4}, nn.RNNCell(3, 4), [rnd(2, 3), rnd(2, 4)])
    case('rnncell_relu_noh', 'RNNCell', {'in': 3, 'hidden': 4, 'nonlinearity': 'relu'}, nn.RNNCell(3, 4, nonlinearity='relu'), [rnd(2, 3)])
    case('lstmcell', 'LSTMCell', {'in': 3, 'hidden': 4}, nn.LSTMCell(3, 4), [rnd(2, 3), rnd(2, 4), rnd(2, 4)],
         fwd=lambda m, x, h, c: m(x, (h, c)))
    case('lstmcell_unbatched_nobias', 'LSTMCell', {'in': 3, 'hidden': 2, 'bias': False}, nn.LSTMCell(3, 2, bias=False), [rnd(3)])
    case('grucell', 'GRUCell', {'in': 3, 'hidden': 4}, nn.GRUCell(3, 4), [rnd(2, 3), rnd(2, 4)])


def new_losses():
    torch.manual_seed(11)
    y = torch.tensor([1, -1, -1, 1])
    L('cosine_embedding', 'CosineEmbeddingLoss', {'margin': 0.2}, lambda a, b, t: F.cosine_embedding_loss(a, b, t, margin=0.2), [rnd(4, 5), rnd(4, 5), y])
    L('cosine_embedding_sum', 'CosineEmbeddingLoss', {'reduction': 'sum'}, lambda a, b, t: F.cosine_embedding_loss(a, b, t, reduction='sum'), [rnd(4, 5), rnd(4, 5), y])
    yr = torch.tensor([1.0, -1.0, 1.0, -1.0, 1.0])
    L('margin_ranking', 'MarginRankingLoss', {'margin': 0.3}, lambda a, b, t: F.margin_ranking_loss(a, b, t, margin=0.3), [rnd(5), rnd(5), yr], (2,))
    L('triplet', 'TripletMarginLoss', {}, F.triplet_margin_loss, [rnd(4, 5), rnd(4, 5), rnd(4, 5)])
    L('triplet_p1_swap_none', 'TripletMarginLoss', {'p': 1, 'swap': True, 'margin': 0.5, 'reduction': 'none'},
      lambda a, p, n: F.triplet_margin_loss(a, p, n, p=1, swap=True, margin=0.5, reduction='none'), [rnd(4, 5), rnd(4, 5), rnd(4, 5)])
    L('triplet_p3', 'TripletMarginLoss', {'p': 3, 'margin': 2.0}, lambda a, p, n: F.triplet_margin_loss(a, p, n, p=3, margin=2.0), [rnd(4, 5), rnd(4, 5), rnd(4, 5)])
    ys = (torch.randint(0, 2, (3, 4)) * 2 - 1).float()
    L('soft_margin', 'SoftMarginLoss', {}, F.soft_margin_loss, [rnd(3, 4, lo=-3, hi=3), ys], (1,))
    ml = torch.randint(0, 2, (3, 5)).float()
    w = rnd(5, lo=0.5, hi=1.5)
    L('multilabel_soft_margin', 'MultiLabelSoftMarginLoss', {}, F.multilabel_soft_margin_loss, [rnd(3, 5, lo=-3, hi=3), ml], (1,))
    L('multilabel_soft_margin_weight_none', 'MultiLabelSoftMarginLoss', {'weight': arr(w), 'reduction': 'none'},
      lambda x, t: F.multilabel_soft_margin_loss(x, t, weight=w, reduction='none'), [rnd(3, 5, lo=-3, hi=3), ml], (1,))
    mt = torch.tensor([[3, 0, -1, 1, 2], [1, 4, 2, 0, -1], [2, -1, 0, 0, 0]])
    L('multilabel_margin', 'MultiLabelMarginLoss', {}, F.multilabel_margin_loss, [rnd(3, 5), mt])
    L('multilabel_margin_sum', 'MultiLabelMarginLoss', {'reduction': 'sum'}, lambda x, t: F.multilabel_margin_loss(x, t, reduction='sum'), [rnd(3, 5), mt])


def write(name, obj):
    path = os.path.join(OUT, name)
    with open(path, 'w') as f:
        json.dump(obj, f, separators=(',', ':'))
    print(f'{path}: {os.path.getsize(path)} bytes')


if __name__ == '__main__':
    os.makedirs(OUT, exist_ok=True)
    meta = {'torch': torch.__version__, 'python': sys.version.split()[0]}
    new_modules()
    new_losses()
    write('modules.json', {**meta, 'cases': CASES})
