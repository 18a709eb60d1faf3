// Mentions written by name: "@Cara Berg" or just "@Cara". The longest full name that follows the
// @ (ignoring case, ending at a word boundary) wins; otherwise a first name that only one person
// has. A name two people share is ambiguous: the caller refuses it unless the person was picked
// from the list (their id came with the comment).
export interface Mentionable {
  id: string;
  name: string;
}

export interface NameMentions {
  userIds: string[];
  /** What was written after the @, and who it could mean. */
  ambiguous: { written: string; userIds: string[] }[];
}

const WORD_CHAR = /[\p{L}\p{N}_]/u;

function groupBy(users: Mentionable[], key: (u: Mentionable) => string): Map<string, Mentionable[]> {
  const groups = new Map<string, Mentionable[]>();
  for (const user of users) {
    const k = key(user);
    if (!k) continue;
    groups.set(k, [...(groups.get(k) ?? []), user]);
  }
  return groups;
}

export function mentionsByName(text: string, users: Mentionable[]): NameMentions {
  const fullNames = groupBy(users, (u) => u.name.trim().toLowerCase());
  const firstNames = groupBy(users, (u) => u.name.trim().split(/\s+/)[0]?.toLowerCase() ?? '');
  // Longest first, so "@Cara Berg" is Cara Berg and not a first name followed by text.
  const names = [...fullNames.keys()].sort((a, b) => b.length - a.length);
  const lower = text.toLowerCase();
  const found = new Set<string>();
  const ambiguous: NameMentions['ambiguous'] = [];
  for (let at = lower.indexOf('@'); at !== -1; at = lower.indexOf('@', at + 1)) {
    if (at > 0 && WORD_CHAR.test(lower[at - 1])) continue; // part of an email address
    const rest = lower.slice(at + 1);
    if (/^[\w.+-]+@[\w-]+\./.test(rest) || rest.startsWith('usr_')) continue; // "@email" and "@usr_…" mentions
    const endsWord = (length: number) => length > 0 && !WORD_CHAR.test(rest[length] ?? ' ');
    const full = names.find((name) => rest.startsWith(name) && endsWord(name.length));
    const first = full ? undefined : [...firstNames.keys()].find((name) => rest.startsWith(name) && endsWord(name.length));
    const matches = full ? fullNames.get(full)! : first ? firstNames.get(first)! : [];
    if (matches.length === 1) found.add(matches[0].id);
    else if (matches.length > 1) ambiguous.push({ written: text.slice(at + 1, at + 1 + (full ?? first)!.length), userIds: matches.map((u) => u.id) });
  }
  return { userIds: [...found], ambiguous };
}
