/**
 * A tokenizer in the spirit of torchtext's basic_english: HTML line-break tags removed, lower-cased,
 * words split from punctuation. Each punctuation mark is its own token; an apostrophe inside a
 * word stays in it ("don't", "it's"); numbers with decimal points or commas stay whole ("3.5",
 * "1,000"). Letters and digits of every script count as word characters.
 */
import { checkOptions, num } from '../../tensor/options.js';

const TOKENIZER_SPEC = { lower: 'boolean', punctuation: 'boolean', stripTags: 'boolean', maxTokenLength: num({ min: 1 }) } as const;

export interface TokenizerOptions {
  /** Lower-case the text (default true). */
  lower?: boolean;
  /** Keep punctuation marks as tokens (default true); false drops them. */
  punctuation?: boolean;
  /** Replace <br />, <br> and other tags by spaces (default true). */
  stripTags?: boolean;
  /** Drop tokens longer than this (default 40: base64 runs, URLs gone wrong). */
  maxTokenLength?: number;
}

const WORD = /[\p{L}\p{N}]+(?:['’][\p{L}]+)*(?:[.,][\p{N}]+)*|[^\s\p{L}\p{N}]/gu;

/** Splits a text into tokens. */
export function tokenize(text: string, opts: TokenizerOptions = {}): string[] {
  checkOptions('tokenize', opts, TOKENIZER_SPEC);
  let s = text;
  if (opts.stripTags ?? true) s = s.replace(/<br\s*\/?>/gi, ' ').replace(/<\/?[a-z][^>]*>/gi, ' ');
  if (opts.lower ?? true) s = s.toLowerCase();
  const keepPunct = opts.punctuation ?? true;
  const maxLen = opts.maxTokenLength ?? 40;
  const out: string[] = [];
  for (const m of s.matchAll(WORD)) {
    const t = m[0].replace(/’/g, "'");
    if (t.length > maxLen) continue;
    if (!keepPunct && !/[\p{L}\p{N}]/u.test(t)) continue;
    out.push(t);
  }
  return out;
}

/** A tokenizer function with fixed options. */
export function makeTokenizer(opts: TokenizerOptions = {}): (text: string) => string[] {
  checkOptions('makeTokenizer', opts, TOKENIZER_SPEC);
  return (text) => tokenize(text, opts);
}
