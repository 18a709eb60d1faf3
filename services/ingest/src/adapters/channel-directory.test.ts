import { ChannelType } from '@inbox/lib/gen/inbox/common/v1/common';
import { CachedChannelDirectory } from './channel-directory';

describe('channel secrets at the edge', () => {
  function directory(load: () => string[]) {
    let calls = 0;
    const client = {
      call: {
        listChannelSecrets: async () => {
          calls += 1;
          await new Promise((resolve) => setTimeout(resolve, 20));
          return { secrets: load() };
        },
      },
    };
    return { dir: new CachedChannelDirectory(client as never), calls: () => calls };
  }

  it('finds a secret added after the last load when asked for one fresh since the request arrived', async () => {
    let secrets = ['old'];
    const { dir, calls } = directory(() => secrets);
    expect(await dir.secrets(ChannelType.CHANNEL_TYPE_MESSENGER)).toEqual(['old']);
    secrets = ['old', 'new'];
    expect(await dir.secrets(ChannelType.CHANNEL_TYPE_MESSENGER)).toEqual(['old']);
    const arrived = Date.now();
    expect(await dir.secrets(ChannelType.CHANNEL_TYPE_MESSENGER, arrived)).toEqual(['old', 'new']);
    expect(calls()).toBe(2);
  });

  it('shares one load among concurrent callers', async () => {
    const { dir, calls } = directory(() => ['s']);
    const arrived = Date.now();
    await Promise.all(Array.from({ length: 50 }, () => dir.secrets(ChannelType.CHANNEL_TYPE_MESSENGER, arrived)));
    expect(calls()).toBe(1);
  });
});
