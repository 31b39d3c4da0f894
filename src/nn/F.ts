/** `nn.F`: torch.nn.functional, gathered from functional.ts and functional-more.ts. */
export * from './functional.js';
export * from './functional-more.js';
