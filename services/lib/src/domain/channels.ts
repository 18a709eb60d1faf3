// The one mapping between the wire's ChannelType enum and the channel names stored and shown
// everywhere (database rows, search documents, the public API).
import { ChannelType } from '../gen/inbox/common/v1/common';

export const CHANNEL_NAMES = ['email', 'chat', 'messenger', 'form', 'phone'] as const;
export type ChannelName = (typeof CHANNEL_NAMES)[number];

export const CHANNEL_TYPES: Record<ChannelName, ChannelType> = {
  email: ChannelType.CHANNEL_TYPE_EMAIL,
  chat: ChannelType.CHANNEL_TYPE_CHAT,
  messenger: ChannelType.CHANNEL_TYPE_MESSENGER,
  form: ChannelType.CHANNEL_TYPE_FORM,
  phone: ChannelType.CHANNEL_TYPE_PHONE,
};

export function channelNameToProto(name: ChannelName): ChannelType {
  return CHANNEL_TYPES[name];
}

/** The channel's name, or undefined for UNSPECIFIED and values this build does not know. */
export function channelNameOf(type: ChannelType): ChannelName | undefined {
  return CHANNEL_NAMES.find((name) => CHANNEL_TYPES[name] === type);
}
