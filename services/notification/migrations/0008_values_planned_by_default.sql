-- Undoes 0007. A database default of force_generic_plan reached every statement sent with values,
-- not only the named ones: PostgreSQL keeps the unnamed statement of the extended protocol in the
-- same plan cache, and the setting decides there too. Plans made without their values estimate a
-- third of the table for a range and a tenth for LIMIT $n, and cannot use an index built for one
-- value (see the conversation database's 0039). Named statements get their generic plan inside
-- the transactions that ask for it (SET LOCAL), as before 0007.
DO $$
BEGIN
  EXECUTE format('ALTER DATABASE %I RESET plan_cache_mode', current_database());
EXCEPTION WHEN insufficient_privilege THEN
  RAISE NOTICE 'plan_cache_mode left as it is: % may not alter database %', current_user, current_database();
END
$$;
