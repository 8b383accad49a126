import logging

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..linkedin.entities import clean_email
from ..linkedin.mapping import normalize_email
from .sql_functions import drop_user_foreign_keys

_logger = logging.getLogger(__name__)


class LinkedInCandidate(models.Model):
    """A person as LinkedIn records it: one candidate behind many applications.

    Odoo Recruitment stores applications, LinkedIn stores candidates, so each
    ``hr.applicant`` links to one row here. An applicant joins the candidate
    with the same person URN, else the same normalised email (trimmed,
    lower-case), else the same contact (``partner_id``), else gets a
    candidate of its own. The row's id is the LinkedIn candidate id, so it
    never changes once sent.

    An email that changes later stays on its candidate: the candidate's data
    follows its applicants, and two candidates are never merged because of
    an email alone. When a person URN shows that two candidates are one
    person, ``merge_into`` keeps the older candidate and its id, moves the
    applicants to it, and queues the other for deletion on LinkedIn together
    with its candidate pipelines, interactions and resumes.
    """

    _name = "linkedin.candidate"
    _description = "LinkedIn candidate"
    _order = "id desc"

    #: Name of the latest applicant, kept by ``_refresh_person``.
    name = fields.Char(readonly=True)
    #: Indexed with ``company_id`` by ``init``, as ``partner_id`` is.
    email_normalized = fields.Char("Email")
    partner_id = fields.Many2one("res.partner", "Contact")
    #: Indexed by the unique constraint on ``(company_id, person_urn)``.
    person_urn = fields.Char(
        "Person URN",
        copy=False,
        help="urn:li:person:<id> of the LinkedIn member, once known.",
    )
    #: Indexed by the unique constraint on ``(company_id, person_urn)``.
    company_id = fields.Many2one("res.company", required=True)
    applicant_ids = fields.One2many(
        "hr.applicant",
        "linkedin_candidate_id",
        "Applications",
        context={"active_test": False},
    )
    #: Number of applicants, archived ones included, kept by ``_refresh_person``.
    applicant_count = fields.Integer(readonly=True)
    #: The users who created and last changed the row, as plain integers:
    #: a link to ``res.users`` would cost every captured change a foreign
    #: key check (see ``sql_functions.drop_user_foreign_keys``).
    create_uid = fields.Integer("Created by user id", readonly=True)
    write_uid = fields.Integer("Last updated by user id", readonly=True)

    _sql_constraints = [
        (
            "person_urn_uniq",
            "unique(company_id, person_urn)",
            "Two candidates of one company cannot share a person URN: merge them.",
        )
    ]

    @api.model_cr
    def init(self):
        drop_user_foreign_keys(self.env.cr, self._table)
        # A candidate is looked up by email, else by contact, always within
        # one company (see ``sql_functions``).
        for column in ("email_normalized", "partner_id"):
            self.env.cr.execute(
                "CREATE INDEX IF NOT EXISTS linkedin_candidate_%s_company_idx"
                " ON linkedin_candidate (%s, company_id)" % (column, column)
            )

    @api.model
    def assign_candidates(self, company):
        """Link every applicant of the company that has no candidate yet.

        Works in SQL on purpose: the historical sync runs it on tens of
        thousands of applicants, and plain column updates must not trigger
        the add-on's own write hooks. Returns the number of applicants linked.
        The flush runs it every minute, so it reads the candidates only when
        an applicant needs linking.
        """
        cr = self.env.cr
        cr.execute(
            "SELECT a.id, a.email_from, a.partner_id, p.email"
            " FROM hr_applicant a"
            " LEFT JOIN hr_job j ON j.id = a.job_id"
            " LEFT JOIN res_partner p ON p.id = a.partner_id"
            " WHERE a.linkedin_candidate_id IS NULL"
            " AND COALESCE(a.company_id, j.company_id) = %s"
            " ORDER BY a.id",
            (company.id,),
        )
        rows = cr.fetchall()
        if not rows:
            return 0

        # The oldest candidate with an email or contact wins, as in
        # ``linkedin_candidate_link``, which links one applicant at a time.
        cr.execute(
            "SELECT id, person_urn, email_normalized, partner_id"
            " FROM linkedin_candidate WHERE company_id = %s ORDER BY id",
            (company.id,),
        )
        by_email, by_partner = {}, {}
        for cand_id, _urn, email, partner_id in cr.fetchall():
            if email:
                by_email.setdefault(email, cand_id)
            if partner_id:
                by_partner.setdefault(partner_id, cand_id)

        # Group the new applicants among themselves first, then create one
        # candidate per group, so a person with three new applications gets
        # one candidate.
        groups = []
        group_of_email, group_of_partner = {}, {}
        assignment = {}
        for app_id, email_from, partner_id, partner_email in rows:
            email = normalize_email(clean_email(email_from or partner_email or ""))
            existing = (email and by_email.get(email)) or (
                partner_id and by_partner.get(partner_id)
            )
            if existing:
                assignment[app_id] = ("existing", existing)
                continue
            group = None
            if email and email in group_of_email:
                group = group_of_email[email]
            elif partner_id and partner_id in group_of_partner:
                group = group_of_partner[partner_id]
            if group is None:
                group = len(groups)
                groups.append({"email": email, "partner_id": partner_id})
            if email:
                group_of_email.setdefault(email, group)
                groups[group]["email"] = groups[group]["email"] or email
            if partner_id:
                group_of_partner.setdefault(partner_id, group)
                groups[group]["partner_id"] = groups[group]["partner_id"] or partner_id
            assignment[app_id] = ("new", group)

        new_ids = []
        if groups:
            rows_sql = ",".join(
                cr.mogrify(
                    "(%s, %s, %s, now() AT TIME ZONE 'UTC',"
                    " now() AT TIME ZONE 'UTC', %s, %s)",
                    (
                        group["email"] or None,
                        group["partner_id"] or None,
                        company.id,
                        self.env.uid,
                        self.env.uid,
                    ),
                ).decode()
                for group in groups
            )
            cr.execute(
                "INSERT INTO linkedin_candidate (email_normalized, partner_id,"
                " company_id, create_date, write_date, create_uid, write_uid)"
                " VALUES " + rows_sql + " RETURNING id"
            )
            new_ids = [row[0] for row in cr.fetchall()]

        pairs = []
        for app_id, (kind, ref) in assignment.items():
            pairs.append((app_id, ref if kind == "existing" else new_ids[ref]))
        args = ",".join(cr.mogrify("(%s, %s)", pair).decode() for pair in pairs)
        cr.execute(
            "UPDATE hr_applicant a SET linkedin_candidate_id = v.cand"
            " FROM (VALUES " + args + ") AS v(app, cand) WHERE a.id = v.app"
        )
        self._refresh_person({cand for _app, cand in pairs})
        _logger.info(
            "linkedin company %s: %d applicants linked, %d new candidates",
            company.id,
            len(pairs),
            len(new_ids),
        )
        return len(pairs)

    @api.model
    def assign_new(self, applicants, backend_ids=None):
        """Link applicants without a candidate to theirs, creating it when needed.

        Returns ``[(applicant id, job id, company id, candidate id, queued)]``
        for every applicant, with a candidate id of None when the applicant
        has no company. ``backend_ids`` maps company ids to backend ids. When
        an applicant's company is in it, linking the applicant also queues
        its candidate and candidate pipeline upserts, and ``queued`` is true.
        The applicants are read through the ORM cache, which
        ``hr.applicant.create`` has filled already. One statement per
        unlinked applicant finds or creates its candidate, links it and
        refreshes the candidate's name and count, because a create in the UI
        must stay cheap. The indexed email and contact columns keep the
        lookup from scanning the candidates.
        """
        result = []
        linked = []
        for applicant in applicants:
            candidate_id = applicant.linkedin_candidate_id.id or None
            company = applicant.company_id or applicant.job_id.sudo().company_id
            backend_id = (backend_ids or {}).get(company.id)
            queued = False
            if not candidate_id and company:
                partner = applicant.partner_id.sudo()
                email = normalize_email(
                    clean_email(applicant.email_from or partner.email or "")
                )
                candidate_id = self._link_applicant(
                    applicant.id,
                    company.id,
                    email,
                    partner.id or None,
                    applicant.job_id.id or None,
                    backend_id,
                )
                linked.append(applicant.id)
                queued = bool(backend_id)
            result.append(
                (
                    applicant.id,
                    applicant.job_id.id or None,
                    company.id or None,
                    candidate_id,
                    queued,
                )
            )
        if linked:
            applicants.invalidate_cache(["linkedin_candidate_id"], linked)
            self.invalidate_cache(
                ["name", "applicant_count"], [row[3] for row in result if row[3]]
            )
        return result

    def _link_applicant(
        self, applicant_id, company_id, email, partner_id, job_id, backend_id
    ):
        """Link one applicant to its candidate in one statement and return its id.

        The SQL is the function ``linkedin_candidate_link`` (see
        ``sql_functions``), which picks or creates the candidate, refreshes
        its name and count and, with a ``backend_id``, queues the upserts of
        the candidate and of its candidate pipeline in ``job_id``.
        """
        self.env.cr.execute(
            "SELECT linkedin_candidate_link(%s, %s, %s, %s, %s, %s, %s)",
            (
                applicant_id,
                company_id,
                email,
                partner_id,
                backend_id,
                job_id,
                self.env.uid,
            ),
        )
        return self.env.cr.fetchone()[0]

    def _refresh_person(self, candidate_ids):
        """Recompute the stored name and application count after SQL updates."""
        if not candidate_ids:
            return
        self.env.cr.execute(
            "UPDATE linkedin_candidate c SET"
            " applicant_count = s.n, name = s.name"
            " FROM (SELECT DISTINCT ON (a.linkedin_candidate_id)"
            "   a.linkedin_candidate_id AS cand,"
            "   COALESCE(NULLIF(a.partner_name, ''), p.name, a.name) AS name,"
            "   count(*) OVER (PARTITION BY a.linkedin_candidate_id) AS n"
            "   FROM hr_applicant a LEFT JOIN res_partner p ON p.id = a.partner_id"
            "   WHERE a.linkedin_candidate_id IN %s"
            "   ORDER BY a.linkedin_candidate_id, a.id DESC) AS s"
            " WHERE c.id = s.cand",
            (tuple(candidate_ids),),
        )
        self.invalidate_cache(["name", "applicant_count"], list(candidate_ids))

    @api.multi
    def merge_into(self, target):
        """Merge these candidates into ``target``, which keeps its id.

        The applicants move to ``target``; every LinkedIn record sent for a
        merged candidate is queued for deletion, because LinkedIn would
        otherwise keep a duplicate person.
        """
        target.ensure_one()
        others = self - target
        if not others:
            return target
        if others.filtered(lambda c: c.company_id != target.company_id):
            raise UserError(_("Only candidates of one company can be merged."))
        self.env.cr.execute(
            "UPDATE hr_applicant SET linkedin_candidate_id = %s"
            " WHERE linkedin_candidate_id IN %s",
            (target.id, tuple(others.ids)),
        )
        self.env["linkedin.binding"].queue_candidate_deletion(others)
        urn = target.person_urn or next(
            (c.person_urn for c in others if c.person_urn), False
        )
        _logger.info("linkedin candidates %s merged into %s", others.ids, target.id)
        others.write({"person_urn": False})
        others.unlink()
        if urn and not target.person_urn:
            target.person_urn = urn
        self.invalidate_cache()
        target._refresh_person({target.id})
        self.env["linkedin.capture"].candidate_refreshed(target)
        return target

    @api.multi
    def write(self, vals):
        """Merge with the candidate that already has the person URN being set."""
        urn = vals.get("person_urn")
        if not urn or len(self) != 1:
            result = super().write(vals)
            if "person_urn" in vals:
                self.env["linkedin.capture"].candidates_written(self)
            return result
        twin = self.search(
            [
                ("company_id", "=", self.company_id.id),
                ("person_urn", "=", urn),
                ("id", "!=", self.id),
            ],
            limit=1,
        )
        if not twin:
            result = super().write(vals)
            self.env["linkedin.capture"].candidates_written(self)
            return result
        survivor = (twin | self).sorted("id")[0]
        (twin | self).merge_into(survivor)
        rest = {key: value for key, value in vals.items() if key != "person_urn"}
        if rest:
            super(LinkedInCandidate, survivor).write(rest)
        self.env["linkedin.capture"].candidates_written(survivor)
        return True
