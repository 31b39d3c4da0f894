/**
 * `gradlab convert <in> <out> --names torch|gradlab`: rewrites a safetensors state dict with
 * PyTorch's key names (`bn.running_mean`, `lstm.weight_ih_l0`, `encoder.layers.0.self_attn.in_proj_weight`)
 * or gradlab's (`bn.runningMean`...). Tensors keep their file dtypes, except that int32 ones
 * become I64 in PyTorch's naming (torch's integer type, e.g. num_batches_tracked). From a gradlab
 * checkpoint (model + optimizer) the model's state is written: optimizer state has no PyTorch
 * counterpart in a state dict, and the command says so.
 */
import type { Command } from 'commander';
import { Option } from 'commander';
import { loadSafetensors, saveSafetensors } from '../io/safetensors.js';
import type { SafetensorsDType } from '../io/safetensors.js';
import { renameKey } from '../nn/state-names.js';
import type { KeyNames } from '../nn/state-names.js';
import type { Tensor } from '../tensor/tensor.js';

export interface ConvertResult {
  tensors: number;
  renamed: number;
  /** Tensors left out (a checkpoint's optimizer state). */
  dropped: number;
}

/** Converts the file at `input` to `output` with the given key names. */
export function convertStateDict(input: string, output: string, names: KeyNames): ConvertResult {
  const file = loadSafetensors(input);
  const checkpoint = file.metadata.format === 'gradlab-checkpoint-1';
  const out = Object.create(null) as Record<string, Tensor>;
  const dtypes = Object.create(null) as Record<string, SafetensorsDType>;
  let renamed = 0;
  let dropped = 0;
  for (const [k, t] of Object.entries(file.tensors)) {
    let key = k;
    if (checkpoint) {
      if (!k.startsWith('model.')) { dropped++; continue; }
      key = k.slice('model.'.length);
    }
    const nk = renameKey(key, names);
    if (nk !== key) renamed++;
    if (Object.prototype.hasOwnProperty.call(out, nk)) throw new Error(`convert: two tensors of ${input} become '${nk}'`);
    out[nk] = t;
    const d = file.dtypes[k];
    dtypes[nk] = names === 'torch' && d === 'I32' ? 'I64' : d;
  }
  const metadata: Record<string, string> = {};
  for (const [k, v] of Object.entries(file.metadata)) if (!checkpoint) metadata[k] = v;
  metadata.names = names;
  saveSafetensors(output, out, metadata, { dtypes });
  return { tensors: Object.keys(out).length, renamed, dropped };
}

export function registerConvert(program: Command): void {
  program
    .command('convert <in> <out>')
    .description('rewrite a safetensors state dict (or a gradlab checkpoint\'s model) with PyTorch\'s or gradlab\'s key names')
    .addOption(new Option('--names <naming>', 'key names to write').choices(['torch', 'gradlab']).makeOptionMandatory())
    .action((input: string, output: string, opts: { names: KeyNames }) => {
      const r = convertStateDict(input, output, opts.names);
      process.stdout.write(`wrote ${output}: ${r.tensors} tensors with ${opts.names === 'torch' ? 'PyTorch' : 'gradlab'} names (${r.renamed} renamed)\n`);
      if (r.dropped) process.stdout.write(`left out ${r.dropped} optimizer tensors: ${input} is a gradlab checkpoint and only its model state has a PyTorch form\n`);
    });
}
