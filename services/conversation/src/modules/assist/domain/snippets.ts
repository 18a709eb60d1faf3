// What a reply-library entry may be: a snippet or template of text, or a knowledge-base article link.
import { InvalidArgumentError } from '@inbox/lib';

export const SNIPPET_KINDS = ['snippet', 'template', 'article'] as const;

export interface Snippet {
  id: string;
  kind: (typeof SNIPPET_KINDS)[number];
  name: string;
  body: string;
  updatedAt: Date;
}

const MAX_NAME = 100;
const MAX_BODY = 20_000;

export function validateSnippet(input: { kind: string; name: string; body: string }): Omit<Snippet, 'id' | 'updatedAt'> {
  const kind = SNIPPET_KINDS.find((k) => k === input.kind);
  if (!kind) throw new InvalidArgumentError('invalid_kind', `kind must be one of ${SNIPPET_KINDS.join(', ')}`);
  const name = input.name.trim();
  if (!name) throw new InvalidArgumentError('name_required', 'a snippet needs a name');
  if (name.length > MAX_NAME) throw new InvalidArgumentError('name_too_long', `a name has at most ${MAX_NAME} characters`);
  const body = kind === 'article' ? input.body.trim() : input.body;
  if (!body.trim()) throw new InvalidArgumentError('body_required', kind === 'article' ? 'an article needs its URL' : 'a snippet needs text');
  if (body.length > MAX_BODY) throw new InvalidArgumentError('body_too_long', `the text has at most ${MAX_BODY} characters`);
  if (kind === 'article' && !isWebUrl(body)) throw new InvalidArgumentError('invalid_url', 'an article link must be an http(s) URL');
  return { kind, name, body };
}

function isWebUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === 'https:' || url.protocol === 'http:') && !/\s/.test(text);
  } catch {
    return false;
  }
}

/** Thrown by the store when another snippet of the same kind already has the name. */
export class SnippetNameTaken extends Error {}
