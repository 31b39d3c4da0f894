/** CRC-32C against published check values (iSCSI, RFC 3720) and the TFRecord mask. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { crc32c, maskCrc, maskedCrc32c, unmaskCrc } from '../../../src/track/tensorboard/crc32c.js';

test('crc32c matches the standard check value and RFC 3720 vectors', () => {
  assert.equal(crc32c(new TextEncoder().encode('123456789')), 0xe3069283);
  assert.equal(crc32c(new Uint8Array(32)), 0x8a9136aa);
  assert.equal(crc32c(new Uint8Array(32).fill(0xff)), 0x62a8ab43);
  assert.equal(crc32c(Uint8Array.from({ length: 32 }, (_, i) => i)), 0x46dd794e);
  assert.equal(crc32c(Uint8Array.from({ length: 32 }, (_, i) => 31 - i)), 0x113fdb5c);
  assert.equal(crc32c(new Uint8Array(0)), 0);
});

test('mask rotates right by 15 and adds 0xa282ead8; unmask inverts it', () => {
  assert.equal(maskCrc(0), 0xa282ead8);
  assert.equal(maskCrc(1), (0x00020000 + 0xa282ead8) >>> 0);
  assert.equal(maskCrc(0x8000), (0x1 + 0xa282ead8) >>> 0);
  for (const c of [0, 1, 0xe3069283, 0xffffffff, 0x12345678]) assert.equal(unmaskCrc(maskCrc(c)), c);
  assert.equal(maskedCrc32c(new TextEncoder().encode('123456789')), maskCrc(0xe3069283));
});
