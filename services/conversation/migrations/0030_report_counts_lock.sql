-- The lock of report_day_counts' writers (the compactor and an account's rebuild), as a table
-- rather than a session advisory lock: under PgBouncer's transaction pooling a session lock may
-- be taken on one server connection and released on another. A transaction-scoped table lock
-- also takes no snapshot, so a rebuild's repeatable-read snapshot starts after it is held.
CREATE TABLE report_counts_lock (id int PRIMARY KEY CHECK (id = 1));
INSERT INTO report_counts_lock (id) VALUES (1);
