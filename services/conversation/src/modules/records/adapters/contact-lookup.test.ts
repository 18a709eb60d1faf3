// Finding contacts as an agent types, against the real database: by a name containing the text,
// or an email, phone number or further address starting with it, within the account only, and
// reading the contacts that match rather than every contact of the account.
import pg from 'pg';
import { ensureDatabase, migrate } from '@inbox/lib';
import { databaseUrl, dropDatabase, rowsReadWhile, uniqueName } from '@inbox/testkit';
import { MIGRATIONS_DIR } from '../../../migrations-dir';
import { PostgresContactRecords } from './contact-records.store';

describe('finding contacts', () => {
  const database = 'inbox_test_contact_lookup';
  const url = databaseUrl(database);
  const [account, other] = [uniqueName('acc'), uniqueName('acc')];
  // Enough that reading the account costs more than the trigram index, as in a real account.
  const CROWD = 20_000;
  let pool: pg.Pool;
  const id = (suffix: string, owner = account) => `${owner.replace('acc', 'ctc')}_${suffix}`;

  beforeAll(async () => {
    await ensureDatabase(url);
    const setup = new pg.Pool({ connectionString: url, max: 1 });
    await migrate(setup, MIGRATIONS_DIR);
    for (const a of [account, other]) {
      await setup.query('INSERT INTO accounts (id, name) VALUES ($1, $1)', [a]);
      await setup.query(
        `INSERT INTO contacts (id, account_id, name, email, phone)
         SELECT $2 || '_crowd_' || g, $1, 'Customer ' || g, 'customer' || g || '@example.com', '+4790' || lpad(g::text, 6, '0') FROM generate_series(1, $3::int) g`,
        [a, a.replace('acc', 'ctc'), CROWD],
      );
      await setup.query(
        `INSERT INTO contacts (id, account_id, name, email, phone) VALUES
           ($2 || '_zelda', $1, 'Zelda Fitzgerald', 'zelda@jazz.example', '+15550001'),
           ($2 || '_scott', $1, 'Scott Fitzgerald', 'scott@jazz.example', NULL),
           ($2 || '_jean', $1, 'Jean-Luc Picard', 'captain@enterprise.example', NULL)`,
        [a, a.replace('acc', 'ctc')],
      );
    }
    // Another account whose contacts share a name with this one's: a lookup must not read them.
    await setup.query(
      `INSERT INTO contacts (id, account_id, name) SELECT $2 || '_namesake_' || g, $1, 'Picard ' || g FROM generate_series(1, 1000) g`,
      [other, other.replace('acc', 'ctc')],
    );
    await setup.query("INSERT INTO contact_addresses (account_id, contact_id, kind, position, value) VALUES ($1, $2, 'email', 1, 'f.scott@paris.example')", [account, id('scott')]);
    await setup.query('ANALYZE contacts; ANALYZE contact_addresses');
    await setup.end();
    // One connection, so a lookup and the reads of its counters share a transaction.
    pool = new pg.Pool({ connectionString: url, max: 1 });
  });

  // Thousands of rows a run: the database goes with the suite.
  afterAll(async () => {
    await pool?.end();
    await dropDatabase(database);
  });

  const find = async (text: string) => {
    await pool.query('BEGIN');
    try {
      // On tables this small a scan of the account is the cheaper plan; forbidding it shows whether an index could serve.
      await pool.query('SET LOCAL enable_seqscan = off');
      let found: { id: string }[] = [];
      const read = await rowsReadWhile(pool, 'contacts', async () => (found = await new PostgresContactRecords(pool as never).find(account, text, 10)));
      return { ids: found.map((c) => c.id), read };
    } finally {
      await pool.query('ROLLBACK');
    }
  };

  it.each([
    ['a part of a name', 'fitzg', ['scott', 'zelda']],
    ['the start of an email', 'zelda@', ['zelda']],
    ['the start of a phone number', '+1555', ['zelda']],
    ['the start of a further address', 'f.scott', ['scott']],
    ['two characters starting a word of a name', 'fi', ['scott', 'zelda']],
    ['two characters after a hyphen in a name', 'lu', ['jean']],
  ])('finds by %s, in the account only, reading only the contacts that match', async (_what, text, expected) => {
    const { ids, read } = await find(text);
    expect(ids).toEqual(expected.map((suffix) => id(suffix)));
    // Trigrams of a phone number are common among numbers: a few dozen candidates, not 40,000 rows.
    expect(read).toBeLessThan(200);
  });

  it('reads none of the matches of another account', async () => {
    const { ids, read } = await find('picar');
    expect(ids).toEqual([id('jean')]);
    expect(read).toBeLessThan(50);
  });

  it('matches two characters only where a word of a name starts, never inside one', async () => {
    // Inside a word, two characters have no trigram to look up: finding them would read the account.
    expect((await find('tz')).ids).toEqual([]);
    expect((await find('pi')).ids).toEqual([id('jean')]);
  });

  it('puts an exact name or email first, and treats % and _ as the characters they are', async () => {
    expect((await find('zelda@jazz.example')).ids).toEqual([id('zelda')]);
    expect((await find('100%')).ids).toEqual([]);
    expect((await find('customer_1')).ids).toEqual([]);
  });
});
