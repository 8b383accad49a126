"""Tests for the stage and source rules and the value helpers in ``mapping``."""

import datetime as dt

import pytest
from linkedin import mapping
from linkedin.mapping import (
    SOURCE_CATEGORIES,
    STAGE_CATEGORIES,
    is_valid_email,
    normalize_email,
    resolve_source_category,
    resolve_stage_category,
    source_category,
    split_name,
    stage_category,
    to_epoch_ms,
)

# Stage names as recruiting teams write them, with the category each must get.
STAGE_NAMES = [
    # Odoo 11's demo stages.
    ("New", "APPLIED"),
    ("Initial Qualification", "SCREEN"),
    ("First Interview", "INTERVIEW"),
    ("Second Interview", "INTERVIEW"),
    ("Contract Proposal", "OFFER"),
    ("Contract Signed", "HIRED"),
    # English.
    ("Applied", "APPLIED"),
    ("Application received", "APPLIED"),
    ("Sourced", "LEAD"),
    ("Prospect", "LEAD"),
    ("Talent pool", "NURTURE"),
    ("Nurture", "NURTURE"),
    ("On hold", "NURTURE"),
    ("Contacted", "CONTACTED"),
    ("Reached out", "CONTACTED"),
    ("Contacted - no reply", "CONTACTED"),
    ("Replied", "REPLIED"),
    ("Responded", "REPLIED"),
    ("Phone screen", "SCREEN"),
    ("Phone interview", "SCREEN"),
    ("Qualification", "SCREEN"),
    ("CV review", "SCREEN"),
    ("Shortlisted", "SCREEN"),
    ("Interviewing", "INTERVIEW"),
    ("2nd interview", "INTERVIEW"),
    ("Interview scheduled", "INTERVIEW"),
    ("Technical test", "INTERVIEW"),
    ("Hiring manager interview", "INTERVIEW"),
    ("Interview review", "INTERVIEW"),
    ("Final round", "INTERVIEW"),
    ("Onsite", "INTERVIEW"),
    ("Offer", "OFFER"),
    ("Offer extended", "OFFER"),
    ("Negotiation", "OFFER"),
    ("Offer accepted", "HIRED"),
    ("Hired", "HIRED"),
    ("Onboarding", "HIRED"),
    ("Rejected", "REJECTED"),
    ("Rejected after interview", "REJECTED"),
    ("Not a fit", "REJECTED"),
    ("Unqualified", "REJECTED"),
    ("Candidate rejected", "REJECTED"),
    ("Declined by company", "REJECTED"),
    ("Declined", "DECLINED"),
    ("Offer declined", "DECLINED"),
    ("Candidate withdrew", "DECLINED"),
    ("Refused by applicant", "DECLINED"),
    ("Not interested", "DECLINED"),
    ("No show", "DECLINED"),
    ("Archived", "ARCHIVED"),
    ("Closed", "ARCHIVED"),
    # French.
    ("Nouveau", "APPLIED"),
    ("Candidature reçue", "APPLIED"),
    ("Vivier", "NURTURE"),
    ("En attente", "NURTURE"),
    ("Contacté", "CONTACTED"),
    ("A répondu", "REPLIED"),
    ("Préqualification", "SCREEN"),
    ("Entretien téléphonique", "SCREEN"),
    ("Entretien RH", "INTERVIEW"),
    ("Premier entretien", "INTERVIEW"),
    ("Proposition", "OFFER"),
    ("Offre refusée", "DECLINED"),
    ("Embauché", "HIRED"),
    ("Contrat signé", "HIRED"),
    ("Refusé", "REJECTED"),
    ("Non retenu", "REJECTED"),
    ("Désistement", "DECLINED"),
    ("Le candidat a refusé", "DECLINED"),
    ("Archivé", "ARCHIVED"),
    # German.
    ("Neu", "APPLIED"),
    ("Bewerbung eingegangen", "APPLIED"),
    ("Kontaktiert", "CONTACTED"),
    ("Geantwortet", "REPLIED"),
    ("Vorauswahl", "SCREEN"),
    ("Telefoninterview", "SCREEN"),
    ("Vorstellungsgespräch", "INTERVIEW"),
    ("Zweites Gespräch", "INTERVIEW"),
    ("Angebot", "OFFER"),
    ("Vertragsangebot", "OFFER"),
    ("Eingestellt", "HIRED"),
    ("Abgelehnt", "REJECTED"),
    ("Absage", "REJECTED"),
    ("Abgesagt vom Kandidaten", "DECLINED"),
    ("Kandidat hat abgesagt", "DECLINED"),
    ("Zurückgezogen", "DECLINED"),
    ("Warteliste", "NURTURE"),
    ("Archiviert", "ARCHIVED"),
    # Spanish.
    ("Nuevo", "APPLIED"),
    ("Contactado", "CONTACTED"),
    ("Respondido", "REPLIED"),
    ("Preselección", "SCREEN"),
    ("Entrevista técnica", "INTERVIEW"),
    ("Oferta", "OFFER"),
    ("Contratado", "HIRED"),
    ("Reclutado", "HIRED"),
    ("Prueba técnica", "INTERVIEW"),
    ("Rechazado por el candidato", "DECLINED"),
    ("Rechazado", "REJECTED"),
    ("Descartado", "REJECTED"),
    ("Retirado", "DECLINED"),
    ("Oferta rechazada", "DECLINED"),
    ("En espera", "NURTURE"),
    # Dutch.
    ("Nieuw", "APPLIED"),
    ("Benaderd", "CONTACTED"),
    ("Gereageerd", "REPLIED"),
    ("Telefonisch gesprek", "SCREEN"),
    ("Sollicitatiegesprek", "INTERVIEW"),
    ("Aanbod", "OFFER"),
    ("Aangenomen", "HIRED"),
    ("Afgewezen", "REJECTED"),
    ("Kandidaat heeft afgezegd", "DECLINED"),
    ("Geen reactie", "CONTACTED"),
    ("Teruggetrokken", "DECLINED"),
    ("Gearchiveerd", "ARCHIVED"),
    # Abbreviations and punctuation.
    ("INT #2", "INTERVIEW"),
    ("F2F", "INTERVIEW"),
    ("Tel. screen", "SCREEN"),
    ("Pre-screen", "SCREEN"),
    ("OFFER!!", "OFFER"),
    ("  interview   (panel) ", "INTERVIEW"),
]

# Source and medium names, with the category each must get.
SOURCE_NAMES = [
    # Odoo's utm.source data: "Mailing Partner" in Odoo 11, "Lead Recall" and
    # more job sites in later versions, and "Linkdin" as one version spelled it.
    ("Search engine", "CAREER_SITE"),
    ("Mailing Partner", "EMAIL"),
    ("Lead Recall", "EMAIL"),
    ("Newsletter", "EMAIL"),
    ("Facebook", "SOCIAL_MEDIA"),
    ("Twitter", "SOCIAL_MEDIA"),
    ("LinkedIn", "LINKEDIN"),
    ("Linkdin", "LINKEDIN"),
    ("Monster", "JOB_BOARD"),
    ("Glassdoor", "JOB_BOARD"),
    ("Craigslist", "JOB_BOARD"),
    ("Referral", "REFERRAL"),
    # Odoo's utm.medium data.
    ("Website", "CAREER_SITE"),
    ("Email", "EMAIL"),
    ("Phone", "OTHER"),
    ("Direct", "OTHER"),
    ("Google Adwords", "OTHER"),
    # English.
    ("LinkedIn Recruiter", "LINKEDIN"),
    ("linkedin.com", "LINKEDIN"),
    ("LinkedIn Jobs", "LINKEDIN"),
    ("LinkedIn referral", "REFERRAL"),
    ("E-mail", "EMAIL"),
    ("Mail alias", "EMAIL"),
    ("X", "SOCIAL_MEDIA"),
    ("Instagram", "SOCIAL_MEDIA"),
    ("Social media", "SOCIAL_MEDIA"),
    ("Job fair", "EVENT"),
    ("Career fair", "EVENT"),
    ("Meetup", "EVENT"),
    ("Event", "EVENT"),
    ("Webinar", "EVENT"),
    ("Company website", "CAREER_SITE"),
    ("Careers page", "CAREER_SITE"),
    ("Web", "CAREER_SITE"),
    ("Employee referral", "REFERRAL"),
    ("Word of mouth", "REFERRAL"),
    ("Agency", "AGENCY"),
    ("Recruitment agency", "AGENCY"),
    ("Headhunter", "AGENCY"),
    ("Executive search", "AGENCY"),
    ("Indeed", "JOB_BOARD"),
    ("StepStone", "JOB_BOARD"),
    ("Welcome to the Jungle", "JOB_BOARD"),
    ("Job board", "JOB_BOARD"),
    ("Jobboard", "JOB_BOARD"),
    ("Job site", "JOB_BOARD"),
    ("Jobs page", "CAREER_SITE"),
    # French.
    ("Courriel", "EMAIL"),
    ("Réseaux sociaux", "SOCIAL_MEDIA"),
    ("Salon", "EVENT"),
    ("Site carrière", "CAREER_SITE"),
    ("Cooptation", "REFERRAL"),
    ("Recommandation", "REFERRAL"),
    ("Cabinet de recrutement", "AGENCY"),
    ("Pôle emploi", "JOB_BOARD"),
    ("Moteur de recherche", "CAREER_SITE"),
    # German.
    ("Xing", "SOCIAL_MEDIA"),
    ("Messe", "EVENT"),
    ("Jobmesse", "EVENT"),
    ("Karriereseite", "CAREER_SITE"),
    ("Empfehlung", "REFERRAL"),
    ("Mitarbeiterempfehlung", "REFERRAL"),
    ("Personalvermittlung", "AGENCY"),
    ("Agentur für Arbeit", "JOB_BOARD"),
    # Spanish.
    ("Correo electrónico", "EMAIL"),
    ("Feria de empleo", "EVENT"),
    ("Referido", "REFERRAL"),
    ("Agencia", "AGENCY"),
    ("Infojobs", "JOB_BOARD"),
    ("Trabaja con nosotros", "CAREER_SITE"),
    # Dutch.
    ("Beurs", "EVENT"),
    ("Banenbeurs", "EVENT"),
    ("Uitzendbureau", "AGENCY"),
    ("Nationale Vacaturebank", "JOB_BOARD"),
    ("Werken bij", "CAREER_SITE"),
    ("Sociale media", "SOCIAL_MEDIA"),
]


def test_stage_table_size():
    assert len(STAGE_NAMES) >= 45
    assert len({name for name, _ in STAGE_NAMES}) == len(STAGE_NAMES)


def test_source_table_size():
    assert len(SOURCE_NAMES) >= 25
    assert len({name for name, _ in SOURCE_NAMES}) == len(SOURCE_NAMES)


@pytest.mark.parametrize(("name", "expected"), STAGE_NAMES)
def test_stage_category_table(name, expected):
    assert stage_category(name) == expected


@pytest.mark.parametrize(("name", "expected"), SOURCE_NAMES)
def test_source_category_table(name, expected):
    assert source_category(name) == expected


def test_table_categories_are_valid():
    for _, category in STAGE_NAMES:
        assert category in STAGE_CATEGORIES
    for _, category in SOURCE_NAMES:
        assert category in SOURCE_CATEGORIES


def test_stage_table_covers_every_category():
    covered = {category for _, category in STAGE_NAMES}
    assert covered == set(STAGE_CATEGORIES) - {"OTHER"}


def test_source_table_covers_every_category():
    covered = {category for _, category in SOURCE_NAMES}
    assert covered == set(SOURCE_CATEGORIES)


def test_category_enums_match_linkedin():
    assert STAGE_CATEGORIES == (
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
    assert SOURCE_CATEGORIES[:5] == (
        "LINKEDIN",
        "EMAIL",
        "SOCIAL_MEDIA",
        "EVENT",
        "CAREER_SITE",
    )
    assert SOURCE_CATEGORIES[-1] == "OTHER"


@pytest.mark.parametrize("name", ["", "   ", "Stage 7", "Misc", "???", "Étape X"])
def test_stage_unknown_is_other(name):
    assert stage_category(name) == "OTHER"


@pytest.mark.parametrize("name", ["", "Banner", "Television", "Walk-in", "Misc"])
def test_source_unknown_is_other(name):
    assert source_category(name) == "OTHER"


def test_stage_none_is_other():
    assert stage_category(None) == "OTHER"
    assert source_category(None) == "OTHER"


def test_matching_ignores_case_and_accents():
    assert stage_category("ENTREVISTA TECNICA") == "INTERVIEW"
    assert stage_category("vorstellungsgesprach") == "INTERVIEW"
    assert stage_category("EMBAUCHE") == "HIRED"
    assert source_category("SITE CARRIERE") == "CAREER_SITE"


def test_matching_uses_word_prefixes():
    # "neu" is a word of its own, not the start of "Neutral".
    assert stage_category("Neutral") == "OTHER"
    # "hire" does not match "hiring".
    assert stage_category("Hiring") == "OTHER"
    # "web" is exact, so "Webinar" stays an event.
    assert source_category("Webinar") == "EVENT"


def test_normalize_words_transliterates():
    assert mapping.normalize_words("Straße, Œuvre!") == ["strasse", "oeuvre"]
    assert mapping.normalize_words("Prä-Qualifikation") == ["pra", "qualifikation"]


def test_resolve_stage_override_wins():
    assert resolve_stage_category("First Interview", "SCREEN") == "SCREEN"


def test_resolve_stage_without_override():
    assert resolve_stage_category("First Interview") == "INTERVIEW"
    assert resolve_stage_category("First Interview", None) == "INTERVIEW"
    assert resolve_stage_category("First Interview", "") == "INTERVIEW"
    assert resolve_stage_category("First Interview", False) == "INTERVIEW"


def test_resolve_source_override_wins():
    assert resolve_source_category("Facebook", "REFERRAL") == "REFERRAL"
    assert resolve_source_category("Facebook") == "SOCIAL_MEDIA"


def test_resolve_stage_invalid_override():
    with pytest.raises(ValueError) as error:
        resolve_stage_category("New", "FINAL")
    message = str(error.value)
    assert "'FINAL'" in message
    assert "NURTURE" in message
    assert "ARCHIVED" in message


def test_resolve_source_invalid_override():
    with pytest.raises(ValueError) as error:
        resolve_source_category("Facebook", "SOCIAL")
    message = str(error.value)
    assert "'SOCIAL'" in message
    assert "SOCIAL_MEDIA" in message


def test_resolve_override_is_case_sensitive():
    with pytest.raises(ValueError):
        resolve_stage_category("New", "applied")


def test_resolve_rejects_cross_enum_override():
    with pytest.raises(ValueError):
        resolve_stage_category("New", "LINKEDIN")
    with pytest.raises(ValueError):
        resolve_source_category("Facebook", "HIRED")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("  Anna.Meyer@Example.COM ", "anna.meyer@example.com"),
        ("a@b.c", "a@b.c"),
        ("", None),
        ("   ", None),
        (None, None),
        (False, None),
        ("john at example.org", "john at example.org"),
    ],
)
def test_normalize_email(value, expected):
    assert normalize_email(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        "a@b.c",
        "anna.meyer@example.com",
        "Anna.Meyer+jobs@mail.example.org",
        "o'brien@example.net",
        "müller@example.de",
        "a@b.c.d",
    ],
)
def test_valid_email_shapes(value):
    assert is_valid_email(value)


@pytest.mark.parametrize(
    "value",
    [
        "anna.meyer@",
        "john at example.org",
        "x@y",
        "@example.com",
        "anna@@example.com",
        "anna meyer@example.com",
        "anna.meyer.example.com",
        "anna@example.",
        " anna@example.com",
        "anna@example.com\n",
        "",
        None,
        42,
    ],
)
def test_invalid_email_shapes(value):
    assert not is_valid_email(value)


@pytest.mark.parametrize(
    ("full_name", "expected"),
    [
        ("Anna Meyer", ("Anna", "Meyer")),
        ("Madonna", ("Madonna", "")),
        ("  Anna   Maria   Meyer  ", ("Anna Maria", "Meyer")),
        ("Jan van der Berg", ("Jan", "van der Berg")),
        ("Ludwig van Beethoven", ("Ludwig", "van Beethoven")),
        ("Jan Van Der Berg", ("Jan", "Van Der Berg")),
        ("María de la Cruz", ("María", "de la Cruz")),
        ("Charles de Gaulle", ("Charles", "de Gaulle")),
        ("Anna-Lena von Bülow", ("Anna-Lena", "von Bülow")),
        ("Pieter van 't Hof", ("Pieter", "van 't Hof")),
        ("Ana María García López", ("Ana María García", "López")),
        ("De Vries", ("De", "Vries")),
        ("", ("", "")),
        ("   ", ("", "")),
        (None, ("", "")),
    ],
)
def test_split_name(full_name, expected):
    assert split_name(full_name) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (dt.datetime(1970, 1, 1), 0),
        (dt.datetime(2018, 3, 1, 14, 5, 0), 1519913100000),
        (dt.datetime(2018, 3, 1, 14, 5, 0, 123456), 1519913100123),
        ("2018-03-01 14:05:00", 1519913100000),
        ("2018-03-01T14:05:00", 1519913100000),
        (" 2018-03-01 14:05:00 ", 1519913100000),
        ("2018-03-01 14:05:00.999999", 1519913100999),
        ("2018-03-01 15:05:00+01:00", 1519913100000),
        ("2018-03-01T14:05:00Z", 1519913100000),
        ("2018-03-01", 1519862400000),
        (dt.date(2018, 3, 1), 1519862400000),
        (
            dt.datetime(2018, 3, 1, 16, 5, tzinfo=dt.timezone(dt.timedelta(hours=2))),
            1519913100000,
        ),
        (dt.datetime(1969, 12, 31, 23, 59, 59), -1000),
    ],
)
def test_to_epoch_ms(value, expected):
    assert to_epoch_ms(value) == expected


def test_to_epoch_ms_matches_timestamp():
    value = dt.datetime(2024, 2, 29, 23, 59, 58)
    expected = int(value.replace(tzinfo=dt.UTC).timestamp() * 1000)
    assert to_epoch_ms(value) == expected


@pytest.mark.parametrize("value", ["yesterday", "2018-13-01 00:00:00", ""])
def test_to_epoch_ms_invalid_string(value):
    with pytest.raises(ValueError) as error:
        to_epoch_ms(value)
    assert repr(value) in str(error.value)


@pytest.mark.parametrize("value", [None, False, 1519913100, 1.5])
def test_to_epoch_ms_invalid_type(value):
    with pytest.raises(TypeError):
        to_epoch_ms(value)
