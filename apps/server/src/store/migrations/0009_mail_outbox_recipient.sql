-- The local outbox (development, the demo, the benchmarks) is read per recipient: `electra
-- mail:outbox --to`, the end-to-end tests and the whole-election benchmark look up each voter's
-- credential and reset mails. Without an index each lookup scanned the whole outbox (about 2 ms per
-- voter at a thousand voters, in the benchmark's PostgreSQL time).
CREATE INDEX mail_outbox_recipient ON mail_outbox (lower(to_address), id DESC);
