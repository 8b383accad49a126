"""PL/pgSQL functions that the capture hooks call, created by ``init``.

A capture hook runs in the user's create or write, once per call. PostgreSQL
plans a statement sent by the client again on every call, and for the
outbox upsert of a stage move EXPLAIN ANALYZE showed planning about as long
as execution (PostgreSQL 15). PL/pgSQL keeps the plans of a function's
statements for the session, so the hooks send one short call instead. The
function bodies must stay in step with the Python that builds the same rows
(local refs in ``linkedin.capture``, names in ``_refresh_person``).
"""

#: Upsert outbox rows, and insert stage history rows with an upsert of each.
#: A row whose record already has a pending row updates that row instead,
#: through the partial unique index ``linkedin_outbox_pending_uniq``, so a
#: claimed row is never changed. The history arrays hold at most one entry
#: per applicant, because the rows are matched back by applicant id.
OUTBOX_QUEUE = """
CREATE OR REPLACE FUNCTION linkedin_outbox_queue(
    p_backend_ids integer[], p_entity_types varchar[], p_local_refs varchar[],
    p_operations varchar[], p_res_models varchar[], p_res_ids integer[],
    p_candidate_refs integer[], p_job_refs integer[], p_remote_keys text[],
    p_history_backend_ids integer[], p_history_applicant_ids integer[],
    p_history_candidate_ids integer[], p_history_job_ids integer[],
    p_history_from_ids integer[], p_history_to_ids integer[], p_uid integer
) RETURNS void LANGUAGE plpgsql AS $function$
BEGIN
    WITH stage_changes AS (
        SELECT * FROM unnest(
            p_history_backend_ids, p_history_applicant_ids, p_history_candidate_ids,
            p_history_job_ids, p_history_from_ids, p_history_to_ids
        ) AS s(backend_id, applicant_id, candidate_id, job_id, stage_from_id,
               stage_to_id)
    ), history AS (
        INSERT INTO linkedin_stage_history (applicant_id, candidate_id, job_id,
            stage_from_id, stage_to_id, changed_at, create_uid, write_uid,
            create_date, write_date)
        SELECT s.applicant_id, s.candidate_id, s.job_id, s.stage_from_id,
            s.stage_to_id, now() AT TIME ZONE 'UTC', p_uid, p_uid,
            now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
        FROM stage_changes s
        RETURNING id, applicant_id, candidate_id, job_id
    ), source AS (
        SELECT c.backend_id, c.entity_type, c.local_ref, c.operation, c.res_model,
            c.res_id, c.candidate_ref, c.job_ref, c.remote_key
        FROM unnest(
            p_backend_ids, p_entity_types, p_local_refs, p_operations, p_res_models,
            p_res_ids, p_candidate_refs, p_job_refs, p_remote_keys
        ) AS c(backend_id, entity_type, local_ref, operation, res_model, res_id,
               candidate_ref, job_ref, remote_key)
        UNION ALL
        SELECT s.backend_id, 'stage_history', 'history:' || h.id, 'upsert',
            'linkedin.stage.history', h.id, h.candidate_id, h.job_id, NULL
        FROM history h JOIN stage_changes s ON s.applicant_id = h.applicant_id
    )
    INSERT INTO linkedin_outbox AS o (backend_id, entity_type, local_ref,
        operation, res_model, res_id, candidate_ref, job_ref, remote_key, state,
        attempts, create_uid, write_uid, create_date, write_date)
    SELECT v.backend_id, v.entity_type, v.local_ref, v.operation, v.res_model,
        v.res_id, v.candidate_ref, v.job_ref, v.remote_key, 'pending', 0, p_uid,
        p_uid, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
    FROM source v
    ON CONFLICT (backend_id, entity_type, local_ref) WHERE state = 'pending'
    DO UPDATE SET
        operation = EXCLUDED.operation,
        res_model = COALESCE(EXCLUDED.res_model, o.res_model),
        res_id = COALESCE(EXCLUDED.res_id, o.res_id),
        candidate_ref = COALESCE(EXCLUDED.candidate_ref, o.candidate_ref),
        job_ref = COALESCE(EXCLUDED.job_ref, o.job_ref),
        remote_key = COALESCE(EXCLUDED.remote_key, o.remote_key),
        attempts = 0, next_attempt_at = NULL, write_date = EXCLUDED.write_date;
END
$function$
"""

#: Link an applicant to its candidate and return the candidate id. The
#: oldest candidate with the same email comes first, then the oldest with
#: the same contact. Without either, a new candidate is created. The
#: candidate's name and count are then set as ``_refresh_person`` sets
#: them. With a backend, the upserts of the candidate and of its candidate
#: pipeline in ``p_job`` are queued, with the local refs that
#: ``linkedin.capture`` gives them.
CANDIDATE_LINK = """
CREATE OR REPLACE FUNCTION linkedin_candidate_link(
    p_applicant integer, p_company integer, p_email varchar, p_partner integer,
    p_backend integer, p_job integer, p_uid integer
) RETURNS integer LANGUAGE plpgsql AS $function$
DECLARE
    v_candidate integer;
    v_rows integer := CASE WHEN p_job IS NULL THEN 1 ELSE 2 END;
BEGIN
    SELECT id INTO v_candidate FROM linkedin_candidate
    WHERE company_id = p_company
    AND (email_normalized = p_email OR partner_id = p_partner)
    ORDER BY (email_normalized = p_email) IS TRUE DESC, id LIMIT 1;
    IF v_candidate IS NULL THEN
        INSERT INTO linkedin_candidate (email_normalized, partner_id, company_id,
            create_date, write_date, create_uid, write_uid)
        VALUES (p_email, p_partner, p_company, now() AT TIME ZONE 'UTC',
            now() AT TIME ZONE 'UTC', p_uid, p_uid)
        RETURNING id INTO v_candidate;
    END IF;
    UPDATE hr_applicant SET linkedin_candidate_id = v_candidate
    WHERE id = p_applicant;
    UPDATE linkedin_candidate c SET applicant_count = s.n, name = s.name
    FROM (
        SELECT count(*) OVER () AS n,
            COALESCE(NULLIF(a.partner_name, ''), p.name, a.name) AS name
        FROM hr_applicant a LEFT JOIN res_partner p ON p.id = a.partner_id
        WHERE a.linkedin_candidate_id = v_candidate
        ORDER BY a.id DESC LIMIT 1
    ) AS s
    WHERE c.id = v_candidate;
    IF p_backend IS NOT NULL THEN
        PERFORM linkedin_outbox_queue(
            (ARRAY[p_backend, p_backend])[1:v_rows],
            (ARRAY['candidate', 'candidate_pipeline']::varchar[])[1:v_rows],
            (ARRAY['candidate:' || v_candidate,
                   'candidate:' || v_candidate || ':job:' || p_job]::varchar[])[1:v_rows],
            (ARRAY['upsert', 'upsert']::varchar[])[1:v_rows],
            (ARRAY['linkedin.candidate', NULL]::varchar[])[1:v_rows],
            (ARRAY[v_candidate, NULL]::integer[])[1:v_rows],
            (ARRAY[v_candidate, v_candidate])[1:v_rows],
            (ARRAY[NULL, p_job]::integer[])[1:v_rows],
            (ARRAY[NULL, NULL]::text[])[1:v_rows],
            '{}', '{}', '{}', '{}', '{}', '{}', p_uid
        );
    END IF;
    RETURN v_candidate;
END
$function$
"""

FUNCTIONS = (OUTBOX_QUEUE, CANDIDATE_LINK)
#: Statements that remove the functions, run when the add-on is uninstalled.
DROP = (
    (
        "DROP FUNCTION IF EXISTS linkedin_candidate_link(integer, integer, varchar,"
        " integer, integer, integer, integer)"
    ),
    (
        "DROP FUNCTION IF EXISTS linkedin_outbox_queue(integer[], varchar[],"
        " varchar[], varchar[], varchar[], integer[], integer[], integer[], text[],"
        " integer[], integer[], integer[], integer[], integer[], integer[], integer)"
    ),
)
