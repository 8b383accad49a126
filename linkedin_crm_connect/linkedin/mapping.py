"""Map CRM names and values to the forms LinkedIn Talent CRM Connect accepts.

LinkedIn needs a ``stageCategory`` for every pipeline stage and a
``sourceCategory`` for every candidate pipeline's source. Recruiting teams name
their stages and sources freely, often not in English, so ``stage_category``
and ``source_category`` classify a name with word rules that cover English,
French, German, Spanish and Dutch. A per-record override (see
``resolve_stage_category``) fixes any name that the rules get wrong.

``STAGE_CATEGORIES`` is LinkedIn's documented enum. ``SOURCE_CATEGORIES`` is
partly a pick. LinkedIn's public page shows ``LINKEDIN``, ``EMAIL``,
``SOCIAL_MEDIA``, ``EVENT`` and a value cut off after ``CAREER_SI``, read here
as ``CAREER_SITE``. ``REFERRAL``, ``AGENCY``, ``JOB_BOARD`` and ``OTHER`` are
unconfirmed picks, listed as such in docs/wire-contract.md. The tuples are the
one place to change a value, because each rule below names its category by a
constant unpacked from them.

The module also normalizes emails, splits full names and converts datetimes to
epoch milliseconds. It imports only the standard library.
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata

STAGE_CATEGORIES = (
    "NURTURE",
    "LEAD",
    "CONTACTED",
    "REPLIED",
    "APPLIED",
    "SCREEN",
    "INTERVIEW",
    "OFFER",
    "HIRED",
    "REJECTED",
    "DECLINED",
    "ARCHIVED",
    "OTHER",
)

# NOTE: REFERRAL, AGENCY, JOB_BOARD and OTHER are unconfirmed picks, and
# CAREER_SITE is read from a truncated name. Change them here if LinkedIn
# rejects them.
SOURCE_CATEGORIES = (
    "LINKEDIN",
    "EMAIL",
    "SOCIAL_MEDIA",
    "EVENT",
    "CAREER_SITE",
    "REFERRAL",
    "AGENCY",
    "JOB_BOARD",
    "OTHER",
)

(
    NURTURE,
    LEAD,
    CONTACTED,
    REPLIED,
    APPLIED,
    SCREEN,
    INTERVIEW,
    OFFER,
    HIRED,
    REJECTED,
    DECLINED,
    ARCHIVED,
    STAGE_OTHER,
) = STAGE_CATEGORIES

(
    LINKEDIN,
    EMAIL,
    SOCIAL_MEDIA,
    EVENT,
    CAREER_SITE,
    REFERRAL,
    AGENCY,
    JOB_BOARD,
    SOURCE_OTHER,
) = SOURCE_CATEGORIES


# --- Name normalization and word rules ----------------------------------------

_NON_ALNUM = re.compile(r"[^0-9a-z]+")
# Letters that NFKD leaves whole, spelled the way their languages transliterate.
_ASCII_LETTERS = str.maketrans(
    {"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "ı": "i"}
)


def normalize_words(name: str) -> list[str]:
    """Split a name into lower-case ASCII words for rule matching.

    The name is decomposed with NFKD and its combining marks are dropped, so
    "Vorstellungsgespräch" becomes "vorstellungsgesprach" and "Préqualification"
    becomes "prequalification". "ß", "æ", "œ", "ø", "ł", "đ" and "ı" are
    transliterated first because NFKD does not decompose them. Every run of
    other characters that are not ASCII letters or digits separates words.
    """
    lowered = (name or "").lower().translate(_ASCII_LETTERS)
    decomposed = unicodedata.normalize("NFKD", lowered)
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _NON_ALNUM.sub(" ", stripped).split()


def _compile_pattern(pattern: str):
    """Compile one word pattern into a predicate on a normalized word.

    ``"=word"`` matches that exact word, ``"*stem"`` matches any word that
    contains ``stem`` (for German and Dutch compounds such as
    "Vorstellungsgespräch"), and a bare ``"stem"`` matches any word that
    starts with it ("interview" matches "interviewing").
    """
    if pattern.startswith("="):
        exact = pattern[1:]
        return lambda word: word == exact
    if pattern.startswith("*"):
        stem = pattern[1:]
        return lambda word: stem in word
    return lambda word: word.startswith(pattern)


class _Rule:
    """A category and the word groups that a name must contain to get it.

    Each group is a string of space-separated patterns (see
    ``_compile_pattern``), and one word matching any of them satisfies the
    group. Every group must be satisfied by a different word. When ``ordered``
    is true, those words must also appear in the order of the groups, which
    distinguishes "Refused by the candidate" from "Candidate refused". Each
    group takes the first free word that matches it, with no backtracking, so
    the groups of one rule should not share patterns.
    """

    __slots__ = ("category", "groups", "ordered")

    def __init__(self, category: str, *groups: str, ordered: bool = False):
        self.category = category
        self.groups = [
            [_compile_pattern(pattern) for pattern in group.split()] for group in groups
        ]
        self.ordered = ordered

    def matches(self, words: list[str]) -> bool:
        start = 0
        used: set[int] = set()
        for group in self.groups:
            position = self._find(group, words, start, used)
            if position is None:
                return False
            used.add(position)
            if self.ordered:
                start = position + 1
        return True

    @staticmethod
    def _find(group, words, start, used):
        for position in range(start, len(words)):
            if position in used:
                continue
            if any(predicate(words[position]) for predicate in group):
                return position
        return None


def _classify(words: list[str], rules: list[_Rule], fallback: str) -> str:
    for rule in rules:
        if rule.matches(words):
            return rule.category
    return fallback


# --- Stage rules -------------------------------------------------------------

# Word groups shared by several stage rules.
_NEGATION = (
    "=no =not =non =pas =sans =kein =keine =nicht =ohne =sin =geen =niet =without"
)
_BY = "=by =par =vom =von =por =door =from"
_CANDIDATE = "candidat kandidat kandidaat applicant bewerber postulant sollicitant"
_COMPANY = (
    "company employer client entreprise societe unternehmen firma arbeitgeber "
    "empresa bedrijf werkgever klant"
)
# The auxiliary between subject and verb in "The candidate has refused".
_AUXILIARY = "=has =a =hat =ha =heeft"
_REFUSAL = (
    "refus reject rejet rechaz abgelehnt ablehn absag abgesagt afgewez afwijz "
    "afgezegd declin withdr"
)
_OFFER = "offer offre *angebot oferta *aanbod proposal proposit propuesta voorstel"
_ACCEPTED = "accept angenommen aceptad geaccepteerd zugesagt"
_REPLY = "repl respon repon *antwo respuest contest reactie gereageerd reagiert"

# Rules are tried in order and the first match wins. Precedence: who refused
# (candidate or company) first, then terminal outcomes (archived, hired), then
# paused candidacies, then pipeline steps from the latest (offer) back to the
# earliest (applied). So "Offer declined" is DECLINED, "Rejected after
# interview" is REJECTED and "Interview scheduled" is INTERVIEW.
_STAGE_RULES = [
    # A decline by the company is a rejection: "Declined by company".
    _Rule(REJECTED, "declin", _BY, _COMPANY, ordered=True),
    # Candidate-side refusals: "Refused by applicant" (as in Odoo's refuse reasons),
    # "Abgesagt vom Kandidaten", "Le candidat a refusé", "Offer rejected".
    _Rule(DECLINED, _REFUSAL, _BY, _CANDIDATE, ordered=True),
    _Rule(DECLINED, _CANDIDATE, _AUXILIARY, _REFUSAL, ordered=True),
    _Rule(DECLINED, _OFFER, _REFUSAL),
    _Rule(DECLINED, _NEGATION, "interes"),
    _Rule(DECLINED, _NEGATION, "show"),
    _Rule(
        DECLINED,
        "declin withdr desist renonc retir renunci zuruckgez zuruckgetreten "
        "teruggetrok afgehaakt abandon ghost",
    ),
    # Company-side refusals.
    _Rule(REJECTED, "=non =pas", "retenu"),
    _Rule(REJECTED, _NEGATION, "select ausgewahlt geselect =fit"),
    _Rule(REJECTED, _NEGATION, "geschikt apto suitable qualif"),
    _Rule(
        REJECTED,
        "reject rejet refus rechaz descart abgelehnt ablehn absage abgesagt "
        "afgewez afwijz disqualif unqualif unsuccess unsuit ungeeignet elimin "
        "denied",
    ),
    _Rule(
        ARCHIVED,
        "*archiv =closed clotur cerrad geschlossen gesloten inactiv",
    ),
    # An accepted offer is a hire, and a signed contract beats "contract".
    _Rule(HIRED, _OFFER, _ACCEPTED),
    _Rule(
        HIRED,
        "hire embauch eingestellt angestellt contratad aangenomen sign "
        "unterschrieb unterzeichn firmad getekend ondertekend onboard =placed "
        "=recrute =recrutee =engage =engagee incorporad reclutad",
    ),
    _Rule(
        OFFER,
        _OFFER + " contract =contrat =contrato vertrag negoti negoci verhandl "
        "onderhandel",
    ),
    # "On hold" is NURTURE, not OTHER: the candidate stays of interest with no
    # active step, which is what LinkedIn's nurture category tracks, while
    # OTHER would leave the stage out of the funnel.
    _Rule(NURTURE, "=on", "hold"),
    _Rule(NURTURE, "=en", "=attente =espera"),
    _Rule(
        NURTURE,
        "=hold standby paus =espera warteliste wartend zuruckgestellt wacht "
        "nurtur *pool vivier reserv future cantera silver",
    ),
    # Phone calls are screening, even when a team calls them an interview
    # ("Phone interview", "Entretien téléphonique").
    _Rule(
        SCREEN,
        "phone telephon telefon =tel *screen qualif prequalif vorauswahl "
        "preselec voorselect shortlist =call =calls appel triage",
    ),
    _Rule(SCREEN, "=short", "=list"),
    # Every other name with an interview word is INTERVIEW, including Odoo's
    # demo "First Interview", because "Initial Qualification" is the screen.
    _Rule(
        INTERVIEW,
        "*interview =int intv =itw entretien entrevista entrevue *gesprach "
        "*gesprek kennenlern meeting rencontre onsite =f2f panel assessment "
        "test *eignungstest *einstellungstest prueba evalua =case =round =rdv "
        "rendez",
    ),
    _Rule(INTERVIEW, "hiring", "manager"),
    _Rule(INTERVIEW, "=cas", "pratique"),
    # A review is screening unless an interview word came first, so
    # "Interview review" stays INTERVIEW.
    _Rule(SCREEN, "review revue revision *prufung beoordel *sichtung"),
    # "No reply" is still CONTACTED, so it comes before the reply words.
    _Rule(CONTACTED, _NEGATION, _REPLY),
    _Rule(CONTACTED, "unanswer unrespons"),
    _Rule(REPLIED, _REPLY + " interes =engaged"),
    _Rule(CONTACTED, "reach", "=out"),
    _Rule(CONTACTED, "messag inmail", "sent envoy enviad gesend verstuurd"),
    _Rule(
        CONTACTED,
        "*contact *kontakt outreach approach approch angeschrieben angesprochen "
        "benader aangeschreven abordad inmail messaged relanc follow",
    ),
    _Rule(
        LEAD,
        "sourc prospect =lead =leads identif *identific longlist potenti target chasse",
    ),
    _Rule(LEAD, "=long", "=list"),
    _Rule(
        APPLIED,
        "=new nouv =neu =neue =neuer =neues nuev nieuw appl candidatur postul "
        "bewerb beworben *sollicit receiv =recu =recue eingegang *eingang "
        "recibid ontvang inbox inbound incoming unreview submit inscri aanmeld",
    ),
]


def stage_category(name: str) -> str:
    """Classify a pipeline stage name into one of ``STAGE_CATEGORIES``.

    Matching ignores case, accents and punctuation and works on whole words or
    word prefixes (see ``normalize_words``). Returns ``"OTHER"`` when no rule
    matches, including for an empty name.
    """
    return _classify(normalize_words(name), _STAGE_RULES, STAGE_OTHER)


# --- Source rules ------------------------------------------------------------

# Rules are tried in order and the first match wins. Precedence: who brought
# the candidate (a referrer, an agency) beats the channel they used, so
# "LinkedIn referral" is REFERRAL. Named channels then beat generic words, so
# "LinkedIn Jobs" is LINKEDIN, "Jobmesse" is EVENT and "Webinar" is not a site.
_SOURCE_RULES = [
    _Rule(
        REFERRAL,
        "referr referid referal coopt *empfehl empfohl recommand recomend "
        "aanbevel aanbevol",
    ),
    _Rule(REFERRAL, "=word", "mouth"),
    _Rule(REFERRAL, "bouche", "oreille"),
    # The German federal employment agency runs a job board, not an agency.
    _Rule(JOB_BOARD, "agentur", "arbeit"),
    _Rule(JOB_BOARD, "arbeitsagentur jobborse"),
    _Rule(AGENCY, "executive =search", "search firm", ordered=True),
    _Rule(
        AGENCY,
        "agenc *agentur cabinet *vermittl personaldienst personalberat headhunt "
        "chasseur *bureau staffing interim zeitarbeit =ett randstad adecco "
        "manpower =hays",
    ),
    _Rule(LINKEDIN, "linkedin linkdin inmail"),
    _Rule(LINKEDIN, "=linked", "=in", ordered=True),
    _Rule(JOB_BOARD, "welcome", "jungle"),
    _Rule(JOB_BOARD, "=job =jobs", "board"),
    _Rule(JOB_BOARD, "=job =jobs", "=site =sites portal", ordered=True),
    _Rule(JOB_BOARD, "google", "=job =jobs"),
    _Rule(JOB_BOARD, "=pole =france", "emploi travail", ordered=True),
    _Rule(
        JOB_BOARD,
        "indeed monster glassdoor stepstone jobboard wttj infojobs vacature "
        "craigslist ziprecruiter =apec jobteaser hellowork cadremploi "
        "meinestadt jobware tecnoempleo computrabajo jobbird =dice",
    ),
    _Rule(
        SOCIAL_MEDIA,
        "facebook =fb twitter =x instagram =insta xing socia sozial tiktok "
        "youtube snapchat reddit mastodon whatsapp telegram messenger pinterest",
    ),
    _Rule(
        EVENT,
        "event evenement evento veranstalt fair salon *messe feria *beurs "
        "meetup confer konferenz congres kongress hackathon webinar forum "
        "dating campus",
    ),
    # Odoo's "Newsletter" and "Lead Recall" sources are email campaigns. Odoo
    # 11's utm/data/utm_data.xml names the second one "Mailing Partner".
    _Rule(
        EMAIL,
        "email =mail =mails mailing courriel correo newsletter nieuwsbrief "
        "boletin recall",
    ),
    # Visitors from a search engine apply through the company's own job pages.
    _Rule(CAREER_SITE, "search moteur", "engine recherche"),
    _Rule(CAREER_SITE, "=jobs", "=page"),
    _Rule(CAREER_SITE, "trabaja", "nosotros"),
    _Rule(CAREER_SITE, "=werken", "=bij", ordered=True),
    _Rule(
        CAREER_SITE,
        "=web website webseite webpage =site =sitio homepage career carriere "
        "karriere werkenbij suchmaschine buscador zoekmachine",
    ),
]


def source_category(name: str) -> str:
    """Classify a source or medium name into one of ``SOURCE_CATEGORIES``.

    Matching works like ``stage_category``. Returns ``"OTHER"`` when no rule
    matches, including for an empty name.
    """
    return _classify(normalize_words(name), _SOURCE_RULES, SOURCE_OTHER)


def _validate_override(kind: str, override: str, allowed: tuple[str, ...]) -> str:
    if override not in allowed:
        raise ValueError(
            f"Invalid {kind} category override {override!r}: expected one of "
            f"{', '.join(allowed)}. Clear the override to use the name rules."
        )
    return override


def resolve_stage_category(name: str, override: str | None = None) -> str:
    """Return the override when one is set, else ``stage_category(name)``.

    A falsy override (``None``, ``""`` or Odoo's ``False`` for an empty
    selection) counts as unset. Raises ``ValueError`` naming the override and
    the allowed values when it is not one of ``STAGE_CATEGORIES``, compared
    case-sensitively.
    """
    if override:
        return _validate_override("stage", override, STAGE_CATEGORIES)
    return stage_category(name)


def resolve_source_category(name: str, override: str | None = None) -> str:
    """Return the override when one is set, else ``source_category(name)``.

    Overrides follow the same rules as in ``resolve_stage_category``, checked
    against ``SOURCE_CATEGORIES``.
    """
    if override:
        return _validate_override("source", override, SOURCE_CATEGORIES)
    return source_category(name)


# --- Emails, names and datetimes ---------------------------------------------

# The shape LinkedIn accepts in ``emailAddresses`` (``x@x.x``, recorded in
# docs/wire-contract.md). It is far looser than RFC 5322, on purpose.
_EMAIL_PATTERN = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def normalize_email(value: str | None) -> str | None:
    """Return the email stripped and lower-cased, or None when it is empty.

    ``None`` and Odoo's ``False`` also give None. The value is not validated,
    so a malformed address comes back normalized (see ``is_valid_email``).
    """
    if not value:
        return None
    email = value.strip().lower()
    return email or None


def is_valid_email(value: str | None) -> bool:
    """Check that the whole value has LinkedIn's ``x@x.x`` shape.

    The value is checked as given, so surrounding spaces make it invalid: call
    ``normalize_email`` first. ``None`` and other non-strings are invalid.
    """
    if not isinstance(value, str):
        return False
    return _EMAIL_PATTERN.fullmatch(value) is not None


# Lower-case surname particles in Dutch, German, French, Spanish, Italian and
# Portuguese names. They join the last name: "Jan van der Berg".
_NAME_PARTICLES = frozenset((
    "van", "von", "der", "den", "de", "del", "della", "di", "da", "du", "des",
    "la", "le", "ten", "ter", "te", "zu", "dos", "das", "do", "van't", "'t",
))  # fmt: skip


def split_name(full_name: str | None) -> tuple[str, str]:
    """Split a full name into ``(first, last)`` for LinkedIn.

    The last word is the last name and the words before it are the first
    name, so "Ana María García López" gives ("Ana María García", "López").
    Particles just before the last word join the last name, except that the
    first word always stays the first name. A single word is a first name
    with an empty last name. Runs of whitespace collapse to one space, and an
    empty or missing name gives ``("", "")``.
    """
    words = (full_name or "").split()
    if not words:
        return "", ""
    if len(words) == 1:
        return words[0], ""

    last_start = len(words) - 1
    while last_start > 1 and words[last_start - 1].lower() in _NAME_PARTICLES:
        last_start -= 1
    return " ".join(words[:last_start]), " ".join(words[last_start:])


_EPOCH = _dt.datetime(1970, 1, 1)
_ONE_MILLISECOND = _dt.timedelta(milliseconds=1)


def to_epoch_ms(value: _dt.datetime | _dt.date | str) -> int:
    """Convert a UTC datetime to milliseconds since the Unix epoch.

    Accepts a naive ``datetime`` taken as UTC (Odoo 11 stores datetimes as
    naive UTC), an aware one (converted to UTC), a ``date`` (midnight UTC), or
    an ISO 8601 string such as Odoo's "YYYY-MM-DD HH:MM:SS", with optional
    fractional seconds and offset. Sub-millisecond parts are truncated toward
    the past. Raises ``ValueError`` for an unparseable string and
    ``TypeError`` for any other type, including Odoo's ``False``.
    """
    if isinstance(value, str):
        try:
            value = _dt.datetime.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(
                f"Invalid datetime {value!r}: expected ISO 8601 such as "
                "'2018-03-01 14:05:00' (UTC)."
            ) from None
    elif isinstance(value, _dt.date) and not isinstance(value, _dt.datetime):
        value = _dt.datetime(value.year, value.month, value.day)
    elif not isinstance(value, _dt.datetime):
        raise TypeError(
            f"Invalid datetime {value!r}: expected a datetime, a date or an "
            "ISO 8601 string."
        )

    if value.tzinfo is not None:
        value = value.astimezone(_dt.UTC).replace(tzinfo=None)
    return (value - _EPOCH) // _ONE_MILLISECOND
