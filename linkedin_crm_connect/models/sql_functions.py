"""PL/pgSQL functions that the capture hooks call, created by ``init``.

A capture hook runs in the user's create or write, once per call. PostgreSQL
plans a statement sent by the client again on every call, and for the
outbox upsert of a stage move EXPLAIN ANALYZE showed planning about as long
as execution (PostgreSQL 15). PL/pgSQL keeps the plans of a function's
statements for the session, so the hooks send one short call instead.

After five calls PL/pgSQL may keep a generic plan, made from the table
statistics of that moment. Candidates and outbox rows grow by thousands
between two autovacuum analyses, so each statement needs a plan that
stays fast with outdated statistics. A candidate lookup is therefore an equality on an indexed
pair, ``(email_normalized, company_id)`` or ``(partner_id, company_id)``:
one lookup on ``company_id AND (email OR partner)`` got a generic plan that
read every candidate of the company, whose cost grew with each create. The
function bodies must stay in step with the Python that builds the same rows
(local refs in ``linkedin.capture``, names in ``_refresh_person``).
"""


def drop_user_foreign_keys(cr, table):
    """Drop the foreign keys of ``table``'s ``create_uid`` and ``write_uid``.

    The capture triggers insert outbox, stage history and candidate rows in
    the user's transaction, and PostgreSQL checks each foreign key of a new
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

#: The characters that Python's ``str.strip()`` removes (``str.isspace()``),
#: as the body of a PostgreSQL escape string.
_WHITESPACE = (
    r"\t\n\u000b\f\r\u001c\u001d\u001e\u001f \u0085\u00a0\u1680\u2000\u2001"
    r"\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f"
    r"\u205f\u3000"
)

#: The SQL twin of ``entities.clean_email``: the address of ``Name <address>``,
#: else the value trimmed. It follows ``email.utils.parseaddr`` of Python 3.11
#: for a display name of words, "quoted strings" and (comments) before one
#: ``<local@domain>``. Whitespace around dots, around the ``@`` and inside the
#: domain is removed, and the address ends at its first ``,``, ``;`` or ``:``.
#: An empty address, local part or domain returns the value itself, as does
#: a display name with an unquoted ``@ , : ; [ ]`` or an unbalanced quote.
#: NOTE: parseaddr reads such display names differently, and differently
#: again in its ``strict`` mode (Python 3.13, backported to 3.11.10), so such an
#: applicant may match another candidate than a lookup in Python would. The
#: same holds for a quoted local part that contains dots or an ``@``.
CLEAN_EMAIL = r"""
CREATE OR REPLACE FUNCTION linkedin_clean_email(p_value text)
RETURNS text LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $function$
DECLARE
    v_value text := btrim(COALESCE(p_value, ''), E'%(whitespace)s');
    v_address text;
    v_local text;
    v_domain text;
BEGIN
    IF strpos(v_value, '<') = 0 OR right(v_value, 1) <> '>' THEN
        RETURN v_value;
    END IF;
    v_address := substring(v_value FROM
        '^(?:"(?:[^"\\]|\\.)*"|\([^()]*\)|[^<>@,:;"()\[\]])*<([^<>]*)>');
    IF v_address IS NULL THEN
        RETURN v_value;
    END IF;
    v_address := regexp_replace(v_address, '\([^()]*\)', '', 'g');
    v_address := btrim(substring(v_address FROM '^[^,;:]*'), E' \t\r\n');
    IF strpos(v_address, '@') = 0 THEN
        v_local := v_address;
    ELSE
        v_local := substr(v_address, 1, strpos(v_address, '@') - 1);
        v_domain := regexp_replace(
            substr(v_address, strpos(v_address, '@') + 1), '\s', '', 'g');
        IF v_domain = '' OR strpos(v_domain, '@') > 0 THEN
            RETURN v_value;
        END IF;
    END IF;
    v_local := regexp_replace(rtrim(v_local, E' \t\r\n'), '\s*\.\s*', '.', 'g');
    IF v_local = '' AND v_domain IS NOT NULL THEN
        RETURN v_value;
    END IF;
    RETURN COALESCE(NULLIF(v_local || COALESCE('@' || v_domain, ''), ''), v_value);
END
$function$
""" % {"whitespace": _WHITESPACE}

#: The SQL twin of ``mapping.normalize_email(entities.clean_email(value))``:
#: the cleaned address trimmed and lower-cased, or NULL when it is empty.
#: NOTE: PostgreSQL's ``lower()`` follows the database's LC_CTYPE, so
#: non-ASCII capitals are lowered as Python lowers them only under a UTF-8
#: LC_CTYPE, and never to two characters as Python lowers ``İ``.
NORMALIZE_EMAIL = r"""
CREATE OR REPLACE FUNCTION linkedin_normalize_email(p_value text)
RETURNS varchar LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $function$
    SELECT NULLIF(lower(btrim(linkedin_clean_email(p_value), E'%(whitespace)s')), '')
$function$
""" % {"whitespace": _WHITESPACE}

#: Name of the transaction-local setting that turns the capture triggers off.
#: ``hr.applicant.create`` and ``write`` set it while the context key
#: ``linkedin_no_capture`` is set, because a trigger cannot see the context.
NO_CAPTURE_SETTING = "linkedin.no_capture"

#: The create capture of ``hr.applicant``, as a BEFORE INSERT row trigger.
#: The applicant's company is its own, else its job's, and its backend is
#: the active backend of that company with the highest id, as in
#: ``linkedin.capture._backend_ids``.
#: Without a company, or without any active backend at all, nothing is
#: linked or queued. Otherwise the trigger finds the applicant's candidate
#: as ``linkedin_candidate_link`` does, or creates it, and sets
#: ``NEW.linkedin_candidate_id``, so the new row is not updated a second
#: time. The candidate's name and count are set as ``_refresh_person`` sets
#: them, counting the new row, which the trigger cannot query yet. When the
#: company has a backend, the candidate and candidate pipeline upserts are
#: queued by one upsert with ``PENDING_UPSERT``. An applicant inserted with
#: a candidate already set is not linked again, and only its upserts are
#: queued. Running in the
#: INSERT spares the ORM's create a round trip. Every branch returns NEW,
#: because a BEFORE trigger that returns NULL skips the INSERT.
APPLICANT_CREATED = """
CREATE OR REPLACE FUNCTION linkedin_applicant_created()
RETURNS trigger LANGUAGE plpgsql AS $function$
DECLARE
    v_company integer := NEW.company_id;
    v_backends integer;
    v_backend integer;
    v_email varchar;
    v_partner_email varchar;
    v_partner_name varchar;
    v_name varchar;
    v_count integer;
    v_later_name varchar;
    v_now timestamp := now() AT TIME ZONE 'UTC';
BEGIN
    IF current_setting('%(setting)s', true) = 'on' THEN
        RETURN NEW;
    END IF;
    IF v_company IS NULL AND NEW.job_id IS NOT NULL THEN
        SELECT company_id INTO v_company FROM hr_job WHERE id = NEW.job_id;
    END IF;
    IF v_company IS NULL THEN
        RETURN NEW;
    END IF;
    SELECT count(*), max(id) FILTER (WHERE company_id = v_company)
    INTO v_backends, v_backend FROM linkedin_backend WHERE active;
    IF v_backends = 0 THEN
        RETURN NEW;
    END IF;
    IF NEW.linkedin_candidate_id IS NULL THEN
        IF NEW.partner_id IS NOT NULL THEN
            SELECT email, name INTO v_partner_email, v_partner_name
            FROM res_partner WHERE id = NEW.partner_id;
        END IF;
        v_email := linkedin_normalize_email(CASE
            WHEN COALESCE(NEW.email_from, '') = '' THEN v_partner_email
            ELSE NEW.email_from END);
        v_name := COALESCE(NULLIF(NEW.partner_name, ''), v_partner_name, NEW.name);
        IF v_email IS NOT NULL THEN
            SELECT id INTO NEW.linkedin_candidate_id FROM linkedin_candidate
            WHERE email_normalized = v_email AND company_id = v_company
            ORDER BY id LIMIT 1;
        END IF;
        IF NEW.linkedin_candidate_id IS NULL AND NEW.partner_id IS NOT NULL THEN
            SELECT id INTO NEW.linkedin_candidate_id FROM linkedin_candidate
            WHERE partner_id = NEW.partner_id AND company_id = v_company
            ORDER BY id LIMIT 1;
        END IF;
        IF NEW.linkedin_candidate_id IS NULL THEN
            INSERT INTO linkedin_candidate (email_normalized, partner_id, company_id,
                applicant_count, name, create_date, write_date, create_uid,
                write_uid)
            VALUES (v_email, NEW.partner_id, v_company, 1, v_name, v_now, v_now,
                NEW.create_uid, NEW.create_uid)
            RETURNING id INTO NEW.linkedin_candidate_id;
        ELSE
            -- The name is that of the applicant with the highest id, which is
            -- the new one unless a row with a higher id was inserted before.
            SELECT count(*), (array_agg(
                COALESCE(NULLIF(a.partner_name, ''), p.name, a.name)
                ORDER BY a.id DESC) FILTER (WHERE a.id > NEW.id))[1]
            INTO v_count, v_later_name
            FROM hr_applicant a LEFT JOIN res_partner p ON p.id = a.partner_id
            WHERE a.linkedin_candidate_id = NEW.linkedin_candidate_id;
            UPDATE linkedin_candidate
            SET applicant_count = v_count + 1, name = COALESCE(v_later_name, v_name)
            WHERE id = NEW.linkedin_candidate_id;
        END IF;
    END IF;
    IF v_backend IS NULL THEN
        RETURN NEW;
    END IF;
    INSERT INTO linkedin_outbox AS o (backend_id, entity_type, local_ref,
        operation, res_model, res_id, candidate_ref, job_ref, state, attempts,
        create_uid, write_uid, create_date, write_date)
    SELECT v_backend, v.entity_type, v.local_ref, 'upsert', v.res_model, v.res_id,
        NEW.linkedin_candidate_id, v.job_ref, 'pending', 0, NEW.create_uid,
        NEW.create_uid, v_now, v_now
    FROM (VALUES
        ('candidate'::varchar, 'candidate:' || NEW.linkedin_candidate_id,
         'linkedin.candidate'::varchar, NEW.linkedin_candidate_id, NULL::integer),
        ('candidate_pipeline'::varchar,
         'candidate:' || NEW.linkedin_candidate_id || ':job:' || NEW.job_id,
         NULL::varchar, NULL::integer, NEW.job_id)
    ) AS v(entity_type, local_ref, res_model, res_id, job_ref)
    WHERE v.local_ref IS NOT NULL
    %(pending_upsert)s;
    RETURN NEW;
END
$function$
""" % {"setting": NO_CAPTURE_SETTING, "pending_upsert": PENDING_UPSERT}

#: The stage move capture of ``hr.applicant``, as an AFTER UPDATE OF
#: stage_id row trigger that fires only when the stage changed. Company,
#: backend and the no-capture setting follow ``linkedin_applicant_created``.
#: An applicant without a candidate is linked first, as a write in Python
#: links it. With a job and a backend of its company, the candidate
#: pipeline upsert is queued, and a move to a stage (not to none, which
#: LinkedIn cannot receive) inserts a ``linkedin_stage_history`` row with
#: its upsert. Both upserts go in one statement with ``PENDING_UPSERT``. Each
#: row of a batch UPDATE records its own old stage. The link's own UPDATE
#: does not set stage_id, so it does not fire this again.
APPLICANT_STAGE_CHANGED = """
CREATE OR REPLACE FUNCTION linkedin_applicant_stage_changed()
RETURNS trigger LANGUAGE plpgsql AS $function$
DECLARE
    v_company integer := NEW.company_id;
    v_backends integer;
    v_backend integer;
    v_candidate integer := NEW.linkedin_candidate_id;
    v_email text := NEW.email_from;
    v_history integer;
    v_now timestamp := now() AT TIME ZONE 'UTC';
BEGIN
    IF current_setting('%(setting)s', true) = 'on' THEN
        RETURN NULL;
    END IF;
    IF v_company IS NULL AND NEW.job_id IS NOT NULL THEN
        SELECT company_id INTO v_company FROM hr_job WHERE id = NEW.job_id;
    END IF;
    IF v_company IS NULL THEN
        RETURN NULL;
    END IF;
    SELECT count(*), max(id) FILTER (WHERE company_id = v_company)
    INTO v_backends, v_backend FROM linkedin_backend WHERE active;
    IF v_backends = 0 THEN
        RETURN NULL;
    END IF;
    IF v_candidate IS NULL THEN
        IF COALESCE(v_email, '') = '' AND NEW.partner_id IS NOT NULL THEN
            SELECT email INTO v_email FROM res_partner WHERE id = NEW.partner_id;
        END IF;
        v_candidate := linkedin_candidate_link(NEW.id, v_company,
            linkedin_normalize_email(v_email), NEW.partner_id, v_backend,
            NEW.job_id, NEW.write_uid);
    END IF;
    IF v_backend IS NULL OR NEW.job_id IS NULL THEN
        RETURN NULL;
    END IF;
    IF NEW.stage_id IS NOT NULL THEN
        INSERT INTO linkedin_stage_history (applicant_id, candidate_id, job_id,
            stage_from_id, stage_to_id, changed_at, create_uid, write_uid,
            create_date, write_date)
        VALUES (NEW.id, v_candidate, NEW.job_id, OLD.stage_id, NEW.stage_id, v_now,
            NEW.write_uid, NEW.write_uid, v_now, v_now)
        RETURNING id INTO v_history;
    END IF;
    INSERT INTO linkedin_outbox AS o (backend_id, entity_type, local_ref,
        operation, res_model, res_id, candidate_ref, job_ref, state, attempts,
        create_uid, write_uid, create_date, write_date)
    SELECT v_backend, v.entity_type, v.local_ref, 'upsert', v.res_model, v.res_id,
        v_candidate, NEW.job_id, 'pending', 0, NEW.write_uid, NEW.write_uid,
        v_now, v_now
    FROM (VALUES
        ('candidate_pipeline'::varchar,
         'candidate:' || v_candidate || ':job:' || NEW.job_id,
         NULL::varchar, NULL::integer),
        ('stage_history'::varchar, 'history:' || v_history,
         'linkedin.stage.history'::varchar, v_history)
    ) AS v(entity_type, local_ref, res_model, res_id)
    WHERE v.local_ref IS NOT NULL
    %(pending_upsert)s;
    RETURN NULL;
END
$function$
""" % {"setting": NO_CAPTURE_SETTING, "pending_upsert": PENDING_UPSERT}

APPLICANT_TRIGGER = (
    "DROP TRIGGER IF EXISTS linkedin_applicant_created ON hr_applicant",
    (
        "CREATE TRIGGER linkedin_applicant_created BEFORE INSERT ON hr_applicant"
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

FUNCTIONS = (
    OUTBOX_QUEUE,
    CANDIDATE_QUEUE,
    CANDIDATE_LINK,
    CLEAN_EMAIL,
    NORMALIZE_EMAIL,
    APPLICANT_CREATED,
    APPLICANT_STAGE_CHANGED,
) + APPLICANT_TRIGGER

#: Statements that remove the triggers and the functions, run when the
#: add-on is uninstalled.
DROP = (
    "DROP TRIGGER IF EXISTS linkedin_applicant_created ON hr_applicant",
    "DROP TRIGGER IF EXISTS linkedin_applicant_stage_changed ON hr_applicant",
    "DROP FUNCTION IF EXISTS linkedin_applicant_created()",
    "DROP FUNCTION IF EXISTS linkedin_applicant_stage_changed()",
    "DROP FUNCTION IF EXISTS linkedin_normalize_email(text)",
    "DROP FUNCTION IF EXISTS linkedin_clean_email(text)",
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
