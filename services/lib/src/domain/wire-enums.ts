// The one mapping between the wire's enums (a conversation's status, a message's direction, a
// channel) and the names stored and shown everywhere (database rows, search documents, the public
// API). While the previous release's readers still exist, messages carry both: the enum, and the
// name in a deprecated *_name field; readers take the enum and fall back to the name.
import { ChannelType, ConversationStatus, MessageDirection } from '../gen/inbox/common/v1/common';
import { CHANNEL_NAMES, CHANNEL_TYPES, type ChannelName } from './channels';

export interface WireEnum<N extends string, E extends number> {
  readonly names: readonly N[];
  /** The wire value of a name; UNSPECIFIED (0) for an empty or unknown one. */
  toProto(name: string | null | undefined): E;
  /** The name of a wire value, else of the deprecated name sent beside it; undefined when neither is known. */
  nameOf(value: E, deprecatedName?: string): N | undefined;
}

function wireEnum<N extends string, E extends number>(names: readonly N[], values: Record<N, E>): WireEnum<N, E> {
  const isName = (name: string | null | undefined): name is N => !!name && (names as readonly string[]).includes(name);
  return {
    names,
    toProto: (name) => (isName(name) ? values[name] : (0 as E)),
    nameOf: (value, deprecatedName) => names.find((name) => values[name] === value) ?? (isName(deprecatedName) ? deprecatedName : undefined),
  };
}

export const conversationStatus = wireEnum<'open' | 'closed', ConversationStatus>(['open', 'closed'], {
  open: ConversationStatus.CONVERSATION_STATUS_OPEN,
  closed: ConversationStatus.CONVERSATION_STATUS_CLOSED,
});

export const messageDirection = wireEnum<'inbound' | 'outbound', MessageDirection>(['inbound', 'outbound'], {
  inbound: MessageDirection.MESSAGE_DIRECTION_INBOUND,
  outbound: MessageDirection.MESSAGE_DIRECTION_OUTBOUND,
});

export const channelType = wireEnum<ChannelName, ChannelType>(CHANNEL_NAMES, CHANNEL_TYPES);
