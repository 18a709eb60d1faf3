// The conversation index as code: an index template (analysers for support mail, strict
// mappings), concrete indices named <prefix>-<timestamp>, and two aliases over them. Queries read
// through <prefix>-read; the indexer writes to every index behind <prefix>-write, so a reindex can
// add a new index to the write alias, backfill it, and then swap the read alias atomically.
import type { IndexAliases } from '../use-cases/ports';
import type { OpenSearchClient } from '@inbox/lib';

export interface IndexLayoutOptions {
  prefix: string;
  shards: number;
  replicas: number;
  refreshInterval: string;
}

const TEXT = { type: 'text', analyzer: 'inbox_text', fields: { exact: { type: 'text', analyzer: 'inbox_exact' } } };
// The highlighted fields keep their words' offsets, so snippets come from the postings instead of
// analysing each hit's text again: highlighting was half of OpenSearch's CPU per search.
const HIGHLIGHTED = { index_options: 'offsets' };

// Fields added after indices were first made: put on existing indices too, since the mapping is strict.
const ADDED_FIELDS = {
  // The list item a hit answers with: never searched. Read from doc values, because reading it as
  // a stored field decompresses the document's texts stored before it.
  summary: { type: 'binary', doc_values: true },
};

export function indexTemplate(options: IndexLayoutOptions) {
  return {
    index_patterns: [`${options.prefix}-*`],
    template: {
      settings: {
        number_of_shards: options.shards,
        number_of_replicas: options.replicas,
        refresh_interval: options.refreshInterval,
        // Segments kept in the order searches usually want, newest first: a search in that order stops
        // reading a segment once it has its page and its bounded total, instead of visiting every match.
        sort: { field: ['last_message_at', 'conversation_id'], order: ['desc', 'desc'] },
        analysis: {
          filter: {
            inbox_possessive: { type: 'stemmer', language: 'possessive_english' },
            inbox_stemmer: { type: 'stemmer', language: 'light_english' },
          },
          normalizer: { inbox_folded: { type: 'custom', filter: ['lowercase', 'asciifolding'] } },
          analyzer: {
            // Words: folded (ø → o, é → e) and lightly stemmed, so "refunds" finds "refund".
            inbox_text: { type: 'custom', tokenizer: 'standard', filter: ['inbox_possessive', 'lowercase', 'asciifolding', 'inbox_stemmer'] },
            // Whole email addresses and URLs as single tokens, for exact look-ups.
            inbox_exact: { type: 'custom', tokenizer: 'uax_url_email', filter: ['lowercase', 'asciifolding'] },
          },
        },
      },
      mappings: {
        dynamic: 'strict',
        // The list item lives in doc values only.
        _source: { excludes: ['summary'] },
        properties: {
          conversation_id: { type: 'keyword' },
          account_id: { type: 'keyword' },
          inbox_id: { type: 'keyword' },
          version: { type: 'long' },
          status: { type: 'keyword' },
          channel: { type: 'keyword' },
          subject: { type: 'search_as_you_type', analyzer: 'inbox_text', fields: { exact: { type: 'text', analyzer: 'inbox_exact' } } },
          contact_id: { type: 'keyword' },
          contact_name: { type: 'search_as_you_type', analyzer: 'inbox_text' },
          contact_email: { ...TEXT, fields: { ...TEXT.fields, keyword: { type: 'keyword', normalizer: 'inbox_folded' } } },
          contact_phone: { type: 'keyword' },
          assignee_kind: { type: 'keyword' },
          assignee_id: { type: 'keyword' },
          messages: { ...TEXT, ...HIGHLIGHTED },
          comments: { ...TEXT, ...HIGHLIGHTED },
          participants: { type: 'text', analyzer: 'inbox_exact' },
          first_message_at: { type: 'date' },
          last_message_at: { type: 'date' },
          created_at: { type: 'date' },
          filtered: { type: 'boolean' },
          trashed: { type: 'boolean' },
          ...ADDED_FIELDS,
        },
      },
    },
  };
}

export class IndexLayout implements IndexAliases {
  readonly readAlias: string;
  readonly writeAlias: string;

  constructor(
    private readonly client: OpenSearchClient,
    readonly options: IndexLayoutOptions,
  ) {
    this.readAlias = `${options.prefix}-read`;
    this.writeAlias = `${options.prefix}-write`;
  }

  newIndexName(): string {
    return `${this.options.prefix}-${new Date().toISOString().replace(/[-:.TZ]/g, '').toLowerCase()}`;
  }

  async putTemplate(): Promise<void> {
    await this.client.indices.putIndexTemplate({ name: this.options.prefix, body: indexTemplate(this.options) as never });
  }

  /**
   * Template, and a first index behind both aliases when there is none yet (safe to run
   * concurrently). The replica count is a live setting: existing indices are brought to it, so
   * a cluster that grew a node gets its copies without a reindex.
   */
  async ensure(): Promise<void> {
    await this.putTemplate();
    const existing = [...new Set([...(await this.indicesOf(this.readAlias)), ...(await this.indicesOf(this.writeAlias))])];
    if (existing.length > 0) {
      await this.applyReplicas(existing);
      await this.client.indices.putMapping({ index: existing.join(','), body: { properties: ADDED_FIELDS } as never });
      return;
    }
    const index = this.newIndexName();
    try {
      await this.client.indices.create({
        index,
        body: { aliases: { [this.readAlias]: {}, [this.writeAlias]: {} } } as never,
      });
    } catch (error) {
      if (!isAlreadyExists(error)) throw error;
    }
    // Two replicas racing could each create an index; keep the oldest behind the aliases.
    const all = (await this.indicesOf(this.readAlias)).sort();
    if (all.length > 1) {
      const extra = all.slice(1);
      await this.client.indices.updateAliases({
        body: { actions: extra.flatMap((i) => [{ remove_index: { index: i } }]) } as never,
      });
    }
  }

  private async applyReplicas(indices: string[]): Promise<void> {
    const response = await this.client.indices.getSettings({ index: indices.join(','), name: 'index.number_of_replicas' });
    const settings = response.body as Record<string, { settings: { index: { number_of_replicas: string } } }>;
    const behind = indices.filter((i) => Number(settings[i]?.settings.index.number_of_replicas) !== this.options.replicas);
    if (behind.length === 0) return;
    await this.client.indices.putSettings({ index: behind.join(','), body: { index: { number_of_replicas: this.options.replicas } } as never });
  }

  async indicesOf(alias: string): Promise<string[]> {
    try {
      const response = await this.client.indices.getAlias({ name: alias });
      return Object.keys(response.body);
    } catch (error) {
      if (statusOf(error) === 404) return [];
      throw error;
    }
  }

  async createIndex(index: string): Promise<void> {
    await this.putTemplate();
    await this.client.indices.create({ index });
  }

  async addToWriteAlias(index: string): Promise<void> {
    await this.client.indices.updateAliases({ body: { actions: [{ add: { index, alias: this.writeAlias } }] } as never });
  }

  /** One atomic alias change: the read alias and the write alias both point at `index` alone. */
  async swapTo(index: string): Promise<string[]> {
    const readers = (await this.indicesOf(this.readAlias)).filter((i) => i !== index);
    const writers = (await this.indicesOf(this.writeAlias)).filter((i) => i !== index);
    const actions = [
      ...readers.map((old) => ({ remove: { index: old, alias: this.readAlias } })),
      ...writers.map((old) => ({ remove: { index: old, alias: this.writeAlias } })),
      { add: { index, alias: this.readAlias } },
      { add: { index, alias: this.writeAlias } },
    ];
    await this.client.indices.updateAliases({ body: { actions } as never });
    return [...new Set([...readers, ...writers])];
  }

  async deleteIndex(index: string): Promise<void> {
    await this.client.indices.delete({ index });
  }
}

export function statusOf(error: unknown): number | undefined {
  return (error as { meta?: { statusCode?: number } })?.meta?.statusCode;
}

function isAlreadyExists(error: unknown): boolean {
  const type = (error as { meta?: { body?: { error?: { type?: string } } } })?.meta?.body?.error?.type;
  return type === 'resource_already_exists_exception';
}
