#!/usr/bin/python3
"""
Writes the PyTorch parity fixtures of gradlab (test/fixtures/torch/*.json).

Run by hand on a machine with Debian's PyTorch:  apt-get install -y python3-torch
    /usr/bin/python3 scripts/make_torch_fixtures.py
The tests test/nn/parity.test.ts and test/optim/parity.test.ts load the files and check gradlab
against them. Every case is small, seeded and float32 (float64 for the optimizer trajectories'
inputs is not needed: both sides run float32).

Layer / loss cases hold: the constructor arguments (in gradlab's camelCase), the state dict under
PyTorch's key names, the inputs, a fixed random projection R_k per output, the outputs, and the
gradients of sum_k <out_k, R_k> with respect to every float input and every parameter. Buffers
after the forward pass are stored too (batch-norm running statistics).

Optimizer cases hold 20 steps of parameter values on a small least-squares problem; schedule
cases hold the learning rate (and momentum) after creation and after each of 20 steps.
"""
import json
import math
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_default_dtype(torch.float32)
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'fixtures', 'torch')


def arr(t):
    t = t.detach()
    if t.dtype in (torch.int64, torch.int32, torch.bool):
        return {'shape': list(t.shape), 'dtype': 'int32', 'data': [int(v) for v in t.reshape(-1).tolist()]}
    return {'shape': list(t.shape), 'data': [float('%.8g' % v) for v in t.reshape(-1).double().tolist()]}


def rnd(*shape, lo=-1.0, hi=1.0):
    return torch.rand(*shape) * (hi - lo) + lo


def randomize(module, scale=0.5):
    """Non-default parameter values (so that e.g. LayerNorm's weight is not all ones)."""
    with torch.no_grad():
        for p in module.parameters():
            p.copy_(rnd(*p.shape) * scale + (1.0 if p.dim() == 1 and scale == 0 else 0))


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
    projs = [torch.randn(o.shape) for o in outs]
    total = sum((o * r).sum() for o, r in zip(outs, projs))
    total.backward()
    CASES.append({
        'name': name, 'kind': kind, 'args': args, 'train': train, 'state': state,
        'inputs': [arr(x) for x in inputs],
        'proj': [arr(r) for r in projs],
        'outputs': [arr(o) for o in outs],
        'inputGrads': [arr(x.grad) if (x.is_floating_point() and x.grad is not None) else None for x in xs],
        'paramGrads': {k: arr(p.grad) for k, p in module.named_parameters() if p.grad is not None},
        'buffersAfter': {k: arr(v) for k, v in module.named_buffers()},
    })


class Fn(nn.Module):
    """Wraps a function as a module (losses and activations given as functions)."""

    def __init__(self, f):
        super().__init__()
        self.f = f

    def forward(self, *xs):
        return self.f(*xs)


def layers():
    torch.manual_seed(0)
    case('linear', 'Linear', {'in': 4, 'out': 3}, nn.Linear(4, 3), [rnd(2, 5, 4)])
    case('conv1d', 'Conv1d', {'in': 2, 'out': 3, 'k': 3, 'stride': 2, 'padding': 1}, nn.Conv1d(2, 3, 3, stride=2, padding=1), [rnd(2, 2, 9)])
    case('conv1d_dilated_nobias', 'Conv1d', {'in': 3, 'out': 2, 'k': 2, 'dilation': 2, 'bias': False}, nn.Conv1d(3, 2, 2, dilation=2, bias=False), [rnd(1, 3, 7)])
    case('conv2d', 'Conv2d', {'in': 2, 'out': 3, 'k': [2, 3], 'stride': [2, 1], 'padding': [1, 1], 'dilation': [1, 2]},
         nn.Conv2d(2, 3, (2, 3), stride=(2, 1), padding=(1, 1), dilation=(1, 2)), [rnd(2, 2, 5, 6)])
    case('maxpool1d', 'MaxPool1d', {'k': 3, 'stride': 2, 'padding': 1}, nn.MaxPool1d(3, stride=2, padding=1), [rnd(2, 3, 9)])
    case('maxpool1d_ceil', 'MaxPool1d', {'k': 2, 'ceilMode': True}, nn.MaxPool1d(2, ceil_mode=True), [rnd(1, 2, 7)])
    case('maxpool2d', 'MaxPool2d', {'k': 2}, nn.MaxPool2d(2), [rnd(1, 2, 5, 6)])
    case('maxpool2d_pad', 'MaxPool2d', {'k': 3, 'stride': 2, 'padding': 1}, nn.MaxPool2d(3, stride=2, padding=1), [rnd(1, 2, 5, 6)])
    case('avgpool1d', 'AvgPool1d', {'k': 3, 'stride': 2, 'padding': 1}, nn.AvgPool1d(3, stride=2, padding=1), [rnd(2, 2, 8)])
    case('avgpool1d_nopad_ceil', 'AvgPool1d', {'k': 3, 'stride': 2, 'padding': 1, 'ceilMode': True, 'countIncludePad': False},
         nn.AvgPool1d(3, stride=2, padding=1, ceil_mode=True, count_include_pad=False), [rnd(2, 2, 8)])
    case('avgpool2d', 'AvgPool2d', {'k': 2, 'stride': 1, 'padding': 1}, nn.AvgPool2d(2, stride=1, padding=1), [rnd(1, 2, 3, 4)])
    case('adaptiveavgpool1d', 'AdaptiveAvgPool1d', {'out': 3}, nn.AdaptiveAvgPool1d(3), [rnd(2, 3, 7)])
    case('adaptiveavgpool1d_global', 'AdaptiveAvgPool1d', {'out': 1}, nn.AdaptiveAvgPool1d(1), [rnd(2, 3, 7)])
    case('adaptiveavgpool2d', 'AdaptiveAvgPool2d', {'out': [2, 3]}, nn.AdaptiveAvgPool2d((2, 3)), [rnd(1, 2, 5, 7)])
    case('flatten', 'Flatten', {}, nn.Flatten(), [rnd(2, 3, 4)])
    case('embedding_padding', 'Embedding', {'n': 7, 'dim': 4, 'paddingIdx': 2}, nn.Embedding(7, 4, padding_idx=2),
         [torch.tensor([[1, 2, 6, 2, 0], [3, 3, 2, 5, 4]])])
    ln = nn.LayerNorm([3, 4])
    randomize(ln)
    case('layernorm', 'LayerNorm', {'shape': [3, 4]}, ln, [rnd(2, 3, 4)])
    bn = nn.BatchNorm1d(3)
    randomize(bn)
    case('batchnorm1d_train', 'BatchNorm1d', {'n': 3}, bn, [rnd(4, 3)])
    bn = nn.BatchNorm1d(3, momentum=0.3)
    randomize(bn)
    case('batchnorm1d_3d_train', 'BatchNorm1d', {'n': 3, 'momentum': 0.3}, bn, [rnd(4, 3, 5)])
    bn = nn.BatchNorm2d(2)
    randomize(bn)
    with torch.no_grad():
        bn.running_mean.copy_(rnd(2))
        bn.running_var.copy_(rnd(2, lo=0.5, hi=1.5))
    case('batchnorm2d_eval', 'BatchNorm2d', {'n': 2}, bn, [rnd(3, 2, 3, 3)], train=False)
    bn = nn.BatchNorm2d(2)
    case('batchnorm2d_train', 'BatchNorm2d', {'n': 2}, bn, [rnd(3, 2, 3, 3)])

    rnn = nn.RNN(3, 4, num_layers=2)
    case('rnn_2layers', 'RNN', {'in': 3, 'hidden': 4, 'numLayers': 2}, rnn, [rnd(5, 2, 3)], fwd=lambda m, x: m(x))
    rnn = nn.RNN(3, 4, nonlinearity='relu', batch_first=True, bidirectional=True)
    case('rnn_relu_bi', 'RNN', {'in': 3, 'hidden': 4, 'nonlinearity': 'relu', 'batchFirst': True, 'bidirectional': True}, rnn,
         [rnd(2, 4, 3), rnd(2, 2, 4)], fwd=lambda m, x, h: m(x, h))
    lstm = nn.LSTM(3, 4, num_layers=2, bidirectional=True, batch_first=True)
    case('lstm_2layers_bi', 'LSTM', {'in': 3, 'hidden': 4, 'numLayers': 2, 'bidirectional': True, 'batchFirst': True}, lstm,
         [rnd(2, 5, 3)], fwd=lambda m, x: (m(x)[0], m(x)[1][0], m(x)[1][1]))
    lstm = nn.LSTM(3, 4, batch_first=True, bidirectional=True)
    lengths = [5, 3, 1]

    def packed(m, x, *state):
        p = nn.utils.rnn.pack_padded_sequence(x, torch.tensor(lengths), batch_first=True, enforce_sorted=False)
        out, hs = m(p, *state) if state else m(p)
        o, _ = nn.utils.rnn.pad_packed_sequence(out, batch_first=True, total_length=x.shape[1])
        return (o,) + (tuple(hs) if isinstance(hs, tuple) else (hs,))
    case('lstm_packed', 'LSTM', {'in': 3, 'hidden': 4, 'batchFirst': True, 'bidirectional': True, 'lengths': lengths}, lstm,
         [rnd(3, 5, 3)], fwd=packed)
    gru = nn.GRU(3, 4, bidirectional=True)
    case('gru_bi_h0', 'GRU', {'in': 3, 'hidden': 4, 'bidirectional': True}, gru, [rnd(5, 2, 3), rnd(2, 2, 4)],
         fwd=lambda m, x, h: m(x, h))
    gru = nn.GRU(3, 4, num_layers=2, batch_first=True)
    case('gru_packed', 'GRU', {'in': 3, 'hidden': 4, 'numLayers': 2, 'batchFirst': True, 'lengths': lengths}, gru, [rnd(3, 5, 3)], fwd=packed)

    mha = nn.MultiheadAttention(8, 2, batch_first=True)
    randomize(mha)
    kpm = torch.tensor([[False, False, False, True], [False, False, False, False]])
    case('mha_kpm', 'MultiheadAttention', {'embed': 8, 'heads': 2, 'batchFirst': True, 'keyPaddingMask': arr(kpm)}, mha,
         [rnd(2, 3, 8), rnd(2, 4, 8), rnd(2, 4, 8)], fwd=lambda m, q, k, v: m(q, k, v, key_padding_mask=kpm))
    mha = nn.MultiheadAttention(8, 4, bias=False)
    am = rnd(3, 3)
    case('mha_attnmask_heads', 'MultiheadAttention', {'embed': 8, 'heads': 4, 'bias': False, 'attnMask': arr(am), 'average': False}, mha,
         [rnd(3, 2, 8)], fwd=lambda m, x: m(x, x, x, attn_mask=am, average_attn_weights=False))
    layer = nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, dropout=0.0, batch_first=True)
    randomize(layer, 0.3)
    kpm2 = torch.tensor([[False, False, True, True], [False, False, False, False]])
    case('encoder_layer_postnorm', 'TransformerEncoderLayer', {'d': 8, 'heads': 2, 'ff': 16, 'batchFirst': True, 'keyPaddingMask': arr(kpm2)},
         layer, [rnd(2, 4, 8)], fwd=lambda m, x: m(x, src_key_padding_mask=kpm2))
    layer = nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, dropout=0.0, activation='gelu', norm_first=True)
    randomize(layer, 0.3)
    case('encoder_layer_prenorm_gelu', 'TransformerEncoderLayer', {'d': 8, 'heads': 2, 'ff': 16, 'normFirst': True, 'activation': 'gelu'},
         layer, [rnd(4, 2, 8)])
    enc = nn.TransformerEncoder(nn.TransformerEncoderLayer(8, 2, dim_feedforward=12, dropout=0.0, batch_first=True), 2, norm=nn.LayerNorm(8))
    randomize(enc, 0.3)
    case('encoder_2layers_norm', 'TransformerEncoder', {'d': 8, 'heads': 2, 'ff': 12, 'layers': 2, 'batchFirst': True, 'norm': True},
         enc, [rnd(2, 3, 8)])

    acts = [
        ('relu', 'ReLU', {}, nn.ReLU()), ('leakyrelu', 'LeakyReLU', {'slope': 0.1}, nn.LeakyReLU(0.1)),
        ('tanh', 'Tanh', {}, nn.Tanh()), ('sigmoid', 'Sigmoid', {}, nn.Sigmoid()),
        ('elu', 'ELU', {'alpha': 0.7}, nn.ELU(0.7)), ('celu', 'CELU', {'alpha': 1.3}, nn.CELU(1.3)), ('selu', 'SELU', {}, nn.SELU()),
        ('gelu', 'GELU', {}, nn.GELU()), ('gelu_tanh', 'GELU', {'approximate': 'tanh'}, nn.GELU(approximate='tanh')),
        ('softplus', 'Softplus', {'beta': 2, 'threshold': 1.5}, nn.Softplus(2, 1.5)), ('logsigmoid', 'LogSigmoid', {}, nn.LogSigmoid()),
        ('silu', 'SiLU', {}, nn.SiLU()), ('hardtanh', 'Hardtanh', {}, nn.Hardtanh()),
        ('softmax', 'Softmax', {'dim': 1}, nn.Softmax(1)), ('logsoftmax', 'LogSoftmax', {'dim': 1}, nn.LogSoftmax(1)),
    ]
    for name, kind, args, m in acts:
        case(name, kind, args, m, [rnd(2, 3, 4, lo=-3, hi=3)])
    p = nn.PReLU(3)
    randomize(p)
    case('prelu_channels', 'PReLU', {'n': 3}, p, [rnd(2, 3, 4, lo=-3, hi=3)])
    case('prelu_shared', 'PReLU', {'n': 1}, nn.PReLU(), [rnd(2, 3, lo=-3, hi=3)])

    # Blocks that torch.nn does not have, written here with torch ops as the reference.
    class PE(nn.Module):
        def __init__(self, d, max_len):
            super().__init__()
            position = torch.arange(max_len).unsqueeze(1)
            div_term = torch.exp(torch.arange(0, d, 2) * (-math.log(10000.0) / d))
            pe = torch.zeros(max_len, d)
            pe[:, 0::2] = torch.sin(position * div_term)
            pe[:, 1::2] = torch.cos(position * div_term)
            self.register_buffer('pe', pe, persistent=False)

        def forward(self, x):
            return x + self.pe[:x.size(0)].unsqueeze(1)
    case('positional_encoding', 'PositionalEncoding', {'d': 6, 'maxLen': 10}, PE(6, 10), [rnd(7, 2, 6)])

    class Cls(nn.Module):
        def __init__(self, e):
            super().__init__()
            self.cls = nn.Parameter(torch.randn(1, 1, e))

        def forward(self, x):
            return torch.cat([self.cls.expand(x.shape[0], 1, -1), x], 1)
    case('cls_token', 'ClsToken', {'e': 4}, Cls(4), [rnd(2, 3, 4)])

    mask = torch.tensor([[False, False, False, True, True], [False, False, False, False, False]])
    keep = (~mask).float()

    def masked_mean(x):
        return (x * keep.unsqueeze(2)).sum(1) / keep.sum(1, keepdim=True)

    class Pool(nn.Module):
        def __init__(self, e, query, hidden=0, value=False):
            super().__init__()
            self.query = query
            if query == 'learned':
                self.q = nn.Parameter(rnd(e))
            elif query == 'linear':
                self.queryNet = nn.Linear(e, e)
            elif query == 'mlp':
                self.queryHidden = nn.Linear(e, hidden)
                self.queryNet = nn.Linear(hidden, e)
            if value:
                self.valueNet = nn.Linear(e, e)
            self.value = value

        def forward(self, x):
            if self.query == 'mean':
                w = keep / keep.sum(1, keepdim=True)
            else:
                if self.query == 'learned':
                    q = self.q.expand(x.shape[0], -1)
                elif self.query == 'linear':
                    q = self.queryNet(masked_mean(x))
                else:
                    q = self.queryNet(torch.relu(self.queryHidden(masked_mean(x))))
                scores = (x @ q.unsqueeze(2)).squeeze(2).masked_fill(mask, float('-inf'))
                w = torch.softmax(scores, 1)
            v = self.valueNet(x) if self.value else x
            return (w.unsqueeze(1) @ v).squeeze(1), w
    for q, h, v in [('mean', 0, False), ('learned', 0, False), ('linear', 0, False), ('mlp', 5, False), ('linear', 0, True)]:
        case(f'pool_{q}{"_value" if v else ""}', 'AttentionPooling', {'e': 4, 'query': q, 'hidden': h, 'value': v, 'mask': arr(mask)},
             Pool(4, q, h, v), [rnd(2, 5, 4)])


def losses():
    torch.manual_seed(1)

    def L(name, kind, args, f, inputs, no_grad=()):
        case(name, kind, args, Fn(f), inputs, no_grad_inputs=no_grad)
    y = torch.tensor([2, 0, 1, 2])
    w = rnd(3, lo=0.2, hi=1.5)
    L('cross_entropy', 'CrossEntropyLoss', {}, lambda x, t: F.cross_entropy(x, t), [rnd(4, 3, lo=-2, hi=2), y])
    yi = torch.tensor([2, -100, 1, 0])
    L('cross_entropy_weight_ignore_smooth', 'CrossEntropyLoss', {'weight': arr(w), 'ignoreIndex': -100, 'labelSmoothing': 0.1},
      lambda x, t: F.cross_entropy(x, t, weight=w, label_smoothing=0.1), [rnd(4, 3, lo=-2, hi=2), yi])
    L('cross_entropy_spatial_sum', 'CrossEntropyLoss', {'reduction': 'sum'}, lambda x, t: F.cross_entropy(x, t, reduction='sum'),
      [rnd(2, 3, 4, lo=-2, hi=2), torch.tensor([[0, 1, 2, 1], [2, 2, 0, 1]])])
    L('nll_weight', 'NLLLoss', {'weight': arr(w)}, lambda x, t: F.nll_loss(x, t, weight=w), [F.log_softmax(rnd(4, 3), 1).detach(), y])
    L('nll_none', 'NLLLoss', {'reduction': 'none'}, lambda x, t: F.nll_loss(x, t, reduction='none'), [rnd(4, 3), y])
    L('mse', 'MSELoss', {}, F.mse_loss, [rnd(3, 4), rnd(3, 4)], (1,))
    L('mse_sum', 'MSELoss', {'reduction': 'sum'}, lambda a, b: F.mse_loss(a, b, reduction='sum'), [rnd(3, 4), rnd(3, 4)], (1,))
    bw = rnd(4, lo=0.5, hi=1.5)
    L('bce_weight', 'BCELoss', {'weight': arr(bw)}, lambda p, t: F.binary_cross_entropy(p, t, weight=bw), [rnd(3, 4, lo=0.05, hi=0.95), rnd(3, 4, lo=0, hi=1)], (1,))
    pw = rnd(4, lo=0.5, hi=3)
    L('bce_logits_posweight', 'BCEWithLogitsLoss', {'posWeight': arr(pw)}, lambda x, t: F.binary_cross_entropy_with_logits(x, t, pos_weight=pw),
      [rnd(3, 4, lo=-3, hi=3), torch.randint(0, 2, (3, 4)).float()], (1,))
    L('l1', 'L1Loss', {}, F.l1_loss, [rnd(3, 4), rnd(3, 4)], (1,))
    L('smooth_l1', 'SmoothL1Loss', {'beta': 0.5}, lambda a, b: F.smooth_l1_loss(a, b, beta=0.5), [rnd(3, 4), rnd(3, 4)], (1,))
    L('huber_none', 'HuberLoss', {'delta': 0.3, 'reduction': 'none'}, lambda a, b: F.huber_loss(a, b, delta=0.3, reduction='none'), [rnd(3, 4), rnd(3, 4)], (1,))
    tgt = torch.softmax(rnd(3, 4, lo=-2, hi=2), 1)
    L('kldiv_batchmean', 'KLDivLoss', {'reduction': 'batchmean'}, lambda x, t: F.kl_div(x, t, reduction='batchmean'),
      [F.log_softmax(rnd(3, 4), 1).detach(), tgt], (1,))
    L('kldiv_logtarget_sum', 'KLDivLoss', {'reduction': 'sum', 'logTarget': True}, lambda x, t: F.kl_div(x, t, reduction='sum', log_target=True),
      [F.log_softmax(rnd(3, 4), 1).detach(), tgt.log()], (1,))
    L('gaussian_nll_full', 'GaussianNLLLoss', {'full': True}, lambda x, t, v: F.gaussian_nll_loss(x, t, v, full=True),
      [rnd(3, 4), rnd(3, 4), rnd(3, lo=0.2, hi=2)], (1,))
    L('gaussian_nll_eps', 'GaussianNLLLoss', {'eps': 0.1, 'reduction': 'sum'}, lambda x, t, v: F.gaussian_nll_loss(x, t, v, eps=0.1, reduction='sum'),
      [rnd(3, 4), rnd(3, 4), rnd(3, 4, lo=0.01, hi=1)], (1,))
    L('poisson_nll', 'PoissonNLLLoss', {}, F.poisson_nll_loss, [rnd(3, 4), torch.randint(0, 5, (3, 4)).float()], (1,))
    L('poisson_nll_full_nolog', 'PoissonNLLLoss', {'logInput': False, 'full': True}, lambda x, t: F.poisson_nll_loss(x, t, log_input=False, full=True),
      [rnd(3, 4, lo=0.5, hi=4), torch.randint(0, 5, (3, 4)).float()], (1,))
    L('multi_margin', 'MultiMarginLoss', {}, F.multi_margin_loss, [rnd(4, 3), y])
    L('multi_margin_p2_weight', 'MultiMarginLoss', {'p': 2, 'margin': 0.7, 'weight': arr(w)},
      lambda x, t: F.multi_margin_loss(x, t, p=2, margin=0.7, weight=w), [rnd(4, 3), y])
    L('hinge_embedding', 'HingeEmbeddingLoss', {'margin': 0.5}, lambda x, t: F.hinge_embedding_loss(x, t, margin=0.5),
      [rnd(3, 4, lo=-1, hi=2), (torch.randint(0, 2, (3, 4)) * 2 - 1).float()], (1,))


OPTIMS = []


def optims():
    torch.manual_seed(2)
    X = rnd(8, 4)
    Y = rnd(8, 3)
    W0 = rnd(3, 4) * 0.5
    b0 = rnd(3) * 0.5
    configs = [
        ('sgd', 'SGD', {'lr': 0.1}, lambda ps: torch.optim.SGD(ps, lr=0.1)),
        ('sgd_momentum_dampening_wd', 'SGD', {'lr': 0.05, 'momentum': 0.9, 'dampening': 0.1, 'weightDecay': 0.01},
         lambda ps: torch.optim.SGD(ps, lr=0.05, momentum=0.9, dampening=0.1, weight_decay=0.01)),
        ('sgd_nesterov', 'SGD', {'lr': 0.05, 'momentum': 0.8, 'nesterov': True}, lambda ps: torch.optim.SGD(ps, lr=0.05, momentum=0.8, nesterov=True)),
        ('adam', 'Adam', {'lr': 0.05}, lambda ps: torch.optim.Adam(ps, lr=0.05)),
        ('adam_amsgrad_wd', 'Adam', {'lr': 0.05, 'weightDecay': 0.1, 'amsgrad': True, 'betas': [0.8, 0.99]},
         lambda ps: torch.optim.Adam(ps, lr=0.05, weight_decay=0.1, amsgrad=True, betas=(0.8, 0.99))),
        ('adamw', 'AdamW', {'lr': 0.05, 'weightDecay': 0.1}, lambda ps: torch.optim.AdamW(ps, lr=0.05, weight_decay=0.1)),
        ('adamax', 'Adamax', {'lr': 0.05, 'weightDecay': 0.01}, lambda ps: torch.optim.Adamax(ps, lr=0.05, weight_decay=0.01)),
        ('nadam', 'NAdam', {'lr': 0.05}, lambda ps: torch.optim.NAdam(ps, lr=0.05, foreach=True)),
        ('nadam_wd', 'NAdam', {'lr': 0.05, 'weightDecay': 0.05, 'momentumDecay': 0.01},
         lambda ps: torch.optim.NAdam(ps, lr=0.05, weight_decay=0.05, momentum_decay=0.01, foreach=True)),
        ('radam', 'RAdam', {'lr': 0.05}, lambda ps: torch.optim.RAdam(ps, lr=0.05)),
        ('radam_wd', 'RAdam', {'lr': 0.05, 'weightDecay': 0.1, 'betas': [0.9, 0.9]}, lambda ps: torch.optim.RAdam(ps, lr=0.05, weight_decay=0.1, betas=(0.9, 0.9))),
        ('rmsprop', 'RMSprop', {'lr': 0.01}, lambda ps: torch.optim.RMSprop(ps, lr=0.01)),
        ('rmsprop_centered_momentum', 'RMSprop', {'lr': 0.01, 'alpha': 0.9, 'centered': True, 'momentum': 0.5, 'weightDecay': 0.01},
         lambda ps: torch.optim.RMSprop(ps, lr=0.01, alpha=0.9, centered=True, momentum=0.5, weight_decay=0.01)),
        ('adagrad', 'Adagrad', {'lr': 0.1, 'lrDecay': 0.05, 'initialAccumulatorValue': 0.1},
         lambda ps: torch.optim.Adagrad(ps, lr=0.1, lr_decay=0.05, initial_accumulator_value=0.1)),
        ('adadelta', 'Adadelta', {}, lambda ps: torch.optim.Adadelta(ps)),
        ('adadelta_rho_wd', 'Adadelta', {'lr': 0.5, 'rho': 0.8, 'weightDecay': 0.1}, lambda ps: torch.optim.Adadelta(ps, lr=0.5, rho=0.8, weight_decay=0.1)),
    ]
    for name, kind, args, make in configs:
        W = W0.clone().requires_grad_(True)
        b = b0.clone().requires_grad_(True)
        opt = make([W, b])
        traj = []
        for _ in range(20):
            opt.zero_grad()
            F.mse_loss(X @ W.t() + b, Y).backward()
            opt.step()
            traj.append([float('%.8g' % v) for v in torch.cat([W.detach().reshape(-1), b.detach()]).tolist()])
        OPTIMS.append({'name': name, 'kind': kind, 'args': args, 'groups': None, 'trajectory': traj})
    # Parameter groups with their own learning rates.
    W = W0.clone().requires_grad_(True)
    b = b0.clone().requires_grad_(True)
    opt = torch.optim.SGD([{'params': [W]}, {'params': [b], 'lr': 0.01}], lr=0.1, momentum=0.5)
    traj = []
    for _ in range(20):
        opt.zero_grad()
        F.mse_loss(X @ W.t() + b, Y).backward()
        opt.step()
        traj.append([float('%.8g' % v) for v in torch.cat([W.detach().reshape(-1), b.detach()]).tolist()])
    OPTIMS.append({'name': 'sgd_groups', 'kind': 'SGD', 'args': {'lr': 0.1, 'momentum': 0.5}, 'groups': [{}, {'lr': 0.01}], 'trajectory': traj})
    return {'X': arr(X), 'Y': arr(Y), 'W0': arr(W0), 'b0': arr(b0), 'cases': OPTIMS}


def schedules():
    out = []

    def run(name, kind, args, make_opt, make_sched, metrics=None):
        p = torch.zeros(2, requires_grad=True)
        opt = make_opt([p])
        s = make_sched(opt)
        g = opt.param_groups[0]

        def mom():
            return g['betas'][0] if 'betas' in g else g.get('momentum', 0)
        lrs, moms = [g['lr']], [mom()]
        for i in range(20):
            opt.step()
            if metrics is not None:
                s.step(metrics[i])
            else:
                s.step()
            lrs.append(g['lr'])
            moms.append(mom())
        out.append({'name': name, 'kind': kind, 'args': args, 'lrs': lrs, 'momentum': moms, 'metrics': metrics})
    sgd = lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.9)
    adam = lambda ps: torch.optim.Adam(ps, lr=0.1)
    S = torch.optim.lr_scheduler
    run('step', 'StepLR', {'stepSize': 3, 'gamma': 0.5}, sgd, lambda o: S.StepLR(o, 3, 0.5))
    run('multistep', 'MultiStepLR', {'milestones': [2, 5, 11], 'gamma': 0.3}, sgd, lambda o: S.MultiStepLR(o, [2, 5, 11], 0.3))
    run('exponential', 'ExponentialLR', {'gamma': 0.9}, sgd, lambda o: S.ExponentialLR(o, 0.9))
    run('inverse_time', 'InverseTimeLR', {'decay': 0.009}, sgd, lambda o: S.LambdaLR(o, lambda t: 1 / (1 + 0.009 * t)))
    run('cosine', 'CosineAnnealingLR', {'tMax': 7, 'etaMin': 0.01}, sgd, lambda o: S.CosineAnnealingLR(o, 7, 0.01))
    run('linear', 'LinearLR', {'startFactor': 0.25, 'endFactor': 1.0, 'totalIters': 4}, sgd, lambda o: S.LinearLR(o, 0.25, 1.0, 4))
    run('linear_warmup', 'LinearWarmup', {'warmupSteps': 5}, sgd, lambda o: S.LinearLR(o, 0.2, 1.0, 5))
    run('onecycle_sgd', 'OneCycleLR', {'maxLr': 0.5, 'totalSteps': 20}, sgd, lambda o: S.OneCycleLR(o, 0.5, total_steps=20))
    run('onecycle_adam_linear_3phase', 'OneCycleLR', {'maxLr': 0.2, 'totalSteps': 25, 'annealStrategy': 'linear', 'threePhase': True, 'pctStart': 0.25},
        adam, lambda o: S.OneCycleLR(o, 0.2, total_steps=25, anneal_strategy='linear', three_phase=True, pct_start=0.25))
    metrics = [1.0, 0.9, 0.95, 0.95, 0.96, 0.97, 0.8, 0.85, 0.85, 0.85, 0.85, 0.85, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7]
    run('plateau', 'ReduceLROnPlateau', {'patience': 2, 'factor': 0.5, 'cooldown': 1, 'minLr': 0.02}, sgd,
        lambda o: S.ReduceLROnPlateau(o, patience=2, factor=0.5, cooldown=1, min_lr=0.02), metrics)
    run('plateau_max_abs', 'ReduceLROnPlateau', {'mode': 'max', 'thresholdMode': 'abs', 'threshold': 0.05, 'patience': 1}, sgd,
        lambda o: S.ReduceLROnPlateau(o, mode='max', threshold_mode='abs', threshold=0.05, patience=1), metrics)
    # Gradient clipping.
    torch.manual_seed(3)
    clips = []
    for norm_type, max_norm in [(2.0, 0.5), (float('inf'), 0.3), (1.0, 100.0), (3.0, 0.2)]:
        a, b = rnd(3, 4), rnd(5)
        pa, pb = a.clone().requires_grad_(True), b.clone().requires_grad_(True)
        pa.grad, pb.grad = a.clone(), b.clone()
        total = torch.nn.utils.clip_grad_norm_([pa, pb], max_norm, norm_type)
        clips.append({'normType': 'inf' if norm_type == float('inf') else norm_type, 'maxNorm': max_norm, 'grads': [arr(a), arr(b)],
                      'total': float(total), 'clipped': [arr(pa.grad), arr(pb.grad)]})
    pa = a.clone().requires_grad_(True)
    pa.grad = a.clone()
    torch.nn.utils.clip_grad_value_([pa], 0.4)
    clips.append({'clipValue': 0.4, 'grads': [arr(a)], 'clipped': [arr(pa.grad)]})
    return {'cases': out, 'clip': clips}


LAMBDAS = {'pow09': lambda t: 0.9 ** t, 'inv': lambda t: 1.0 / (1 + t), 'c095': lambda t: 0.95, 'c08': lambda t: 0.8}


def composed_schedules():
    """Schedulers that compose (several on one optimizer, SequentialLR, ChainedScheduler) and the
    newer ones, on two parameter groups. Each case lists its schedulers as gradlab builds them
    ('args' positional after the optimizer, lambdas by name from LAMBDAS) and the rates of every
    group after creation and after each of 25 steps."""
    S = torch.optim.lr_scheduler
    out = []

    def make(kind, args, o):
        a = [([LAMBDAS[n] for n in v] if isinstance(v, list) and v and isinstance(v[0], str) else LAMBDAS[v] if isinstance(v, str) and v in LAMBDAS else v) for v in args]
        if kind == 'CyclicLR':
            kw = {{'stepSizeUp': 'step_size_up', 'stepSizeDown': 'step_size_down', 'mode': 'mode', 'gamma': 'gamma',
                   'baseMomentum': 'base_momentum', 'maxMomentum': 'max_momentum', 'cycleMomentum': 'cycle_momentum'}[k]: v for k, v in args[2].items()}
            return S.CyclicLR(o, a[0], a[1], **kw)
        return getattr(S, kind)(o, *a)

    def run(name, lrs0, scheds, wrap=None, milestones=None, optimizer='sgd', steps=25):
        ps = [torch.zeros(2, requires_grad=True) for _ in lrs0]
        groups = [{'params': [p], 'lr': lr} for p, lr in zip(ps, lrs0)]
        opt = torch.optim.SGD(groups, lr=lrs0[0], momentum=0.9) if optimizer == 'sgd' else torch.optim.Adam(groups, lr=lrs0[0])
        made = [make(c['kind'], c['args'], opt) for c in scheds]
        if wrap == 'sequential':
            steppers = [S.SequentialLR(opt, made, milestones)]
        elif wrap == 'chained':
            steppers = [S.ChainedScheduler(made)]
        else:
            steppers = made

        def mom():
            return [g['betas'][0] if 'betas' in g else g.get('momentum', 0) for g in opt.param_groups]
        lrs, moms = [[g['lr'] for g in opt.param_groups]], [mom()]
        for _ in range(steps):
            opt.step()
            for s in steppers:
                s.step()
            lrs.append([g['lr'] for g in opt.param_groups])
            moms.append(mom())
        out.append({'name': name, 'groups': lrs0, 'optimizer': optimizer, 'schedulers': scheds, 'wrap': wrap, 'milestones': milestones,
                    'lrs': lrs, 'momentum': moms})

    run('exponential_then_step_on_one_optimizer', [0.05], [{'kind': 'ExponentialLR', 'args': [0.9]}, {'kind': 'StepLR', 'args': [3, 0.5]}])
    run('cosine_times_exponential', [0.1, 0.02], [{'kind': 'CosineAnnealingLR', 'args': [7, 0.001]}, {'kind': 'ExponentialLR', 'args': [0.95]}])
    run('multistep_times_linear', [0.1], [{'kind': 'MultiStepLR', 'args': [[2, 6, 6, 12], 0.5]}, {'kind': 'LinearLR', 'args': [0.25, 1.0, 4]}])
    run('sequential_constant_exponential', [0.1, 0.3], [{'kind': 'ConstantLR', 'args': [0.1, 2]}, {'kind': 'ExponentialLR', 'args': [0.9]}], 'sequential', [2])
    run('sequential_linear_cosine', [0.1], [{'kind': 'LinearLR', 'args': [0.25, 1.0, 4]}, {'kind': 'CosineAnnealingLR', 'args': [10, 0.001]}], 'sequential', [4])
    run('sequential_three', [0.1], [{'kind': 'ConstantLR', 'args': [0.5, 3]}, {'kind': 'StepLR', 'args': [2, 0.5]}, {'kind': 'PolynomialLR', 'args': [6, 2.0]}], 'sequential', [3, 9])
    run('chained_constant_exponential', [0.1, 0.3], [{'kind': 'ConstantLR', 'args': [0.1, 2]}, {'kind': 'ExponentialLR', 'args': [0.9]}], 'chained')
    run('warm_restarts_tmult2', [0.1, 0.05], [{'kind': 'CosineAnnealingWarmRestarts', 'args': [3, 2, 0.001]}])
    run('warm_restarts_5', [0.1], [{'kind': 'CosineAnnealingWarmRestarts', 'args': [5]}])
    run('cyclic_triangular', [0.1, 0.2], [{'kind': 'CyclicLR', 'args': [0.01, 0.1, {'stepSizeUp': 4}]}])
    run('cyclic_triangular2_asym', [0.1], [{'kind': 'CyclicLR', 'args': [[0.01], [0.2], {'stepSizeUp': 3, 'stepSizeDown': 5, 'mode': 'triangular2', 'baseMomentum': 0.7, 'maxMomentum': 0.95}]}])
    run('cyclic_exp_range_no_momentum', [0.1], [{'kind': 'CyclicLR', 'args': [0.02, 0.1, {'stepSizeUp': 2, 'mode': 'exp_range', 'gamma': 0.9, 'cycleMomentum': False}]}])
    run('polynomial', [0.1, 0.01], [{'kind': 'PolynomialLR', 'args': [8, 2.0]}])
    run('constant', [0.1], [{'kind': 'ConstantLR', 'args': [0.5, 4]}])
    run('multiplicative', [0.1], [{'kind': 'MultiplicativeLR', 'args': ['c095']}])
    run('multiplicative_per_group', [0.1, 0.2], [{'kind': 'MultiplicativeLR', 'args': [['c095', 'c08']]}])
    run('lambda_per_group', [0.1, 0.2], [{'kind': 'LambdaLR', 'args': [['pow09', 'inv']]}])
    run('lambda_then_exponential', [0.1], [{'kind': 'LambdaLR', 'args': ['inv']}, {'kind': 'ExponentialLR', 'args': [0.9]}])
    return {'cases': out}


def write(name, obj):
    path = os.path.join(OUT, name)
    with open(path, 'w') as f:
        json.dump(obj, f, separators=(',', ':'))
    print(f'{path}: {os.path.getsize(path)} bytes')


if __name__ == '__main__':
    os.makedirs(OUT, exist_ok=True)
    meta = {'torch': torch.__version__, 'python': sys.version.split()[0]}
    layers()
    write('layers.json', {**meta, 'cases': CASES})
    CASES.clear()
    losses()
    write('losses.json', {**meta, 'cases': CASES})
    write('optim.json', {**meta, **optims()})
    write('schedules.json', {**meta, **schedules()})
    write('schedules-composed.json', {**meta, **composed_schedules()})
