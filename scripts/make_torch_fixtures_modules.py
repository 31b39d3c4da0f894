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
    if isinstance(total, torch.Tensor) and total.requires_grad:
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


def conv_pool():
    torch.manual_seed(12)
    for mode in ['reflect', 'replicate', 'circular']:
        case(f'conv1d_{mode}', 'Conv1d', {'in': 2, 'out': 3, 'k': 3, 'padding': 2, 'paddingMode': mode},
             nn.Conv1d(2, 3, 3, padding=2, padding_mode=mode), [rnd(2, 2, 6)])
        case(f'conv2d_{mode}_stride', 'Conv2d', {'in': 2, 'out': 2, 'k': [3, 2], 'padding': [1, 2], 'stride': [2, 1], 'paddingMode': mode},
             nn.Conv2d(2, 2, (3, 2), padding=(1, 2), stride=(2, 1), padding_mode=mode), [rnd(1, 2, 5, 4)])
    case('conv2d_groups', 'Conv2d', {'in': 4, 'out': 6, 'k': 3, 'groups': 2, 'padding': 1}, nn.Conv2d(4, 6, 3, groups=2, padding=1), [rnd(2, 4, 5, 5)])
    case('conv1d_depthwise', 'Conv1d', {'in': 3, 'out': 6, 'k': 3, 'groups': 3}, nn.Conv1d(3, 6, 3, groups=3), [rnd(2, 3, 7)])
    case('conv2d_depthwise_same_reflect', 'Conv2d', {'in': 3, 'out': 3, 'k': 3, 'groups': 3, 'padding': 'same', 'paddingMode': 'reflect'},
         nn.Conv2d(3, 3, 3, groups=3, padding='same', padding_mode='reflect'), [rnd(1, 3, 4, 5)])
    case('conv1d_same_even', 'Conv1d', {'in': 2, 'out': 3, 'k': 4, 'padding': 'same'}, nn.Conv1d(2, 3, 4, padding='same'), [rnd(2, 2, 7)])
    case('conv2d_same_even_dilated', 'Conv2d', {'in': 2, 'out': 2, 'k': [2, 4], 'padding': 'same', 'dilation': [3, 1]},
         nn.Conv2d(2, 2, (2, 4), padding='same', dilation=(3, 1)), [rnd(1, 2, 6, 5)])
    case('conv2d_same_even_circular', 'Conv2d', {'in': 1, 'out': 2, 'k': 2, 'padding': 'same', 'paddingMode': 'circular'},
         nn.Conv2d(1, 2, 2, padding='same', padding_mode='circular'), [rnd(2, 1, 4, 4)])
    case('convtranspose1d', 'ConvTranspose1d', {'in': 2, 'out': 3, 'k': 3, 'stride': 2, 'padding': 1, 'outputPadding': 1},
         nn.ConvTranspose1d(2, 3, 3, stride=2, padding=1, output_padding=1), [rnd(2, 2, 5)])
    case('convtranspose1d_groups_dilation', 'ConvTranspose1d', {'in': 4, 'out': 2, 'k': 2, 'groups': 2, 'dilation': 2, 'bias': False},
         nn.ConvTranspose1d(4, 2, 2, groups=2, dilation=2, bias=False), [rnd(1, 4, 4)])
    case('convtranspose2d', 'ConvTranspose2d', {'in': 2, 'out': 3, 'k': [3, 2], 'stride': [2, 3], 'padding': [1, 0]},
         nn.ConvTranspose2d(2, 3, (3, 2), stride=(2, 3), padding=(1, 0)), [rnd(2, 2, 3, 4)])
    case('convtranspose2d_bigpad', 'ConvTranspose2d', {'in': 1, 'out': 2, 'k': 3, 'stride': 1, 'padding': 2},
         nn.ConvTranspose2d(1, 2, 3, padding=2), [rnd(1, 1, 5, 5)])
    case('maxpool1d_indices', 'MaxPool1d', {'k': 3, 'stride': 2, 'padding': 1, 'returnIndices': True},
         nn.MaxPool1d(3, stride=2, padding=1, return_indices=True), [rnd(2, 3, 9)])
    case('maxpool2d_indices_dilated', 'MaxPool2d', {'k': 2, 'stride': 1, 'dilation': 2, 'returnIndices': True},
         nn.MaxPool2d(2, stride=1, dilation=2, return_indices=True), [rnd(1, 2, 5, 6)])
    class Unpool(nn.Module):
        def __init__(self, pool, unpool, size=None):
            super().__init__()
            self.pool, self.unpool, self.size = pool, unpool, size

        def forward(self, x):
            y, i = self.pool(x)
            return self.unpool(y, i, output_size=self.size), i
    case('maxunpool1d', 'MaxUnpool1d', {'k': 2, 'stride': 2}, Unpool(nn.MaxPool1d(2, return_indices=True), nn.MaxUnpool1d(2)), [rnd(2, 3, 7)])
    case('maxunpool2d_size', 'MaxUnpool2d', {'k': 2, 'stride': 2, 'outputSize': [5, 5]},
         Unpool(nn.MaxPool2d(2, return_indices=True), nn.MaxUnpool2d(2), (5, 5)), [rnd(1, 2, 5, 5)])
    case('maxunpool2d_pad', 'MaxUnpool2d', {'k': 3, 'stride': 3, 'padding': 1, 'outputSize': [6, 7]},
         Unpool(nn.MaxPool2d(3, stride=3, padding=1, return_indices=True), nn.MaxUnpool2d(3, stride=3, padding=1), (6, 7)), [rnd(1, 2, 6, 7)])
    case('adaptivemaxpool1d', 'AdaptiveMaxPool1d', {'out': 3}, nn.AdaptiveMaxPool1d(3), [rnd(2, 3, 7)])
    case('adaptivemaxpool1d_indices', 'AdaptiveMaxPool1d', {'out': 4, 'returnIndices': True}, nn.AdaptiveMaxPool1d(4, return_indices=True), [rnd(2, 2, 6)])
    case('adaptivemaxpool2d', 'AdaptiveMaxPool2d', {'out': [2, 3]}, nn.AdaptiveMaxPool2d((2, 3)), [rnd(1, 2, 5, 7)])
    case('adaptivemaxpool2d_indices', 'AdaptiveMaxPool2d', {'out': [3, 2], 'returnIndices': True}, nn.AdaptiveMaxPool2d((3, 2), return_indices=True), [rnd(2, 2, 4, 5)])
    for name, args, m, shape in [
        ('upsample_nearest_size', {'size': [5, 7], 'mode': 'nearest'}, nn.Upsample(size=(5, 7), mode='nearest'), (1, 2, 3, 4)),
        ('upsample_nearest_scale', {'scaleFactor': 2, 'mode': 'nearest'}, nn.Upsample(scale_factor=2, mode='nearest'), (1, 2, 3, 4)),
        ('upsample_nearest_1d_down', {'size': 4, 'mode': 'nearest'}, nn.Upsample(size=4, mode='nearest'), (2, 2, 9)),
        ('upsample_bilinear', {'size': [5, 7], 'mode': 'bilinear'}, nn.Upsample(size=(5, 7), mode='bilinear'), (1, 2, 3, 4)),
        ('upsample_bilinear_align', {'size': [5, 7], 'mode': 'bilinear', 'alignCorners': True}, nn.Upsample(size=(5, 7), mode='bilinear', align_corners=True), (1, 2, 3, 4)),
        ('upsample_bilinear_scale', {'scaleFactor': [1.5, 2.5], 'mode': 'bilinear'}, nn.Upsample(scale_factor=(1.5, 2.5), mode='bilinear'), (2, 1, 4, 3)),
        ('upsample_bilinear_down', {'size': [2, 3], 'mode': 'bilinear'}, nn.Upsample(size=(2, 3), mode='bilinear'), (1, 2, 5, 7)),
        ('upsample_linear_align', {'scaleFactor': 3, 'mode': 'linear', 'alignCorners': True}, nn.Upsample(scale_factor=3, mode='linear', align_corners=True), (2, 2, 4)),
        ('upsample_linear', {'size': 6, 'mode': 'linear'}, nn.Upsample(size=6, mode='linear'), (2, 2, 4)),
        ('upsample_nearest_exact', {'size': [5, 3], 'mode': 'nearest-exact'}, nn.Upsample(size=(5, 3), mode='nearest-exact'), (1, 2, 3, 4)),
        ('upsample_bicubic', {'size': [5, 7], 'mode': 'bicubic'}, nn.Upsample(size=(5, 7), mode='bicubic'), (1, 2, 3, 4)),
        ('upsample_bicubic_align_scale', {'scaleFactor': [2, 1.5], 'mode': 'bicubic', 'alignCorners': True},
         nn.Upsample(scale_factor=(2, 1.5), mode='bicubic', align_corners=True), (2, 1, 3, 4)),
        ('upsample_bicubic_down', {'size': [2, 3], 'mode': 'bicubic'}, nn.Upsample(size=(2, 3), mode='bicubic'), (1, 1, 5, 7)),
    ]:
        case(name, 'Upsample', args, m, [rnd(*shape)])
    # Functional forms.
    for mode in ['constant', 'reflect', 'replicate', 'circular']:
        amounts = [2, 1, 1, 3]
        kw = {'value': 0.5} if mode == 'constant' else {}
        L(f'F_pad_{mode}', 'F.pad', {'pad': amounts, 'mode': mode, **kw}, lambda x, a=amounts, m=mode, k=kw: F.pad(x, a, mode=m, **k), [rnd(2, 2, 4, 5)])
    L('F_pad_constant_crop', 'F.pad', {'pad': [-1, 2]}, lambda x: F.pad(x, [-1, 2]), [rnd(2, 3, 4)])
    L('F_interpolate_area', 'F.interpolate', {'size': [2, 3], 'mode': 'area'}, lambda x: F.interpolate(x, size=(2, 3), mode='area'), [rnd(1, 2, 5, 7)])
    L('F_conv2d_groups_stride', 'F.conv2d', {'stride': 2, 'padding': 1, 'groups': 2}, lambda x, w, b: F.conv2d(x, w, b, stride=2, padding=1, groups=2),
      [rnd(2, 4, 5, 5), rnd(4, 2, 3, 3), rnd(4)])
    L('F_conv1d_same', 'F.conv1d', {'padding': 'same', 'dilation': 2}, lambda x, w: F.conv1d(x, w, padding='same', dilation=2), [rnd(2, 2, 8), rnd(3, 2, 2)])
    L('F_conv_transpose2d', 'F.convTranspose2d', {'stride': 2, 'outputPadding': 1}, lambda x, w, b: F.conv_transpose2d(x, w, b, stride=2, output_padding=1),
      [rnd(1, 2, 3, 3), rnd(2, 3, 2, 2), rnd(3)])
    L('F_max_pool2d', 'F.maxPool2d', {'k': 2, 'stride': 1}, lambda x: F.max_pool2d(x, 2, stride=1), [rnd(1, 2, 4, 4)])
    L('F_avg_pool1d', 'F.avgPool1d', {'k': 3, 'stride': 2, 'padding': 1}, lambda x: F.avg_pool1d(x, 3, stride=2, padding=1), [rnd(1, 2, 8)])
    L('F_adaptive_max_pool2d', 'F.adaptiveMaxPool2d', {'out': [2, 2]}, lambda x: F.adaptive_max_pool2d(x, (2, 2)), [rnd(1, 2, 5, 5)])
    L('F_gelu_tanh', 'F.gelu', {'approximate': 'tanh'}, lambda x: F.gelu(x, approximate='tanh'), [rnd(3, 4, lo=-3, hi=3)])
    L('F_bce', 'F.binaryCrossEntropy', {}, F.binary_cross_entropy, [rnd(3, 4, lo=0.05, hi=0.95), rnd(3, 4, lo=0, hi=1)], (1,))
    L('F_bce_logits', 'F.binaryCrossEntropyWithLogits', {'reduction': 'sum'}, lambda x, t: F.binary_cross_entropy_with_logits(x, t, reduction='sum'),
      [rnd(3, 4, lo=-3, hi=3), rnd(3, 4, lo=0, hi=1)], (1,))
    L('F_normalize', 'F.normalize', {}, F.normalize, [rnd(3, 4, 2)])
    L('F_normalize_p1_dim2', 'F.normalize', {'p': 1, 'dim': 2}, lambda x: F.normalize(x, p=1, dim=2), [rnd(3, 4, 2)])
    L('F_normalize_p3', 'F.normalize', {'p': 3, 'dim': -1}, lambda x: F.normalize(x, p=3, dim=-1), [rnd(3, 4)])
    L('F_one_hot', 'F.oneHot', {'numClasses': 5}, lambda t: F.one_hot(t, 5), [torch.tensor([[0, 3], [4, 1]])])
    L('F_one_hot_infer', 'F.oneHot', {}, lambda t: F.one_hot(t), [torch.tensor([2, 0, 1])])
    L('F_cosine_similarity', 'F.cosineSimilarity', {'dim': 1}, lambda a, b: F.cosine_similarity(a, b), [rnd(3, 4), rnd(3, 4)])


def embeddings_ce():
    torch.manual_seed(14)
    idx = torch.tensor([[1, 2, 6, 2, 0], [3, 3, 2, 5, 3]])
    case('embedding_maxnorm', 'Embedding', {'n': 7, 'dim': 4, 'maxNorm': 1.2}, nn.Embedding(7, 4, max_norm=1.2), [idx])
    case('embedding_maxnorm_p1_padding', 'Embedding', {'n': 7, 'dim': 4, 'maxNorm': 2.0, 'normType': 1, 'paddingIdx': 3},
         nn.Embedding(7, 4, max_norm=2.0, norm_type=1, padding_idx=3), [idx])
    case('embedding_scale_grad_by_freq', 'Embedding', {'n': 7, 'dim': 4, 'scaleGradByFreq': True}, nn.Embedding(7, 4, scale_grad_by_freq=True), [idx])
    flat = torch.tensor([1, 2, 4, 5, 4, 3, 2, 9, 0, 6])
    offs = torch.tensor([0, 2, 2, 5])
    case('embeddingbag_mean_offsets', 'EmbeddingBag', {'n': 10, 'dim': 3, 'mode': 'mean'}, nn.EmbeddingBag(10, 3, mode='mean'), [flat, offs])
    case('embeddingbag_sum_2d', 'EmbeddingBag', {'n': 10, 'dim': 3, 'mode': 'sum'}, nn.EmbeddingBag(10, 3, mode='sum'), [torch.tensor([[1, 2, 4], [4, 3, 2]])])
    case('embeddingbag_max', 'EmbeddingBag', {'n': 10, 'dim': 3, 'mode': 'max'}, nn.EmbeddingBag(10, 3, mode='max'), [flat, torch.tensor([0, 3, 7])])
    case('embeddingbag_sum_weights_lastoffset', 'EmbeddingBag', {'n': 10, 'dim': 3, 'mode': 'sum', 'includeLastOffset': True},
         nn.EmbeddingBag(10, 3, mode='sum', include_last_offset=True), [flat, torch.tensor([0, 4, 10]), rnd(10)], fwd=lambda m, x, o, w: m(x, o, per_sample_weights=w))
    # NOTE: no scale_grad_by_freq here: PyTorch's CPU embedding_bag backward divides by the wrong
    # count (pytorch/pytorch#190063); gradlab follows the documented rule, tested by hand.
    case('embeddingbag_mean_padding_maxnorm', 'EmbeddingBag', {'n': 10, 'dim': 3, 'mode': 'mean', 'paddingIdx': 2, 'maxNorm': 1.0},
         nn.EmbeddingBag(10, 3, mode='mean', padding_idx=2, max_norm=1.0), [flat, offs])
    case('embeddingbag_max_padding', 'EmbeddingBag', {'n': 10, 'dim': 3, 'mode': 'max', 'paddingIdx': 4},
         nn.EmbeddingBag(10, 3, mode='max', padding_idx=4), [flat, offs])
    probs = torch.softmax(rnd(4, 3, lo=-2, hi=2), 1)
    w = rnd(3, lo=0.2, hi=1.5)
    L('ce_probs', 'CrossEntropyLoss', {}, lambda x, t: F.cross_entropy(x, t), [rnd(4, 3, lo=-2, hi=2), probs], (1,))
    L('ce_probs_weight_smooth', 'CrossEntropyLoss', {'weight': arr(w), 'labelSmoothing': 0.2},
      lambda x, t: F.cross_entropy(x, t, weight=w, label_smoothing=0.2), [rnd(4, 3, lo=-2, hi=2), probs], (1,))
    sp = torch.softmax(rnd(2, 3, 4, lo=-2, hi=2), 1)
    L('ce_probs_spatial_none', 'CrossEntropyLoss', {'reduction': 'none'}, lambda x, t: F.cross_entropy(x, t, reduction='none'), [rnd(2, 3, 4, lo=-2, hi=2), sp])
    L('ce_probs_spatial_sum_smooth', 'CrossEntropyLoss', {'reduction': 'sum', 'labelSmoothing': 0.1},
      lambda x, t: F.cross_entropy(x, t, reduction='sum', label_smoothing=0.1), [rnd(2, 3, 4, lo=-2, hi=2), sp], (1,))


def recurrent_attention():
    torch.manual_seed(15)
    lstm = nn.LSTM(3, 5, proj_size=2, num_layers=2, bidirectional=True, batch_first=True)
    case('lstm_proj_2layers_bi', 'LSTM', {'in': 3, 'hidden': 5, 'projSize': 2, 'numLayers': 2, 'bidirectional': True, 'batchFirst': True}, lstm,
         [rnd(2, 4, 3)], fwd=lambda m, x: (m(x)[0], m(x)[1][0], m(x)[1][1]))
    lstm = nn.LSTM(3, 4, proj_size=3)
    case('lstm_proj_h0c0', 'LSTM', {'in': 3, 'hidden': 4, 'projSize': 3}, lstm, [rnd(5, 2, 3), rnd(1, 2, 3), rnd(1, 2, 4)],
         fwd=lambda m, x, h, c: (lambda r: (r[0], r[1][0], r[1][1]))(m(x, (h, c))))
    mha = nn.MultiheadAttention(8, 2, kdim=5, vdim=3, batch_first=True)
    randomize(mha)
    kpm = torch.tensor([[False, False, True, True], [False, False, False, False]])
    case('mha_kdim_vdim', 'MultiheadAttention', {'embed': 8, 'heads': 2, 'kdim': 5, 'vdim': 3, 'batchFirst': True, 'keyPaddingMask': arr(kpm)}, mha,
         [rnd(2, 3, 8), rnd(2, 4, 5), rnd(2, 4, 3)], fwd=lambda m, q, k, v: m(q, k, v, key_padding_mask=kpm))
    mha = nn.MultiheadAttention(8, 2, add_bias_kv=True)
    am = rnd(3, 4)
    case('mha_bias_kv_attnmask', 'MultiheadAttention', {'embed': 8, 'heads': 2, 'addBiasKv': True, 'attnMask': arr(am)}, mha,
         [rnd(3, 2, 8), rnd(4, 2, 8), rnd(4, 2, 8)], fwd=lambda m, q, k, v: m(q, k, v, attn_mask=am))
    mha = nn.MultiheadAttention(8, 4, add_zero_attn=True, batch_first=True)
    randomize(mha)
    case('mha_zero_attn_kpm', 'MultiheadAttention', {'embed': 8, 'heads': 4, 'addZeroAttn': True, 'batchFirst': True, 'keyPaddingMask': arr(kpm), 'average': False}, mha,
         [rnd(2, 4, 8)], fwd=lambda m, x: m(x, x, x, key_padding_mask=kpm, average_attn_weights=False))
    mha = nn.MultiheadAttention(6, 2, add_bias_kv=True, add_zero_attn=True, kdim=4, vdim=4)
    bm = torch.tensor([[False, True, False], [False, False, True]])
    case('mha_all_options_boolmask', 'MultiheadAttention', {'embed': 6, 'heads': 2, 'addBiasKv': True, 'addZeroAttn': True, 'kdim': 4, 'vdim': 4, 'attnMask': arr(bm)}, mha,
         [rnd(2, 2, 6), rnd(3, 2, 4), rnd(3, 2, 4)], fwd=lambda m, q, k, v: m(q, k, v, attn_mask=bm))
    layer = nn.TransformerEncoderLayer(8, 2, dim_feedforward=12, dropout=0.0, activation=torch.tanh, batch_first=True)
    randomize(layer, 0.3)
    case('encoder_layer_tanh_callable', 'TransformerEncoderLayer', {'d': 8, 'heads': 2, 'ff': 12, 'batchFirst': True, 'activation': 'tanh'},
         layer, [rnd(2, 3, 8)])


def transformers():
    torch.manual_seed(16)
    causal = nn.Transformer.generate_square_subsequent_mask(3)
    mkpm = torch.tensor([[False, False, False, True], [False, False, False, False]])
    layer = nn.TransformerDecoderLayer(8, 2, dim_feedforward=12, dropout=0.0, batch_first=True)
    randomize(layer, 0.3)
    case('decoder_layer_postnorm_masks', 'TransformerDecoderLayer', {'d': 8, 'heads': 2, 'ff': 12, 'batchFirst': True, 'tgtMask': arr(causal != 0), 'memoryKeyPaddingMask': arr(mkpm)},
         layer, [rnd(2, 3, 8), rnd(2, 4, 8)], fwd=lambda m, t, mem: m(t, mem, tgt_mask=causal, memory_key_padding_mask=mkpm))
    layer = nn.TransformerDecoderLayer(8, 2, dim_feedforward=12, dropout=0.0, activation='gelu', norm_first=True)
    randomize(layer, 0.3)
    tkpm = torch.tensor([[False, False, True], [False, False, False]])
    case('decoder_layer_prenorm_gelu', 'TransformerDecoderLayer', {'d': 8, 'heads': 2, 'ff': 12, 'normFirst': True, 'activation': 'gelu', 'tgtKeyPaddingMask': arr(tkpm)},
         layer, [rnd(3, 2, 8), rnd(4, 2, 8)], fwd=lambda m, t, mem: m(t, mem, tgt_key_padding_mask=tkpm))
    dec = nn.TransformerDecoder(nn.TransformerDecoderLayer(8, 2, dim_feedforward=12, dropout=0.0, batch_first=True), 2, norm=nn.LayerNorm(8))
    randomize(dec, 0.3)
    case('decoder_2layers_norm', 'TransformerDecoder', {'d': 8, 'heads': 2, 'ff': 12, 'layers': 2, 'batchFirst': True, 'norm': True, 'tgtMask': arr(causal != 0)},
         dec, [rnd(2, 3, 8), rnd(2, 4, 8)], fwd=lambda m, t, mem: m(t, mem, tgt_mask=causal))
    tr = nn.Transformer(d_model=8, nhead=2, num_encoder_layers=2, num_decoder_layers=1, dim_feedforward=12, dropout=0.0, batch_first=True)
    skpm = torch.tensor([[False, False, False, True], [False, False, False, False]])
    case('transformer_masks', 'Transformer', {'d': 8, 'heads': 2, 'enc': 2, 'dec': 1, 'ff': 12, 'batchFirst': True, 'tgtMask': arr(causal != 0),
                                              'srcKeyPaddingMask': arr(skpm), 'memoryKeyPaddingMask': arr(skpm)},
         tr, [rnd(2, 4, 8), rnd(2, 3, 8)], fwd=lambda m, s, t: m(s, t, tgt_mask=causal, src_key_padding_mask=skpm, memory_key_padding_mask=skpm))
    tr = nn.Transformer(d_model=6, nhead=3, num_encoder_layers=1, num_decoder_layers=2, dim_feedforward=8, dropout=0.0, norm_first=True, activation='gelu')
    case('transformer_prenorm_gelu', 'Transformer', {'d': 6, 'heads': 3, 'enc': 1, 'dec': 2, 'ff': 8, 'normFirst': True, 'activation': 'gelu'},
         tr, [rnd(4, 2, 6), rnd(3, 2, 6)])


def ctc():
    torch.manual_seed(17)
    T, N, C = 7, 3, 5
    tg = torch.tensor([[1, 2, 2], [3, 1, 0], [4, 0, 0]])
    il = torch.tensor([7, 5, 6])
    tl = torch.tensor([3, 2, 1])
    L('ctc_padded_mean', 'CTCLoss', {}, lambda x, t, i, l: F.ctc_loss(x.log_softmax(2), t, i, l), [rnd(T, N, C, lo=-2, hi=2), tg, il, tl])
    cat = torch.tensor([1, 3, 3, 0, 4, 1])
    L('ctc_concat_blank2_sum', 'CTCLoss', {'blank': 2, 'reduction': 'sum'}, lambda x, t, i, l: F.ctc_loss(x.log_softmax(2), t, i, l, blank=2, reduction='sum'),
      [rnd(T, N, C, lo=-2, hi=2), cat, torch.tensor([7, 6, 4]), torch.tensor([3, 1, 2])])
    L('ctc_repeats_none', 'CTCLoss', {'reduction': 'none'}, lambda x, t, i, l: F.ctc_loss(x.log_softmax(2), t, i, l, reduction='none'),
      [rnd(6, 2, 4, lo=-2, hi=2), torch.tensor([[2, 2, 2], [1, 3, 1]]), torch.tensor([6, 6]), torch.tensor([3, 3])])
    L('ctc_impossible_zero_infinity', 'CTCLoss', {'zeroInfinity': True, 'reduction': 'none'},
      lambda x, t, i, l: F.ctc_loss(x.log_softmax(2), t, i, l, zero_infinity=True, reduction='none'),
      [rnd(4, 2, 4, lo=-2, hi=2), torch.tensor([[1, 1, 1], [2, 3, 0]]), torch.tensor([4, 4]), torch.tensor([3, 2])])
    L('ctc_empty_target', 'CTCLoss', {'reduction': 'none'}, lambda x, t, i, l: F.ctc_loss(x.log_softmax(2), t, i, l, reduction='none'),
      [rnd(4, 2, 4, lo=-2, hi=2), torch.tensor([[1, 2], [0, 0]]), torch.tensor([4, 3]), torch.tensor([2, 0])])


def optim_maximize():
    """20 steps of each optimizer with maximize=True on the objective -mse (so that it climbs)."""
    torch.manual_seed(13)
    X = rnd(8, 4)
    Y = rnd(8, 3)
    W0 = rnd(3, 4) * 0.5
    b0 = rnd(3) * 0.5
    O = torch.optim
    configs = [
        ('sgd_maximize', 'SGD', {'lr': 0.1, 'maximize': True}, lambda ps: O.SGD(ps, lr=0.1, maximize=True)),
        ('sgd_maximize_momentum_wd', 'SGD', {'lr': 0.05, 'momentum': 0.9, 'weightDecay': 0.05, 'nesterov': True, 'maximize': True},
         lambda ps: O.SGD(ps, lr=0.05, momentum=0.9, weight_decay=0.05, nesterov=True, maximize=True)),
        ('adam_maximize', 'Adam', {'lr': 0.05, 'maximize': True}, lambda ps: O.Adam(ps, lr=0.05, maximize=True)),
        ('adam_maximize_wd_amsgrad', 'Adam', {'lr': 0.05, 'weightDecay': 0.1, 'amsgrad': True, 'maximize': True},
         lambda ps: O.Adam(ps, lr=0.05, weight_decay=0.1, amsgrad=True, maximize=True)),
        ('adamw_maximize', 'AdamW', {'lr': 0.05, 'weightDecay': 0.1, 'maximize': True}, lambda ps: O.AdamW(ps, lr=0.05, weight_decay=0.1, maximize=True)),
        ('adamax_maximize', 'Adamax', {'lr': 0.05, 'weightDecay': 0.01, 'maximize': True}, lambda ps: O.Adamax(ps, lr=0.05, weight_decay=0.01, maximize=True)),
        ('rmsprop_maximize_centered', 'RMSprop', {'lr': 0.01, 'centered': True, 'momentum': 0.5, 'weightDecay': 0.01, 'maximize': True},
         lambda ps: O.RMSprop(ps, lr=0.01, centered=True, momentum=0.5, weight_decay=0.01, maximize=True)),
        ('adagrad_maximize', 'Adagrad', {'lr': 0.1, 'weightDecay': 0.01, 'maximize': True}, lambda ps: O.Adagrad(ps, lr=0.1, weight_decay=0.01, maximize=True)),
        ('adadelta_maximize', 'Adadelta', {'lr': 0.5, 'weightDecay': 0.1, 'maximize': True}, lambda ps: O.Adadelta(ps, lr=0.5, weight_decay=0.1, maximize=True)),
    ]
    out = []
    for name, kind, args, make in configs:
        W = W0.clone().requires_grad_(True)
        b = b0.clone().requires_grad_(True)
        opt = make([W, b])
        traj = []
        for _ in range(20):
            opt.zero_grad()
            (-F.mse_loss(X @ W.t() + b, Y)).backward()
            opt.step()
            traj.append([float('%.8g' % v) for v in torch.cat([W.detach().reshape(-1), b.detach()]).tolist()])
        out.append({'name': name, 'kind': kind, 'args': args, 'groups': None, 'trajectory': traj})
    return {'X': arr(X), 'Y': arr(Y), 'W0': arr(W0), 'b0': arr(b0), 'cases': out}


def write(name, obj):
    path = os.path.join(OUT, name)
    with open(path, 'w') as f:
        json.dump(obj, f, separators=(',', ':'), allow_nan=False)
    print(f'{path}: {os.path.getsize(path)} bytes')


if __name__ == '__main__':
    os.makedirs(OUT, exist_ok=True)
    meta = {'torch': torch.__version__, 'python': sys.version.split()[0]}
    new_modules()
    new_losses()
    conv_pool()
    embeddings_ce()
    recurrent_attention()
    transformers()
    ctc()
    write('modules.json', {**meta, 'cases': CASES})
    write('modules-optim.json', {**meta, **optim_maximize()})
