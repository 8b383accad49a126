"""SQL that ``linkedin.outbox.init`` creates: the capture journal, its
triggers on ``hr_applicant``, and the PL/pgSQL functions of the capture hooks.

Applicant creates and stage moves are the changes a recruiter makes most, so
their triggers only append one row to ``linkedin_capture_event`` inside the
user's statement. Finding the candidate, writing the stage history and
queueing the outbox rows happen later, in ``linkedin.capture.journal.ingest``,
which the flush runs first.

The other hooks call PL/pgSQL functions. PostgreSQL plans a statement sent by
the client again on every call, and for the outbox upsert of a stage move
EXPLAIN ANALYZE showed planning about as long as execution (PostgreSQL 15).
PL/pgSQL keeps the plans of a function's statements for the session.

After five calls PL/pgSQL may keep a generic plan, made from the table
statistics of that moment. Candidates and outbox rows grow by thousands
between two autovacuum analyses, so each statement needs a plan that stays
fast with outdated statistics. A candidate lookup is therefore an equality
on an indexed pair, ``(email_normalized, company_id)`` or ``(partner_id,
company_id)``: one lookup on ``company_id AND (email OR partner)`` got a
generic plan that read every candidate of the company. The function bodies
must stay in step with the Python that builds the same rows (local refs in
``linkedin.capture``, names in ``_refresh_person``).
"""


def drop_user_foreign_keys(cr, table):
    """Drop the foreign keys of ``table``'s ``create_uid`` and ``write_uid``.

    The capture hooks insert outbox, stage history and candidate rows in the
    user's transaction, and PostgreSQL checks each foreign key of a new
    row with a locking lookup of the row it names. These tables keep the
    user ids as plain integers (see their models), so databases made before
    that lose the two constraints here.
    """
    for column in ("create_uid", "write_uid"):
        cr.execute(
            'ALTER TABLE "%s" DROP CONSTRAINT IF EXISTS "%s_%s_fkey"'
            % (table, table, column)
        )


#: The ON CONFLICT clause of every outbox upsert: a row whose record already
#: has a pending row updates that row, through the partial unique index
#: ``linkedin_outbox_pending_uniq``, so a claimed row is never changed.
PENDING_UPSERT = """ON CONFLICT (backend_id, entity_type, local_ref) WHERE state = 'pending'
    DO UPDATE SET
        operation = EXCLUDED.operation,
        res_model = COALESCE(EXCLUDED.res_model, o.res_model),
        res_id = COALESCE(EXCLUDED.res_id, o.res_id),
        candidate_ref = COALESCE(EXCLUDED.candidate_ref, o.candidate_ref),
        job_ref = COALESCE(EXCLUDED.job_ref, o.job_ref),
        remote_key = COALESCE(EXCLUDED.remote_key, o.remote_key),
        attempts = 0, next_attempt_at = NULL, write_date = EXCLUDED.write_date"""

#: Upsert outbox rows (see ``PENDING_UPSERT``), and insert stage history rows
#: with an upsert of each. The history arrays hold at most one entry per
#: applicant, because the rows are matched back by applicant id.
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
    %(pending_upsert)s;
END
$function$
""" % {"pending_upsert": PENDING_UPSERT}

#: Queue the upserts of a candidate and of its candidate pipeline in
#: ``p_job`` (none without a job), with the local refs that
#: ``linkedin.capture`` gives them.
CANDIDATE_QUEUE = """
CREATE OR REPLACE FUNCTION linkedin_candidate_queue(
    p_candidate integer, p_backend integer, p_job integer, p_uid integer
) RETURNS void LANGUAGE plpgsql AS $function$
DECLARE
    v_rows integer := CASE WHEN p_job IS NULL THEN 1 ELSE 2 END;
BEGIN
    PERFORM linkedin_outbox_queue(
        (ARRAY[p_backend, p_backend])[1:v_rows],
        (ARRAY['candidate', 'candidate_pipeline']::varchar[])[1:v_rows],
        (ARRAY['candidate:' || p_candidate,
               'candidate:' || p_candidate || ':job:' || p_job]::varchar[])[1:v_rows],
        (ARRAY['upsert', 'upsert']::varchar[])[1:v_rows],
        (ARRAY['linkedin.candidate', NULL]::varchar[])[1:v_rows],
        (ARRAY[p_candidate, NULL]::integer[])[1:v_rows],
        (ARRAY[p_candidate, p_candidate])[1:v_rows],
        (ARRAY[NULL, p_job]::integer[])[1:v_rows],
        (ARRAY[NULL, NULL]::text[])[1:v_rows],
        '{}', '{}', '{}', '{}', '{}', '{}', p_uid
    );
END
$function$
"""

#: Link an applicant to its candidate and return the candidate id. The
#: oldest candidate with the same email comes first, then the oldest with
#: the same contact. Without either, a new candidate is created. The
#: candidate's name and count are then set as ``_refresh_person`` sets
#: them. With a backend, ``linkedin_candidate_queue`` queues the upserts
#: of the candidate and of its candidate pipeline in ``p_job``.
CANDIDATE_LINK = """
CREATE OR REPLACE FUNCTION linkedin_candidate_link(
    p_applicant integer, p_company integer, p_email varchar, p_partner integer,
    p_backend integer, p_job integer, p_uid integer
) RETURNS integer LANGUAGE plpgsql AS $function$
DECLARE
    v_candidate integer;
BEGIN
    IF p_email IS NOT NULL THEN
        SELECT id INTO v_candidate FROM linkedin_candidate
        WHERE email_normalized = p_email AND company_id = p_company
        ORDER BY id LIMIT 1;
    END IF;
    IF v_candidate IS NULL AND p_partner IS NOT NULL THEN
        SELECT id INTO v_candidate FROM linkedin_candidate
        WHERE partner_id = p_partner AND company_id = p_company
        ORDER BY id LIMIT 1;
    END IF;
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
        PERFORM linkedin_candidate_queue(v_candidate, p_backend, p_job, p_uid);
    END IF;
    RETURN v_candidate;
END
$function$
"""

#: Name of the transaction-local setting that turns the capture triggers off.
#: ``hr.applicant.create`` and ``write`` set it while the context key
#: ``linkedin_no_capture`` is set, because a trigger cannot see the context.
NO_CAPTURE_SETTING = "linkedin.no_capture"

#: The journal of applicant creates and stage moves, one row each, written
#: by the triggers below in the user's statement and turned into candidates,
#: stage history and outbox rows by ``linkedin.capture.journal.ingest`` at the
#: start of every flush. It has no index, primary key or foreign key: each
#: of those would cost every create and move an index entry or a locking
#: lookup, and the ingestion reads and deletes the whole table at once.
#: ``changed_at`` is the time of the statement, so a stage history row keeps
#: the moment of the move, not that of the flush.
CAPTURE_EVENT_TABLE = """
CREATE TABLE IF NOT EXISTS linkedin_capture_event (
    id bigserial NOT NULL,
    operation varchar NOT NULL,
    applicant_id integer NOT NULL,
    job_id integer,
    stage_from_id integer,
    stage_to_id integer,
    user_id integer,
    changed_at timestamp NOT NULL DEFAULT (now() AT TIME ZONE 'UTC')
)
"""

#: The pacing window that every Odoo process shares (see ``pacing_store``):
#: one row per request sent in about the last minute, with the wall-clock
#: time of the reservation in seconds. ``backend_id`` is a plain integer,
#: because rows are written outside the flush's transaction.
PACING_SLOT_TABLE = """
CREATE TABLE IF NOT EXISTS linkedin_pacing_slot (
    id serial PRIMARY KEY,
    backend_id integer NOT NULL,
    resource varchar NOT NULL,
    sent_at double precision NOT NULL,
    records integer NOT NULL
);
CREATE INDEX IF NOT EXISTS linkedin_pacing_slot_resource_idx
    ON linkedin_pacing_slot (backend_id, resource)
"""

#: The create capture of ``hr.applicant``, as an AFTER INSERT row trigger:
#: one journal row, unless the no-capture setting is on.
APPLICANT_CREATED = """
CREATE OR REPLACE FUNCTION linkedin_applicant_created()
RETURNS trigger LANGUAGE plpgsql AS $function$
BEGIN
    IF current_setting('%(setting)s', true) = 'on' THEN
        RETURN NULL;
    END IF;
    INSERT INTO linkedin_capture_event (operation, applicant_id, job_id,
        stage_to_id, user_id)
    VALUES ('create', NEW.id, NEW.job_id, NEW.stage_id, NEW.create_uid);
    RETURN NULL;
END
$function$
""" % {"setting": NO_CAPTURE_SETTING}

#: The stage move capture of ``hr.applicant``, as an AFTER UPDATE OF
#: stage_id row trigger that fires only when the stage changed: one journal
#: row with the row's own old stage, so each row of a batch UPDATE keeps
#: its own, unless the no-capture setting is on.
APPLICANT_STAGE_CHANGED = """
CREATE OR REPLACE FUNCTION linkedin_applicant_stage_changed()
RETURNS trigger LANGUAGE plpgsql AS $function$
BEGIN
    IF current_setting('%(setting)s', true) = 'on' THEN
        RETURN NULL;
    END IF;
    INSERT INTO linkedin_capture_event (operation, applicant_id, job_id,
        stage_from_id, stage_to_id, user_id)
    VALUES ('move', NEW.id, NEW.job_id, OLD.stage_id, NEW.stage_id, NEW.write_uid);
    RETURN NULL;
END
$function$
""" % {"setting": NO_CAPTURE_SETTING}

APPLICANT_TRIGGER = (
    "DROP TRIGGER IF EXISTS linkedin_applicant_created ON hr_applicant",
    (
        "CREATE TRIGGER linkedin_applicant_created AFTER INSERT ON hr_applicant"
        " FOR EACH ROW EXECUTE PROCEDURE linkedin_applicant_created()"
    ),
    "DROP TRIGGER IF EXISTS linkedin_applicant_stage_changed ON hr_applicant",
    (
        "CREATE TRIGGER linkedin_applicant_stage_changed"
        " AFTER UPDATE OF stage_id ON hr_applicant FOR EACH ROW"
        " WHEN (OLD.stage_id IS DISTINCT FROM NEW.stage_id)"
        " EXECUTE PROCEDURE linkedin_applicant_stage_changed()"
    ),
)

#: Functions of earlier versions that nothing calls any more, dropped when
#: the add-on is updated.
RETIRED = (
    "DROP FUNCTION IF EXISTS linkedin_normalize_email(text)",
    "DROP FUNCTION IF EXISTS linkedin_clean_email(text)",
)

FUNCTIONS = (
    (CAPTURE_EVENT_TABLE, PACING_SLOT_TABLE)
    + RETIRED
    + (
        OUTBOX_QUEUE,
        CANDIDATE_QUEUE,
        CANDIDATE_LINK,
        APPLICANT_CREATED,
        APPLICANT_STAGE_CHANGED,
    )
    + APPLICANT_TRIGGER
)

#: Statements that remove the triggers, the journal and the functions, run
#: when the add-on is uninstalled.
DROP = RETIRED + (
    "DROP TRIGGER IF EXISTS linkedin_applicant_created ON hr_applicant",
    "DROP TRIGGER IF EXISTS linkedin_applicant_stage_changed ON hr_applicant",
    "DROP TABLE IF EXISTS linkedin_capture_event",
    "DROP TABLE IF EXISTS linkedin_pacing_slot",
    "DROP FUNCTION IF EXISTS linkedin_applicant_created()",
    "DROP FUNCTION IF EXISTS linkedin_applicant_stage_changed()",
    (
        "DROP FUNCTION IF EXISTS linkedin_candidate_link(integer, integer, varchar,"
        " integer, integer, integer, integer)"
    ),
    (
        "DROP FUNCTION IF EXISTS linkedin_outbox_queue(integer[], varchar[],"
        " varchar[], varchar[], varchar[], integer[], integer[], integer[], text[],"
        " integer[], integer[], integer[], integer[], integer[], integer[], integer)"
    ),
    (
        "DROP FUNCTION IF EXISTS linkedin_candidate_queue(integer, integer, integer,"
        " integer)"
    ),
)
