// Drafts belong to one conversation: kept per conversation and kind in localStorage (so a reload
// keeps them), never carried into another conversation, and gone once sent.
const PREFIX = 'inbox.draft.';

export type DraftKind = 'reply' | 'comment';

export interface CommentDraft {
  text: string;
  mentions: string[];
}

const key = (conversationId: string, kind: DraftKind) => `${PREFIX}${conversationId}.${kind}`;

function read<T>(conversationId: string, kind: DraftKind): T | null {
  try {
    const value = localStorage.getItem(key(conversationId, kind));
    return value ? (JSON.parse(value) as T) : null;
  } catch {
    return null;
  }
}

function write(conversationId: string, kind: DraftKind, value: unknown | null): void {
  try {
    if (value === null) localStorage.removeItem(key(conversationId, kind));
    else localStorage.setItem(key(conversationId, kind), JSON.stringify(value));
  } catch {
    // Storage full or private mode: the draft lives as long as the page.
  }
}

export const drafts = {
  reply: (conversationId: string) => read<{ html: string }>(conversationId, 'reply')?.html ?? '',
  saveReply: (conversationId: string, html: string) => write(conversationId, 'reply', html.trim() ? { html } : null),
  comment: (conversationId: string): CommentDraft => read<CommentDraft>(conversationId, 'comment') ?? { text: '', mentions: [] },
  saveComment: (conversationId: string, draft: CommentDraft) => write(conversationId, 'comment', draft.text.trim() ? draft : null),
};

/** Editor HTML restored from storage, without anything that could run: scripts, frames, handlers, javascript: links. */
export function inertHtml(html: string): string {
  const doc = new DOMParser().parseFromString(`<body>${html}</body>`, 'text/html');
  doc.body.querySelectorAll('script, style, iframe, object, embed, link, meta, form, input, button, textarea, select').forEach((node) => node.remove());
  for (const element of doc.body.querySelectorAll('*')) {
    for (const attribute of [...element.attributes]) {
      const name = attribute.name.toLowerCase();
      if (name.startsWith('on') || ((name === 'href' || name === 'src') && /^\s*(javascript|data|vbscript):/i.test(attribute.value))) element.removeAttribute(attribute.name);
    }
  }
  return doc.body.innerHTML;
}
