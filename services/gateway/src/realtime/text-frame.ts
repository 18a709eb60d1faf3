// A WebSocket frame as a server sends it: final, unmasked (RFC 6455 §5.2). A server's frame is
// the same bytes for every socket, so an event is framed once and written to each as it is.
export const OPCODE_TEXT = 0x1;

export function textFrame(payload: Buffer): Buffer {
  return serverFrame(OPCODE_TEXT, payload);
}

export function serverFrame(opcode: number, payload: Buffer): Buffer {
  const length = payload.length;
  const headerLength = length < 126 ? 2 : length < 65_536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(headerLength + length);
  frame[0] = 0x80 | opcode;
  if (length < 126) {
    frame[1] = length;
  } else if (length < 65_536) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeBigUInt64BE(BigInt(length), 2);
  }
  payload.copy(frame, headerLength);
  return frame;
}

export function jsonFrame(value: unknown): Buffer {
  return textFrame(Buffer.from(JSON.stringify(value)));
}
