export { Module, Parameter, cloneStateDict } from './module.js';
export type { StateDict } from './module.js';
export { Linear } from './linear.js';
export type { LinearOptions } from './linear.js';
export { ReLU, Tanh, Sigmoid, LeakyReLU, Softmax, LogSoftmax, Identity, Flatten } from './activation.js';
export { Dropout } from './dropout.js';
export { Sequential, ModuleList } from './container.js';
export { CrossEntropyLoss, NLLLoss, MSELoss } from './loss.js';
export * as F from './F.js';
export * as init from './init.js';
export { Conv1d, Conv2d } from './conv.js';
export type { ConvOptions, Size, Padding } from './conv.js';
export { MaxPool1d, MaxPool2d, AvgPool1d, AvgPool2d, AdaptiveAvgPool1d, AdaptiveAvgPool2d } from './pooling.js';
export type { PoolOptions, MaxPoolOptions, AvgPoolOptions } from './pooling.js';
export { Embedding } from './embedding.js';
export type { EmbeddingOptions } from './embedding.js';
export { LayerNorm, BatchNorm1d, BatchNorm2d } from './normalization.js';
export type { LayerNormOptions, BatchNormOptions } from './normalization.js';
export { RNN, LSTM, GRU } from './recurrent.js';
export type { RecurrentOptions, RecurrentRunOptions, RecurrentResult, LSTMOptions } from './recurrent.js';
export { MultiheadAttention } from './attention.js';
export type { MultiheadAttentionOptions, AttendOptions, AttentionResult } from './attention.js';
export { TransformerEncoderLayer, TransformerEncoder } from './transformer.js';
export type { TransformerEncoderLayerOptions, EncoderMasks, Activation } from './transformer.js';
export { PositionalEncoding, ClsToken, sinusoidTable } from './positional.js';
export { MeanPooling, AttentionPooling, maskedMean } from './pooling-attention.js';
export type { PoolResult, AttentionPoolingOptions } from './pooling-attention.js';
export { PReLU, ELU, CELU, SELU, GELU, Softplus, LogSigmoid, SiLU, Hardtanh } from './activation-extra.js';
export {
  BCELoss, BCEWithLogitsLoss, L1Loss, SmoothL1Loss, HuberLoss, KLDivLoss, GaussianNLLLoss, PoissonNLLLoss,
  MultiMarginLoss, HingeEmbeddingLoss,
} from './losses-extra.js';
export type { KLReduction } from './losses-extra.js';
export { l1Penalty, l2Penalty, attentionEntropy, attentionEntropyPenalty } from './regularizers.js';
export { orthogonal_, truncNormal_ } from './init-extra.js';
export { toDouble, toFloat, castModule, torchKeyToGradlab, fromTorchStateDict } from './module-utils.js';
export { Hardswish, Mish, Softsign, GLU, Threshold, Softmin, Unflatten } from './activation-more.js';
export { GroupNorm, InstanceNorm1d, InstanceNorm2d } from './normalization-extra.js';
export type { GroupNormOptions, InstanceNormOptions } from './normalization-extra.js';
export { Bilinear } from './bilinear.js';
export type { BilinearOptions } from './bilinear.js';
export { RNNCell, LSTMCell, GRUCell } from './cells.js';
export type { CellOptions, RNNCellOptions } from './cells.js';
export {
  CosineEmbeddingLoss, MarginRankingLoss, TripletMarginLoss, SoftMarginLoss, MultiLabelSoftMarginLoss, MultiLabelMarginLoss,
} from './losses-more.js';
export type { MarginOptions, TripletMarginOptions, MultiLabelSoftMarginOptions } from './losses-more.js';
export { ConvTranspose1d, ConvTranspose2d } from './conv-transpose.js';
export type { ConvTransposeOptions } from './conv-transpose.js';
export type { PaddingMode } from './conv.js';
export type { MaxPoolResult } from './pooling.js';
export { AdaptiveMaxPool1d, AdaptiveMaxPool2d } from './pooling-extra.js';
export type { AdaptiveMaxPoolOptions } from './pooling-extra.js';
export { Upsample } from './upsample.js';
export type { UpsampleOptions, InterpolateOptions, InterpolateMode } from './upsample.js';
export { EmbeddingBag } from './embedding-bag.js';
export type { EmbeddingBagOptions, BagMode } from './embedding-bag.js';
export { TransformerDecoderLayer, TransformerDecoder, Transformer } from './transformer-decoder.js';
export type { TransformerDecoderLayerOptions, DecoderMasks, TransformerOptions, TransformerMasks } from './transformer-decoder.js';
