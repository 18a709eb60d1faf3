-- An erased contact stays as an anonymised stub (its conversations still count); this says when.
ALTER TABLE contacts ADD COLUMN erased_at timestamptz;
