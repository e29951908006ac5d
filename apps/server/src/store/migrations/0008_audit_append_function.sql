-- Audit appends in one statement (ADR 0008). The chain needs a lock so that entries link in commit
-- order; taking it, reading the head, hashing and inserting from the application cost three round
-- trips while every other append waited. This function does the same work inside PostgreSQL, so the
-- lock is held only for the rest of the appender's transaction: for a stand-alone entry, that is the
-- statement itself. The hashed bytes are those of docs/operations/audit-log.md ("Hash chain"): the
-- application passes the framed tag and the framed fields it knows (actor … details); the function
-- frames seq, time and the previous hash around them. Each statement of a VOLATILE plpgsql function
-- takes a fresh snapshot, so the head is read after the lock is granted.
CREATE FUNCTION electra_audit_append(
  p_lock bigint,
  p_tag bytea,
  p_fields bytea,
  p_actor text,
  p_action text,
  p_target text,
  p_ip text,
  p_request_id text,
  p_details jsonb
) RETURNS TABLE (seq bigint, "time" timestamptz, prev_hash bytea, hash bytea)
  LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  v_seq bigint;
  v_time timestamptz;
  v_prev bytea;
  v_iso bytea;
  v_hash bytea;
BEGIN
  PERFORM pg_advisory_xact_lock(p_lock);
  SELECT a.seq, a.time, a.hash INTO v_seq, v_time, v_prev FROM audit_log a ORDER BY a.seq DESC LIMIT 1;
  v_seq := coalesce(v_seq, 0) + 1;
  v_prev := coalesce(v_prev, decode(repeat('00', 32), 'hex'));
  -- Time never goes backwards along the chain, even if the database clock is stepped back.
  v_time := greatest(v_time, date_trunc('milliseconds', clock_timestamp()));
  v_iso := convert_to(to_char(v_time AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'UTF8');
  v_hash := sha256(
    p_tag
    || '\x0500000008'::bytea || int8send(v_seq)
    || '\x02'::bytea || int4send(octet_length(v_iso)) || v_iso
    || p_fields
    || '\x0100000020'::bytea || v_prev
  );
  INSERT INTO audit_log (seq, time, actor, action, target, ip, request_id, details, prev_hash, hash)
    VALUES (v_seq, v_time, p_actor, p_action, p_target, p_ip, p_request_id, p_details, v_prev, v_hash);
  RETURN QUERY SELECT v_seq, v_time, v_prev, v_hash;
END;
$$;
