/**
 * console.log(model) in Node prints the module tree PyTorch-style (Module.toString(): 'Sequential(\n
 * (0): Linear(inFeatures=784, ...)'), through Node's inspect hook reached by its registry symbol,
 * so nothing here imports Node. Tensors get theirs in tensor/print.ts. Installed by the entries.
 */
import { Module } from './nn/module.js';

const INSPECT = Symbol.for('nodejs.util.inspect.custom');
if (!Object.prototype.hasOwnProperty.call(Module.prototype, INSPECT)) {
  Object.defineProperty(Module.prototype, INSPECT, {
    value(this: Module): string {
      return this.toString();
    },
    writable: true,
    configurable: true,
  });
}
