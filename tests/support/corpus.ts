// The shared email corpus (../shared/corpus/email, written by other projects) and the rules
// for comparing a stored message with what each source expects. Only what a source asserts is
// compared; README.md of the corpus explains each source's fields.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './service-process';

export const CORPUS_DIR = [path.resolve(ROOT, '../shared/corpus/email'), path.resolve(ROOT, '../../shared/corpus/email')].find((d) => existsSync(d)) ?? '';

export interface CorpusCase {
  id: string;
  path: string;
  source: string;
  expect: Record<string, any>;
}

export function loadCorpus(): CorpusCase[] {
  return (JSON.parse(readFileSync(path.join(CORPUS_DIR, 'cases.json'), 'utf8')) as { cases: CorpusCase[] }).cases;
}

export function rawOf(c: CorpusCase): Buffer {
  return readFileSync(path.join(CORPUS_DIR, c.path));
}

export interface StoredMessage {
  from: { name: string; address: string };
  to: { name: string; address: string }[];
  cc: { name: string; address: string }[];
  subject: string;
  text: string;
  replyText: string;
  html: string | null;
  inReplyTo: string[];
  references: string[];
  attachments: { filename: string; contentType: string; size: number }[];
  filteredReason: string | null;
}

// NUL is not text (PostgreSQL cannot store it; the inbox drops it), so it is not compared either.
const squash = (s: string) => s.replace(/\u0000/g, '').replace(/\s+/g, ' ').trim();
const lower = (s: string | null | undefined) => (s ?? '').trim().toLowerCase();
const addresses = (list: { address: string | null }[] | null | undefined) => (list ?? []).map((a) => lower(a.address)).filter(Boolean).sort();
const setEqual = (a: string[], b: string[]) => JSON.stringify([...new Set(a)].sort()) === JSON.stringify([...new Set(b)].sort());

function parseAddressList(value: string): string[] {
  return [...value.matchAll(/<([^<>\s]*)>|([^\s,<>"]+@[^\s,<>"]+)/g)].map((m) => lower(m[1] ?? m[2])).filter(Boolean);
}

/** The differences between a stored message and the case's expectations (empty when it matches). */
export function compare(c: CorpusCase, m: StoredMessage): string[] {
  const e = c.expect;
  const problems: string[] = [];
  const check = (ok: boolean, what: string) => {
    if (!ok) problems.push(what);
  };
  const storedText = squash(m.text);
  if (c.source === 'stalwart-mail-parser') {
    const from = (e.from ?? []).find((a: { address: string | null }) => a.address);
    if (from) check(lower(m.from.address) === lower(from.address), `from ${m.from.address} != ${from.address}`);
    if (from?.name) check(squash(m.from.name) === squash(from.name), `from name "${m.from.name}" != "${from.name}"`);
    if (e.to) check(setEqual(m.to.map((a) => lower(a.address)), addresses(e.to)), `to [${m.to.map((a) => a.address)}] != [${addresses(e.to)}]`);
    if (e.cc) check(setEqual(m.cc.map((a) => lower(a.address)), addresses(e.cc)), `cc [${m.cc.map((a) => a.address)}] != [${addresses(e.cc)}]`);
    if ('subject' in e) check(squash(m.subject) === squash(e.subject ?? ''), `subject "${m.subject}" != "${e.subject}"`);
    for (const part of (e.text_body ?? []) as { kind: string; full?: string; prefix?: string }[]) {
      if (part.kind !== 'text') continue;
      const expected = squash(part.full ?? part.prefix ?? '');
      check(!expected || storedText.includes(expected.slice(0, 400)), `text part missing: "${expected.slice(0, 60)}…"`);
    }
    const named = ((e.attachments ?? []) as { filename: string | null }[]).map((a) => a.filename).filter((n): n is string => !!n);
    const stored = m.attachments.map((a) => a.filename);
    for (const name of named) check(stored.includes(name), `attachment "${name}" missing (stored: ${stored.join(', ') || 'none'})`);
  } else if (c.source === 'zammad') {
    if (e.from_email) check(lower(m.from.address) === lower(e.from_email), `from ${m.from.address} != ${e.from_email}`);
    if (e.from_display_name) check(squash(m.from.name) === squash(e.from_display_name), `from name "${m.from.name}" != "${e.from_display_name}"`);
    if (e.to) check(setEqual(m.to.map((a) => lower(a.address)), parseAddressList(e.to)), `to [${m.to.map((a) => a.address)}] != ${e.to}`);
    if (e.cc) check(setEqual(m.cc.map((a) => lower(a.address)), parseAddressList(e.cc)), `cc [${m.cc.map((a) => a.address)}] != ${e.cc}`);
    if ('subject' in e) check(squash(m.subject) === squash(e.subject ?? ''), `subject "${m.subject}" != "${e.subject}"`);
    for (const attachment of (e.attachments ?? []) as { filename?: string; content_alternative?: boolean }[]) {
      // Zammad keeps the HTML alternative as an attachment named message.html; we keep it as the message's HTML.
      if (attachment.content_alternative) check(!!m.html, 'the HTML alternative is missing');
      else if (attachment.filename) check(m.attachments.some((a) => a.filename === attachment.filename), `attachment "${attachment.filename}" missing (stored: ${m.attachments.map((a) => a.filename).join(', ') || 'none'})`);
    }
    if (e.content_type === 'text/plain' && e.body?.prefix) check(storedText.includes(squash(e.body.prefix).slice(0, 200)), 'body text differs from the expected plain text');
  } else if (c.source === 'chatwoot') {
    if ('auto_reply' in e) check((m.filteredReason === 'auto_reply') === e.auto_reply, `auto-reply detection: filtered as ${m.filteredReason ?? 'nothing'}`);
    if ('subject' in e) check(squash(m.subject) === squash(e.subject ?? ''), `subject "${m.subject}" != "${e.subject}"`);
    if (e.text_reply_prefix) check(squash(m.replyText).startsWith(squash(e.text_reply_prefix)), `reply text starts "${m.replyText.slice(0, 40)}"`);
    if ('in_reply_to' in e) check((m.inReplyTo[0] ?? null) === e.in_reply_to, `in-reply-to ${m.inReplyTo[0]} != ${e.in_reply_to}`);
    if ('references' in e) check(JSON.stringify(m.references) === JSON.stringify(e.references), `references ${JSON.stringify(m.references)} != ${JSON.stringify(e.references)}`);
  } else if (c.source === 'talon') {
    const expected = String(e.reply_text_of_first_text_plain_part ?? '').trim();
    check(m.replyText.trim() === expected, `reply text "${m.replyText.trim().slice(0, 60)}" != "${expected.slice(0, 60)}"`);
  }
  return problems;
}
