import { withSignature } from './signature';

describe('reply signatures', () => {
  it('adds the signature after the separator, with the agent named', () => {
    expect(withSignature({ text: 'Your order ships today.\n\n', html: null }, 'Best regards,\n{agent}\nAcme support', 'Cara')).toEqual({
      text: 'Your order ships today.\n\n-- \nBest regards,\nCara\nAcme support',
      html: null,
    });
  });

  it('escapes the signature into the HTML part', () => {
    expect(withSignature({ text: 'Hi', html: '<p>Hi</p>' }, '<b>{agent}</b> & co\nline 2', 'Ann').html).toBe('<p>Hi</p><p class="signature">-- <br>&#60;b&#62;Ann&#60;/b&#62; &#38; co<br>line 2</p>');
  });

  it('leaves a body without a signature as it is', () => {
    const body = { text: 'Hi', html: '<p>Hi</p>' };
    expect(withSignature(body, '  ', 'Ann')).toBe(body);
  });
});
