-- Report counts kept per local day, so a report over a year reads a few rows per day instead of
-- every fact. Each fact inserted or changed appends a delta (by a trigger on report_facts, in the
-- same transaction); a compactor folds committed deltas into one row per day and combination of
-- dimensions, in the account's time zone at that moment (a change of zone rebuilds the
-- account's rows). A count read in between sums rows and deltas in one snapshot, so it is exact
-- either way, as the view counts are (0015). Percentiles still read the facts themselves.
CREATE TABLE report_day_counts (
  account_id  text NOT NULL,
  day         date NOT NULL,
  kind        text NOT NULL,
  inbox_id    text NOT NULL,
  team_id     text,
  agent_id    text,
  channel     text NOT NULL,
  n           bigint NOT NULL,
  total       bigint NOT NULL,
  promoters   bigint NOT NULL,
  detractors  bigint NOT NULL,
  CONSTRAINT report_day_counts_key UNIQUE NULLS NOT DISTINCT (account_id, day, kind, inbox_id, team_id, agent_id, channel)
);

CREATE TABLE report_fact_deltas (
  id          bigserial PRIMARY KEY,
  account_id  text NOT NULL,
  kind        text NOT NULL,
  at          timestamptz NOT NULL,
  inbox_id    text NOT NULL,
  team_id     text,
  agent_id    text,
  channel     text NOT NULL,
  value       integer,
  n           integer NOT NULL
);
CREATE INDEX report_fact_deltas_range ON report_fact_deltas (account_id, at);

CREATE FUNCTION report_fact_deltas() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    INSERT INTO report_fact_deltas (account_id, kind, at, inbox_id, team_id, agent_id, channel, value, n)
    VALUES (OLD.account_id, OLD.kind, OLD.at, OLD.inbox_id, OLD.team_id, OLD.agent_id, OLD.channel, OLD.value, -1);
  END IF;
  INSERT INTO report_fact_deltas (account_id, kind, at, inbox_id, team_id, agent_id, channel, value, n)
  VALUES (NEW.account_id, NEW.kind, NEW.at, NEW.inbox_id, NEW.team_id, NEW.agent_id, NEW.channel, NEW.value, 1);
  RETURN NULL;
END;
$$;

CREATE TRIGGER report_facts_deltas AFTER INSERT OR UPDATE ON report_facts
  FOR EACH ROW EXECUTE FUNCTION report_fact_deltas();

-- The facts written so far (0027's history), counted at once.
INSERT INTO report_day_counts (account_id, day, kind, inbox_id, team_id, agent_id, channel, n, total, promoters, detractors)
SELECT f.account_id, (f.at AT TIME ZONE a.time_zone)::date, f.kind, f.inbox_id, f.team_id, f.agent_id, f.channel,
       count(*), coalesce(sum(f.value), 0), count(*) FILTER (WHERE f.kind = 'nps' AND f.value >= 9), count(*) FILTER (WHERE f.kind = 'nps' AND f.value <= 6)
  FROM report_facts f JOIN accounts a ON a.id = f.account_id
 GROUP BY 1, 2, 3, 4, 5, 6, 7;
