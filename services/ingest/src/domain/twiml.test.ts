import { dialTwiml, dialWasAnswered, answeredTwiml } from './twiml';

describe('voice instructions', () => {
  it('rings each number with its own pick-up URL, escaped for XML', () => {
    const twiml = dialTwiml({
      targets: [
        { userId: 'usr_a', phoneNumber: '+4790000001' },
        { userId: 'usr_b', phoneNumber: '+4790000002' },
      ],
      timeoutSeconds: 15,
      actionUrl: 'https://in.example/calls/chn_1/events?ring=usr_a%2Cusr_b&x=1',
      answeredUrl: (t) => `https://in.example/calls/chn_1/events?answeredBy=${t.userId}`,
    });
    expect(twiml).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><Response><Dial timeout="15" action="https://in.example/calls/chn_1/events?ring=usr_a%2Cusr_b&#38;x=1" method="POST">' +
        '<Number url="https://in.example/calls/chn_1/events?answeredBy=usr_a" method="POST">+4790000001</Number>' +
        '<Number url="https://in.example/calls/chn_1/events?answeredBy=usr_b" method="POST">+4790000002</Number></Dial></Response>',
    );
  });

  it('never lets a channel name break out of the whisper', () => {
    expect(answeredTwiml('Sales <Hangup/> & co')).toContain('<Say>A call for Sales &#60;Hangup/&#62; &#38; co.</Say>');
  });

  it('counts only a completed or answered dial as picked up', () => {
    expect(['completed', 'answered'].map(dialWasAnswered)).toEqual([true, true]);
    expect(['no-answer', 'busy', 'failed', 'canceled', undefined].map(dialWasAnswered)).toEqual([false, false, false, false, false]);
  });
});
