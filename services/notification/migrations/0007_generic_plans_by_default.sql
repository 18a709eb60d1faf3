-- Named statements run the plan prepared for them instead of being planned again with every
-- call's values (PostgreSQL keeps choosing a custom plan for a statement that takes an array). As
-- the database's default it reaches every session, behind a pooler too, so a single named read
-- needs no transaction around it to set the mode: one round trip instead of three. Only named
-- statements are affected, and the services name only static keyed look-ups and set-based writes.
-- Without the right to alter the database the services still work: they set the mode per
-- transaction instead.
DO $$
BEGIN
  EXECUTE format('ALTER DATABASE %I SET plan_cache_mode = force_generic_plan', current_database());
EXCEPTION WHEN insufficient_privilege THEN
  RAISE NOTICE 'plan_cache_mode left as it is: % may not alter database %', current_user, current_database();
END
$$;
