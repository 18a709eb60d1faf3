import { ChannelType, ConversationStatus, MessageDirection } from '../gen/inbox/common/v1/common';
import { channelType, conversationStatus, messageDirection } from './wire-enums';

describe('wire enums', () => {
  it('maps every name to its own wire value and back', () => {
    for (const wire of [conversationStatus, messageDirection, channelType] as { names: readonly string[]; toProto(n: string): number; nameOf(v: number): string | undefined }[]) {
      const values = wire.names.map((name) => wire.toProto(name));
      expect(new Set(values).size).toBe(wire.names.length);
      expect(values).not.toContain(0);
      for (const name of wire.names) expect(wire.nameOf(wire.toProto(name))).toBe(name);
    }
  });

  it('sends UNSPECIFIED for an empty or unknown name', () => {
    expect(conversationStatus.toProto('')).toBe(ConversationStatus.CONVERSATION_STATUS_UNSPECIFIED);
    expect(conversationStatus.toProto(null)).toBe(ConversationStatus.CONVERSATION_STATUS_UNSPECIFIED);
    expect(messageDirection.toProto('sideways')).toBe(MessageDirection.MESSAGE_DIRECTION_UNSPECIFIED);
    expect(channelType.toProto('fax')).toBe(ChannelType.CHANNEL_TYPE_UNSPECIFIED);
  });

  it("reads the previous release's name when the enum is not set, and prefers the enum when both are", () => {
    expect(conversationStatus.nameOf(ConversationStatus.CONVERSATION_STATUS_UNSPECIFIED, 'closed')).toBe('closed');
    expect(conversationStatus.nameOf(ConversationStatus.CONVERSATION_STATUS_OPEN, 'closed')).toBe('open');
    expect(channelType.nameOf(ChannelType.CHANNEL_TYPE_UNSPECIFIED, 'chat')).toBe('chat');
    expect(channelType.nameOf(ChannelType.CHANNEL_TYPE_UNSPECIFIED, 'fax')).toBeUndefined();
    expect(messageDirection.nameOf(MessageDirection.MESSAGE_DIRECTION_UNSPECIFIED)).toBeUndefined();
  });
});
