import { createRequire } from 'node:module';
import { textFrame } from './text-frame';

// ws frames what its sockets send with Sender.frame; the bytes written directly must be the same.
const { Sender } = createRequire(__filename)('ws') as { Sender: { frame(data: Buffer, options: Record<string, unknown>): Buffer[] } };

describe('textFrame', () => {
  it.each([0, 1, 125, 126, 1000, 65_535, 65_536, 200_000])('frames %i bytes as ws does', (size) => {
    const payload = Buffer.alloc(size, 'é'.charCodeAt(0) % 128);
    const expected = Buffer.concat(Sender.frame(payload, { fin: true, opcode: 1, mask: false, readOnly: true, rsv1: false }));
    expect(textFrame(payload).equals(expected)).toBe(true);
  });
});
