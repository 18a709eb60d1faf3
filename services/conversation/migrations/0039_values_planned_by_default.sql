-- Undoes 0037. A database default of force_generic_plan reached every statement sent with values,
-- not only the named ones: PostgreSQL keeps the unnamed statement of the extended protocol in the
-- same plan cache, and the setting decides there too. Plans made without their values estimated
-- a third of the table for a range and a tenth for LIMIT $n, and could not use an index built for
-- one status: the service-level sweep hashed all 1.4 million conversations every few seconds
-- (40 ms each, seconds at a larger size) to update a handful. Named statements get their generic
-- plan inside the transactions that ask for it (SET LOCAL), as before 0037.
DO $$
BEGIN
  EXECUTE format('ALTER DATABASE %I RESET plan_cache_mode', current_database());
EXCEPTION WHEN insufficient_privilege THEN
  RAISE NOTICE 'plan_cache_mode left as it is: % may not alter database %', current_user, current_database();
END
$$;
