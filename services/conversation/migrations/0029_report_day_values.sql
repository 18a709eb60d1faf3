-- The values behind the reports' percentiles and busiest hours, kept beside the day counts (0028):
-- each first-response and resolution row carries its durations, and each created row the local
-- hours of its openings, packed as bytes (4 per duration, 1 per hour; see report_value_bytes). A
-- report over a year then reads a few rows per day and selects its exact percentiles from the
-- packed values, instead of sorting every fact. The compactor merges pending deltas into them as it
-- does the counts: a delta of +1 adds its value, one of -1 takes one occurrence away.
--
-- The rows come in three grains, so a long range reads few of them:
--   day    one local day and combination of dimensions (filtered reports, short ranges, the edges);
--   month  one local month (day = its first) and combination (reports grouped by a dimension);
--   all    one local day, every dimension together ('' and NULLs: reports by day or week, unfiltered).
ALTER TABLE report_day_counts ADD COLUMN packed bytea;
ALTER TABLE report_day_counts ADD COLUMN grain text NOT NULL DEFAULT 'day' CHECK (grain IN ('day', 'month', 'all'));
ALTER TABLE report_day_counts ALTER COLUMN grain DROP DEFAULT;
ALTER TABLE report_day_counts DROP CONSTRAINT report_day_counts_key;
ALTER TABLE report_day_counts ADD CONSTRAINT report_day_counts_key UNIQUE NULLS NOT DISTINCT (account_id, grain, day, kind, inbox_id, team_id, agent_id, channel);
-- The compactor removes rows a fold emptied; it finds them here instead of scanning every row.
CREATE INDEX report_day_counts_empty ON report_day_counts (account_id) WHERE n = 0;

-- A version per account, grain and day, taken from one sequence whenever a fold or a recount
-- writes that day's rows, in the same transaction. A reader that kept a day's rows from version v
-- knows they are still exact while the day's version is v.
CREATE SEQUENCE report_day_versions_seq;
CREATE TABLE report_day_versions (
  account_id  text NOT NULL,
  grain       text NOT NULL,
  day         date NOT NULL,
  version     bigint NOT NULL,
  PRIMARY KEY (account_id, grain, day)
);

-- The bytes of one value of a kind whose values are kept (NULL for the other kinds).
CREATE FUNCTION report_value_bytes(kind text, v integer) RETURNS bytea LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN kind = 'created' THEN substring(int4send(v) FROM 4 FOR 1)
              WHEN kind IN ('first_response', 'resolution') THEN int4send(v) END
$$;

-- The kept value of a fact: a created one's local hour, a timed one's seconds.
CREATE FUNCTION report_kept_value(kind text, at timestamptz, value integer, time_zone text) RETURNS integer LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN kind = 'created' THEN extract(hour FROM at AT TIME ZONE time_zone)::integer ELSE value END
$$;

CREATE FUNCTION report_unpacked(kind text, packed bytea) RETURNS SETOF integer LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN kind = 'created' THEN get_byte(packed, i)
              ELSE (get_byte(packed, i) << 24) | (get_byte(packed, i + 1) << 16) | (get_byte(packed, i + 2) << 8) | get_byte(packed, i + 3) END
    FROM generate_series(0, coalesce(length(packed), 0) - CASE WHEN kind = 'created' THEN 1 ELSE 4 END, CASE WHEN kind = 'created' THEN 1 ELSE 4 END) i
$$;

-- The multiset kept + added - removed, packed again (NULL for kinds without values). Values are
-- kept in no order, so adding is appending; only a removal unpacks them.
CREATE FUNCTION report_values_merged(kind text, kept bytea, added bytea, removed bytea) RETURNS bytea LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN report_value_bytes(kind, 0) IS NULL THEN NULL
              WHEN removed IS NULL THEN coalesce(kept, ''::bytea) || coalesce(added, ''::bytea)
              ELSE (SELECT coalesce(string_agg(report_value_bytes(kind, c.v), ''::bytea), ''::bytea)
                      FROM (SELECT v, sum(n) AS n
                              FROM (SELECT v, 1 AS n FROM report_unpacked(kind, kept) v
                                    UNION ALL SELECT v, 1 FROM report_unpacked(kind, added) v
                                    UNION ALL SELECT v, -1 FROM report_unpacked(kind, removed) v) all_values
                             GROUP BY v) c, generate_series(1, c.n::integer)) END
$$;

-- Counts an account's facts (every account's when NULL) into rows of every grain, in its time zone
-- now, each day at a new version. The caller clears the rows and pending deltas first, in the same
-- snapshot.
CREATE FUNCTION report_day_counts_recount(for_account text) RETURNS void LANGUAGE sql AS $$
  INSERT INTO report_day_counts (account_id, grain, day, kind, inbox_id, team_id, agent_id, channel, n, total, promoters, detractors, packed)
  SELECT f.account_id, 'day', (f.at AT TIME ZONE a.time_zone)::date, f.kind, f.inbox_id, f.team_id, f.agent_id, f.channel, count(*), coalesce(sum(f.value), 0),
         count(*) FILTER (WHERE f.kind = 'nps' AND f.value >= 9), count(*) FILTER (WHERE f.kind = 'nps' AND f.value <= 6),
         string_agg(report_value_bytes(f.kind, report_kept_value(f.kind, f.at, f.value, a.time_zone)), ''::bytea)
    FROM report_facts f JOIN accounts a ON a.id = f.account_id
   WHERE for_account IS NULL OR f.account_id = for_account
   GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;
  INSERT INTO report_day_counts (account_id, grain, day, kind, inbox_id, team_id, agent_id, channel, n, total, promoters, detractors, packed)
  SELECT d.account_id, g.grain, g.day, d.kind, g.inbox_id, g.team_id, g.agent_id, g.channel,
         sum(d.n), sum(d.total), sum(d.promoters), sum(d.detractors), string_agg(d.packed, ''::bytea)
    FROM report_day_counts d
   CROSS JOIN LATERAL (VALUES ('month', date_trunc('month', d.day)::date, d.inbox_id, d.team_id, d.agent_id, d.channel),
                              ('all', d.day, '', NULL, NULL, '')) g(grain, day, inbox_id, team_id, agent_id, channel)
   WHERE d.grain = 'day' AND (for_account IS NULL OR d.account_id = for_account)
   GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;
  DELETE FROM report_day_versions WHERE for_account IS NULL OR account_id = for_account;
  INSERT INTO report_day_versions (account_id, grain, day, version)
  SELECT account_id, grain, day, nextval('report_day_versions_seq')
    FROM (SELECT DISTINCT account_id, grain, day FROM report_day_counts WHERE for_account IS NULL OR account_id = for_account) d;
$$;

-- Counted again with their values, in every grain. No fact may commit meanwhile (SHARE blocks
-- writers): a pending delta would otherwise be counted here and again when folded.
LOCK TABLE report_facts IN SHARE MODE;
DELETE FROM report_fact_deltas;
DELETE FROM report_day_counts;
SELECT report_day_counts_recount(NULL);

-- Nothing reads these kinds from the facts any more; one index less to write per fact.
DROP INDEX report_facts_timed;
