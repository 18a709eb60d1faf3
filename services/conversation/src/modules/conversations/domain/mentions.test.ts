import { mentionsByName } from './mentions';

const users = [
  { id: 'usr_cara_b', name: 'Cara Berg' },
  { id: 'usr_cara_h', name: 'Cara Holm' },
  { id: 'usr_ola', name: 'Ola Nordmann' },
  { id: 'usr_oyvind', name: 'Øyvind Ås' },
  { id: 'usr_ann', name: 'Ann' },
  { id: 'usr_anna', name: 'Anna Li' },
];

describe('mentions by name', () => {
  it('finds full names, ignoring case, and first names only one person has', () => {
    expect(mentionsByName('Over to @cara berg and @Ola, thanks', users)).toEqual({ userIds: ['usr_cara_b', 'usr_ola'], ambiguous: [] });
    expect(mentionsByName('@Øyvind Ås: look', users).userIds).toEqual(['usr_oyvind']);
    expect(mentionsByName('@Øyvind look', users).userIds).toEqual(['usr_oyvind']);
  });

  it('reports a first name two people share as ambiguous, with who it could mean', () => {
    expect(mentionsByName('Ask @Cara about it', users)).toEqual({ userIds: [], ambiguous: [{ written: 'Cara', userIds: ['usr_cara_b', 'usr_cara_h'] }] });
  });

  it('needs the name to end at a word boundary, and ignores email addresses', () => {
    expect(mentionsByName('@Ann please', users).userIds).toEqual(['usr_ann']);
    expect(mentionsByName('@Anna Li please', users).userIds).toEqual(['usr_anna']);
    expect(mentionsByName('@Annabel', users).userIds).toEqual([]);
    expect(mentionsByName('mail ola@example.com', users).userIds).toEqual([]);
    expect(mentionsByName('@ola.nordmann@example.com and @usr_ola', users).userIds).toEqual([]);
    expect(mentionsByName('no mentions here', users)).toEqual({ userIds: [], ambiguous: [] });
  });
});
