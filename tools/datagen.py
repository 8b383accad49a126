"""Generate realistic recruitment data for demos and benchmarks, without Odoo.

``generate(count)`` returns a ``Dataset`` of jobs, people and ``count``
applications, shaped like Odoo 11's ``hr.job``, ``hr.applicant``,
``mail.message`` and ``ir.attachment`` records so that a loader can write it
into a database. The data includes the awkward cases a sync meets in practice:

- people who apply to two or three jobs with the same email, sometimes typed
  with different case, and with their name in different case or spacing;
- people without an email, with a malformed one ("anna.meyer@"), or without a
  name;
- resumes as small valid PDFs or plain text, and a few that LinkedIn rejects:
  PDFs just over 10 MB and PNG images.

Oversized resumes are not held in memory. A ``Resume`` stores only its size,
and ``resume_bytes`` builds the content on demand.

The output is deterministic: the same arguments (including ``end``) and the
same Python version give the same dataset, because every random choice comes
from one ``random.Random`` seeded with ``seed``.

Emails use only the reserved ``example.com``, ``example.org`` and
``example.net`` domains. UK numbers come from the ranges Ofcom reserves for
drama. NOTE: French, German, Spanish and Dutch numbers are random digits in
each country's mobile and landline formats, so some may belong to real
subscribers: never call or text them.

Run ``python tools/datagen.py --count 20000`` to print summary counts.
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import functools
import itertools
import random
import struct
import sys
import time
import unicodedata
import zlib
from dataclasses import dataclass

# --- Reference data ----------------------------------------------------------

#: Odoo 11's demo recruitment stages, in pipeline order.
ODOO_STAGES = (
    "New",
    "Initial Qualification",
    "First Interview",
    "Second Interview",
    "Contract Proposal",
    "Contract Signed",
)
# Share of applications currently in each stage (a funnel, in percent).
_STAGE_WEIGHTS = (38, 24, 16, 10, 5, 7)
# Chance, per stage, that the application was refused (archived in Odoo).
_REFUSAL_CHANCE = (0.10, 0.25, 0.30, 0.25, 0.10, 0.0)

#: LinkedIn's maximum resume size. ``Resume.oversized`` is true above it.
RESUME_MAX_BYTES = 10 * 1024 * 1024

#: Email domains. All are under the domains reserved by RFC 2606.
EMAIL_DOMAINS = (
    "example.com",
    "example.org",
    "example.net",
    "mail.example.com",
    "post.example.org",
    "inbox.example.net",
)


@dataclass(frozen=True, slots=True)
class Job:
    """A job position (``hr.job``)."""

    name: str
    department: str
    location: str


JOBS = (
    Job("Experienced Developer", "Research & Development", "Brussels"),
    Job("Consultant", "Sales", "Paris"),
    Job("Chief Technical Officer", "Management", "Brussels"),
    Job("Marketing and Community Manager", "Marketing", "Amsterdam"),
    Job("Human Resources Manager", "Administration", "Berlin"),
    Job("Trainee", "Research & Development", "Madrid"),
    Job("Ingénieur logiciel", "R&D", "Lyon"),
    Job("Comptable", "Finance", "Paris"),
    Job("Softwareentwickler (m/w/d)", "IT", "München"),
    Job("Vertriebsmitarbeiter", "Vertrieb", "Hamburg"),
    Job("Ingeniera de datos", "Datos", "Barcelona"),
    Job("Técnico de soporte", "Soporte", "Valencia"),
    Job("Verkoopmedewerker", "Verkoop", "Rotterdam"),
    Job("Data Analyst", "Finance", "London"),
    Job("Customer Success Manager", "Sales", "Utrecht"),
    Job("Product Owner", "Research & Development", "Lille"),
)

#: Source names (``utm.source``) with their relative frequency.
SOURCES = (
    ("LinkedIn", 18),
    ("Indeed", 10),
    ("Company website", 10),
    ("Employee referral", 8),
    ("Welcome to the Jungle", 4),
    ("StepStone", 4),
    ("Recruitment agency", 4),
    ("Monster", 3),
    ("Glassdoor", 3),
    ("Facebook", 3),
    ("Job fair", 3),
    ("Search engine", 3),
    ("Twitter", 2),
    ("Xing", 2),
    ("Cooptation", 2),
    ("Infojobs", 2),
    ("Nationale Vacaturebank", 2),
    ("Karriereseite", 2),
    ("Newsletter", 1),
    ("Salon", 1),
    ("Headhunter", 1),
    ("Lead Recall", 1),
    ("Craigslist", 1),
    ("Meetup", 1),
)

#: Medium names (``utm.medium``) from Odoo's data.
MEDIUMS = (
    "Website",
    "Email",
    "Phone",
    "Direct",
    "LinkedIn",
    "Facebook",
    "Twitter",
    "Banner",
)

_RECRUITERS = (
    "Sophie Laurent",
    "Thomas Becker",
    "Emma Jansen",
    "Lucía Romero",
    "James Carter",
)

# First and last names by locale, separated by spaces. An underscore joins the
# words of one name ("José_Luis", "van_den_Berg"). "other" mixes Italian,
# Portuguese, Polish, Nordic, Turkish, Indian, Chinese, Nigerian, Slavic and
# Arabic names.
_FIRST_NAME_TEXT = {
    "en": (
        "James Oliver Harry George Jack Charlie Thomas William Daniel Samuel "
        "Joshua Ethan Emily Olivia Amelia Isla Sophie Grace Chloe Jessica "
        "Megan Hannah Lucy Ellie Zoë"
    ),
    "fr": (
        "Léa Chloé Manon Inès Camille Éloïse Hélène Amélie Mathilde Gaëlle "
        "Noémie Anaïs Lucas Hugo Théo Raphaël Louis Jérôme Benoît François "
        "Étienne Mathéo Cédric Jean-Pierre Anne-Sophie"
    ),
    "de": (
        "Lukas Jonas Leon Finn Elias Felix Maximilian Jürgen Jörg Günter Uwe "
        "Sören Matthias Tobias Anna Lena Mia Emilia Lina Marie Jana Käthe "
        "Brigitte Anja Ursula"
    ),
    "es": (
        "Alejandro Pablo Álvaro Javier Sergio Adrián Rubén Raúl Iván Jesús "
        "Andrés Lucía María Paula Sofía Martina Carmen Ana Marta Begoña Nuria "
        "Ainhoa Rocío José_Luis María_José"
    ),
    "nl": (
        "Daan Sem Milan Levi Luuk Bram Thijs Sven Jeroen Pieter Joost Maarten "
        "Ruud Sanne Emma Julia Tess Fleur Anouk Lotte Femke Noor Eline "
        "Marieke Inge"
    ),
    "other": (
        "Giulia Francesco Alessandro Chiara João Gonçalo Beatriz Łukasz Zofia "
        "Agnieszka Małgorzata Søren Ingrid Björn Åsa Mehmet Ayşe Yusuf Fatima "
        "Priya Arjun Wei Mei Olumide Chiamaka Dmitri Oksana"
    ),
}
_LAST_NAME_TEXT = {
    "en": (
        "Smith Jones Taylor Brown Williams Wilson Johnson Davies Robinson "
        "Wright Thompson Evans Walker White Roberts Green Hall Wood Jackson "
        "Clarke O'Brien McDonald Hughes Edwards Turner"
    ),
    "fr": (
        "Martin Bernard Dubois Robert Richard Petit Durand Leroy Moreau Simon "
        "Laurent Lefèvre Michel Fabre Bertrand Roux Fournier Girard Bonnet "
        "Dupont Lambert Rousseau Hébert Gérard Lemaître"
    ),
    "de": (
        "Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz "
        "Hoffmann Schäfer Koch Bauer Richter Klein Wolf Schröder Neumann "
        "Schwarz Zimmermann Braun Krüger Hartmann Weiß von_Bülow"
    ),
    "es": (
        "García Fernández González Rodríguez López Martínez Sánchez Pérez "
        "Gómez Jiménez Ruiz Hernández Díaz Moreno Muñoz Álvarez Romero Alonso "
        "Gutiérrez Navarro Torres Domínguez Vázquez Ramos de_la_Cruz"
    ),
    "nl": (
        "de_Jong Jansen de_Vries van_den_Berg van_Dijk Bakker Janssen Visser "
        "Smit Meijer de_Boer Mulder de_Groot Bos Vos Peters Hendriks "
        "van_Leeuwen Dekker Brouwer de_Wit Dijkstra Smits van_der_Meer "
        "van_'t_Hof"
    ),
    "other": (
        "Rossi Russo Ferrari Esposito Bianchi Silva Santos Oliveira Gonçalves "
        "Nowak Kowalski Lewandowski Hansen Nielsen Johansson Lindqvist Yılmaz "
        "Kaya Demir Patel Sharma Wang Li Zhang Okafor Adeyemi Ivanova "
        "Kovalenko Haddad"
    ),
}


def _split_names(names: str) -> list[str]:
    return [name.replace("_", " ") for name in names.split()]


_FIRST_NAMES = {locale: _split_names(text) for locale, text in _FIRST_NAME_TEXT.items()}
_LAST_NAMES = {locale: _split_names(text) for locale, text in _LAST_NAME_TEXT.items()}
_LOCALES = tuple(_FIRST_NAMES)
_LOCALE_WEIGHTS = (22, 20, 20, 15, 13, 10)
# Country whose phone formats a person of each locale gets.
_LOCALE_COUNTRY = {"en": "GB", "fr": "FR", "de": "DE", "es": "ES", "nl": "NL"}
# Language of the emails a person from each country writes.
_COUNTRY_LOCALE = {country: locale for locale, country in _LOCALE_COUNTRY.items()}
_COUNTRIES = tuple(_COUNTRY_LOCALE)


# --- Records -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Person:
    """A candidate. Several applications can share one person.

    ``email`` is None for people without an email. ``email_malformed`` marks
    an email that fails LinkedIn's ``x@x.x`` shape on purpose. A person
    without a name has empty ``first_name`` and ``last_name``. ``country`` is
    the ISO 3166 code whose phone formats ``phone`` and ``mobile`` use.
    """

    first_name: str
    last_name: str
    email: str | None
    email_malformed: bool
    phone: str | None
    mobile: str | None
    linkedin_url: str | None
    country: str

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.first_name, self.last_name) if part)


@dataclass(frozen=True, slots=True)
class Message:
    """A note or an email in an application's chatter (``mail.message``).

    ``kind`` is "note" or "email". ``email_from`` is set on emails only.
    ``date`` is naive UTC, as Odoo 11 stores it.
    """

    kind: str
    date: dt.datetime
    author: str
    subject: str | None
    body: str
    email_from: str | None


@dataclass(frozen=True, slots=True)
class Resume:
    """A resume attachment, described without its content.

    ``kind`` is "pdf", "txt", "png" (the wrong type for LinkedIn) or
    "oversized_pdf" (a valid PDF just over ``RESUME_MAX_BYTES``). ``size`` is
    the exact length in bytes of what ``resume_bytes`` returns.
    """

    kind: str
    file_name: str
    mimetype: str
    size: int
    candidate_name: str
    job_name: str

    @property
    def oversized(self) -> bool:
        return self.size > RESUME_MAX_BYTES


@dataclass(frozen=True, slots=True)
class Application:
    """An application (``hr.applicant``) of one person to one job.

    ``name`` is Odoo's applicant subject. ``partner_name`` and ``email_from``
    are the person's name and email as typed on this application, so their
    case and spacing may differ from ``Person``. ``arrived_by`` is "email"
    (created by the job's mail alias) or "manual". ``refused`` marks an
    archived (refused) applicant. Dates are naive UTC.
    """

    id: int
    person_index: int
    job_index: int
    name: str
    partner_name: str
    email_from: str | None
    partner_phone: str | None
    partner_mobile: str | None
    stage_name: str
    source_name: str | None
    medium_name: str | None
    arrived_by: str
    create_date: dt.datetime
    write_date: dt.datetime
    refused: bool
    messages: tuple[Message, ...]
    resume: Resume | None


@dataclass(frozen=True, slots=True)
class Dataset:
    """Generated records. Applications are sorted by ``create_date``, and
    their ids count up from 1 in that order."""

    jobs: tuple[Job, ...]
    people: tuple[Person, ...]
    applications: tuple[Application, ...]


# --- Text helpers ------------------------------------------------------------

# Letters that NFKD leaves whole, spelled the way their languages transliterate.
_ASCII_LETTERS = str.maketrans(
    {
        "ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ø": "o",
        "Ø": "O", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ı": "i",
    }
)  # fmt: skip


@functools.lru_cache(maxsize=4096)
def _ascii_fold(text: str) -> str:
    """Return ``text`` lower-cased, transliterated to ASCII letters and digits."""
    lowered = text.lower().translate(_ASCII_LETTERS)
    decomposed = unicodedata.normalize("NFKD", lowered)
    return "".join(char for char in decomposed if char.isascii() and char.isalnum())


class _FastRandom(random.Random):
    """``random.Random`` with ``choice`` and ``randrange`` built on ``random()``.

    They skip the rejection sampling of the standard methods, which costs time
    at hundreds of thousands of draws. The bias of ``int(random() * n)`` is at
    most ``n / 2**53``, below 2**-26 for the largest ``n`` used here (10**8).
    """

    def choice(self, seq):
        return seq[int(self.random() * len(seq))]

    def randrange(self, start, stop=None):
        if stop is None:
            start, stop = 0, start
        return start + int(self.random() * (stop - start))


def _weighted_picker(weights):
    """Return a function that draws an index with the given relative weights."""
    cumulative = list(itertools.accumulate(weights))
    total = cumulative[-1]

    def pick(rng: random.Random) -> int:
        return bisect.bisect_right(cumulative, rng.random() * total)

    return pick


_pick_locale = _weighted_picker(_LOCALE_WEIGHTS)
_pick_stage = _weighted_picker(_STAGE_WEIGHTS)
_pick_source = _weighted_picker([weight for _, weight in SOURCES])
# Applications per person: 1, 2 or 3 (about 1.3 on average).
_pick_application_count = _weighted_picker((78, 16, 6))
# Notes per application: 0 to 3.
_pick_note_count = _weighted_picker((30, 35, 22, 13))


# --- People ------------------------------------------------------------------


# Phone formats by country and line type, a "#" standing for a random digit.
# The UK formats use Ofcom's ranges for drama (07700 900000-900999 and
# 020 7946 0000-0999), which Ofcom does not allocate to phone providers.
_PHONE_FORMATS = {
    ("GB", True): ("+44 7700 900###",),
    ("GB", False): ("+44 20 7946 0###",),
    ("FR", True): ("+33 6 ## ## ## ##", "+33 7 ## ## ## ##"),
    ("FR", False): ("+33 1 ## ## ## ##", "+33 4 ## ## ## ##"),
    ("DE", True): ("+49 151 ########", "+49 170 #######", "+49 176 ########"),
    ("DE", False): ("+49 30 ########", "+49 89 #######"),
    ("ES", True): ("+34 6## ### ###", "+34 7## ### ###"),
    ("ES", False): ("+34 91 ### ## ##", "+34 93 ### ## ##"),
    ("NL", True): ("+31 6 ########",),
    ("NL", False): ("+31 20 ### ####", "+31 10 ### ####"),
}


def _compile_phone_format(template: str) -> tuple[str, int]:
    """Turn "+33 6 ## ##" into ("+33 6 {0[0]}{0[1]} {0[2]}{0[3]}", 4)."""
    pieces = template.split("#")
    compiled = pieces[0]
    for index, piece in enumerate(pieces[1:]):
        compiled += f"{{0[{index}]}}{piece}"
    return compiled, len(pieces) - 1


_PHONE_TEMPLATES = {
    key: tuple(_compile_phone_format(template) for template in templates)
    for key, templates in _PHONE_FORMATS.items()
}


def _phone_number(rng: random.Random, country: str, mobile: bool) -> str:
    """Return an E.164 number of ``country``, grouped with spaces 70 % of the
    time and written without spaces otherwise."""
    template, width = rng.choice(_PHONE_TEMPLATES[country, mobile])
    number = template.format(f"{rng.randrange(10**width):0{width}d}")
    if rng.random() < 0.3:
        return number.replace(" ", "")
    return number


def _email_local_part(rng: random.Random, first: str, last: str) -> str:
    first_ascii = _ascii_fold(first) or "candidate"
    last_ascii = _ascii_fold(last) or "applicant"
    pattern = rng.randrange(6)
    if pattern == 0:
        return f"{first_ascii}.{last_ascii}"
    if pattern == 1:
        return f"{first_ascii}{last_ascii}"
    if pattern == 2:
        return f"{first_ascii[0]}{last_ascii}"
    if pattern == 3:
        return f"{first_ascii}_{last_ascii}"
    if pattern == 4:
        return f"{first_ascii}.{last_ascii}{rng.randrange(1, 100)}"
    return f"{last_ascii}.{first_ascii}"


def _malformed_email(rng: random.Random, local: str, domain: str) -> str:
    """Return a broken form of ``local@domain`` that fails ``x@x.x``."""
    shape = rng.randrange(7)
    if shape == 0:
        return f"{local}@"
    if shape == 1:
        return f"{local} at {domain}"
    if shape == 2:
        return f"{local.split('.')[0]}@{domain.split('.')[-2]}"
    if shape == 3:
        return f"{local}@@{domain}"
    if shape == 4:
        return f"{local.replace('.', ' ', 1)} @{domain}"
    if shape == 5:
        return f"{local}.{domain}"
    return f"{local}@{domain.split('.')[-2]}."


def _make_person(
    rng: random.Random,
    used_emails: set[str],
    malformed_email_ratio: float,
    missing_name_ratio: float,
) -> Person:
    first_locale = _LOCALES[_pick_locale(rng)]
    # Most people have a first and last name from the same locale.
    last_locale = first_locale if rng.random() < 0.85 else _LOCALES[_pick_locale(rng)]
    first = rng.choice(_FIRST_NAMES[first_locale])
    last = rng.choice(_LAST_NAMES[last_locale])
    country = _LOCALE_COUNTRY.get(first_locale) or rng.choice(_COUNTRIES)

    missing_name = rng.random() < missing_name_ratio
    email = None
    malformed = False
    if rng.random() >= 0.05:
        local = _email_local_part(rng, first, last)
        domain = rng.choice(EMAIL_DOMAINS)
        address = f"{local}@{domain}"
        suffix = 2
        while address in used_emails:
            address = f"{local}{suffix}@{domain}"
            suffix += 1
        used_emails.add(address)
        if rng.random() < malformed_email_ratio:
            email = _malformed_email(rng, local, domain)
            malformed = True
        else:
            email = address

    phone = _phone_number(rng, country, mobile=False) if rng.random() < 0.55 else None
    mobile = _phone_number(rng, country, mobile=True) if rng.random() < 0.7 else None
    linkedin_url = None
    if not missing_name and rng.random() < 0.35:
        slug = f"{_ascii_fold(first)}-{_ascii_fold(last)}"
        linkedin_url = f"https://www.linkedin.com/in/{slug}-{rng.getrandbits(32):08x}"

    if missing_name:
        first = last = ""
    return Person(first, last, email, malformed, phone, mobile, linkedin_url, country)


# --- Applications ------------------------------------------------------------

_EMAIL_SUBJECTS = {
    "en": "Application for {job}",
    "fr": "Candidature : {job}",
    "de": "Bewerbung als {job}",
    "es": "Solicitud: {job}",
    "nl": "Sollicitatie {job}",
}
_EMAIL_BODIES = {
    "en": "Dear hiring team,\n\nPlease find attached my resume for the {job} "
    "position. I would be glad to discuss it with you.\n\nBest regards,\n{name}",
    "fr": "Madame, Monsieur,\n\nVeuillez trouver ci-joint mon CV pour le poste "
    "de {job}.\n\nCordialement,\n{name}",
    "de": "Sehr geehrte Damen und Herren,\n\nanbei sende ich Ihnen meine "
    "Bewerbungsunterlagen für die Stelle als {job}.\n\nMit freundlichen "
    "Grüßen\n{name}",
    "es": "Estimado equipo:\n\nAdjunto mi currículum para el puesto de {job}."
    "\n\nUn saludo,\n{name}",
    "nl": "Beste recruiter,\n\nIn de bijlage vindt u mijn cv voor de functie "
    "{job}.\n\nMet vriendelijke groet,\n{name}",
}
_NOTES = (
    "Called {first}: available from {month}.",
    "Strong on Python, weaker on SQL. Worth a technical test.",
    "Salary expectation: {salary}k EUR gross per year.",
    "Prefers to work remotely two days a week.",
    "Sent the technical test, deadline {weekday}.",
    "Good cultural fit according to the team.",
    "Notice period of {notice} months.",
    "References checked, both positive.",
    "Asked for a relocation package.",
    "Rappelé {first}, disponible en {month}.",
    "Très bon entretien, à revoir avec le manager.",
    "Gehaltsvorstellung {salary}k EUR, verhandelbar.",
    "Kandidat hat Rückfragen zur Teamgröße.",
    "Entrevista correcta, buen nivel de inglés.",
    "Goed gesprek, tweede ronde inplannen.",
)
_RECRUITER_EMAILS = (
    (
        "Invitation to an interview",
        (
            "Hello {first},\n\nThank you for applying "
            "as {job}. Could we meet on {weekday}?\n\nKind regards"
        ),
    ),
    (
        "Your application",
        (
            "Hello {first},\n\nWe received your application for "
            "{job} and will come back to you within a week."
        ),
    ),
    (
        "Technical test",
        (
            "Hello {first},\n\nPlease find the technical test for "
            "the {job} position attached."
        ),
    ),
)
_MONTHS = ("January", "February", "March", "April", "May", "June", "September")
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")


def _name_variant(rng: random.Random, full_name: str) -> str:
    """Return ``full_name`` as a person might type it on a form."""
    if not full_name or rng.random() >= 0.12:
        return full_name
    variant = rng.randrange(4)
    if variant == 0:
        return full_name.upper()
    if variant == 1:
        return full_name.lower()
    if variant == 2:
        return "  ".join(full_name.split(" "))
    return f" {full_name} "


def _email_variant(rng: random.Random, email: str | None) -> str | None:
    """Return ``email`` with different case on about 5 % of applications."""
    if not email or rng.random() >= 0.05:
        return email
    if rng.random() < 0.5:
        return email.upper()
    local, at, domain = email.partition("@")
    return f"{local.title()}{at}{domain}"


def _random_datetime(rng: random.Random, start: dt.datetime, end: dt.datetime):
    seconds = max(1, int((end - start).total_seconds()))
    return start + dt.timedelta(seconds=rng.randrange(seconds))


def _fill(template: str, rng: random.Random, first: str, job: str) -> str:
    return template.format(
        first=first or "the candidate",
        job=job,
        month=rng.choice(_MONTHS),
        weekday=rng.choice(_WEEKDAYS),
        salary=rng.randrange(35, 95),
        notice=rng.randrange(1, 4),
    )


def _make_messages(
    rng: random.Random,
    first_name: str,
    job: Job,
    incoming: Message | None,
    stage_index: int,
    created: dt.datetime,
    end: dt.datetime,
) -> tuple[Message, ...]:
    """Return an application's messages in date order.

    ``incoming`` is the email that created the application, if any. Notes and
    recruiter emails fall in the 60 days after ``created``, cut at ``end``.
    Only applications past the first stage get a recruiter email.
    """
    messages = [incoming] if incoming else []

    horizon = min(end, created + dt.timedelta(days=60))
    for _ in range(_pick_note_count(rng)):
        note = _fill(rng.choice(_NOTES), rng, first_name, job.name)
        date = _random_datetime(rng, created, horizon)
        messages.append(
            Message("note", date, rng.choice(_RECRUITERS), None, note, None)
        )
    if stage_index > 0 and rng.random() < 0.25:
        title, template = rng.choice(_RECRUITER_EMAILS)
        body = _fill(template, rng, first_name, job.name)
        date = _random_datetime(rng, created, horizon)
        sender = rng.choice(_RECRUITERS)
        messages.append(Message("email", date, sender, title, body, None))

    messages.sort(key=lambda message: message.date)
    return tuple(messages)


def _pick_resume_kind(rng: random.Random, arrived_by: str) -> str | None:
    """Return "pdf", "txt" or None.

    Emailed applications (about 43 %) carry a resume 70 % of the time and the
    others 20 %, so about 41 % of all applications get one.
    """
    chance = 0.7 if arrived_by == "email" else 0.2
    if rng.random() >= chance:
        return None
    return "pdf" if rng.random() < 0.85 else "txt"


def _resume_file_name(rng: random.Random, person: Person, extension: str) -> str:
    if not person.full_name:
        return f"cv.{extension}"
    first, last = person.first_name, person.last_name
    style = rng.randrange(4)
    if style == 0:
        return f"CV_{first}_{last}.{extension}".replace(" ", "_")
    if style == 1:
        return f"Resume - {first} {last}.{extension}"
    if style == 2:
        return f"{_ascii_fold(last)}_cv.{extension}"
    return f"{first} {last} CV {rng.randrange(2019, 2026)}.{extension}"


_RESUME_MIMETYPES = {
    "pdf": "application/pdf",
    "oversized_pdf": "application/pdf",
    "txt": "text/plain",
    "png": "image/png",
}


def _make_resume(rng: random.Random, kind: str, person: Person, job: Job) -> Resume:
    full_name = person.full_name
    extension = "pdf" if kind == "oversized_pdf" else kind
    file_name = _resume_file_name(rng, person, extension)
    if kind == "oversized_pdf":
        filler = RESUME_MAX_BYTES + rng.randrange(1, 64 * 1024)
        size = _pdf_size(_resume_lines(full_name, job.name), filler)
    else:
        size = len(_resume_content(kind, full_name, job.name))
    mimetype = _RESUME_MIMETYPES[kind]
    return Resume(kind, file_name, mimetype, size, full_name, job.name)


def generate(
    count: int,
    seed: int = 7,
    malformed_email_ratio: float = 0.02,
    missing_name_ratio: float = 0.005,
    *,
    bad_resume_ratio: float = 0.002,
    end: dt.datetime | None = None,
) -> Dataset:
    """Generate ``count`` applications and the people and jobs they refer to.

    ``malformed_email_ratio`` is the chance that a person with an email has a
    malformed one, and ``missing_name_ratio`` the chance that a person has no
    name. About 5 % of people have no email. ``bad_resume_ratio`` sets the
    share of applications with an oversized PDF, and again with a PNG resume:
    ``round(count * bad_resume_ratio)`` of each. Creation dates fall in the two
    years before ``end`` (naive UTC), which defaults to today at midnight UTC.
    Pass ``end`` for output that does not change with the date.

    Raises ``ValueError`` for a negative count or a ratio outside [0, 1].
    """
    if count < 0:
        raise ValueError(f"Invalid count {count}: expected 0 or more.")
    for label, ratio in (
        ("malformed_email_ratio", malformed_email_ratio),
        ("missing_name_ratio", missing_name_ratio),
        ("bad_resume_ratio", bad_resume_ratio),
    ):
        if not 0.0 <= ratio <= 1.0:
            raise ValueError(f"Invalid {label} {ratio}: expected a value in [0, 1].")
    if end is None:
        today = dt.datetime.now(dt.UTC).date()
        end = dt.datetime(today.year, today.month, today.day)
    start = end - dt.timedelta(days=730)

    rng = _FastRandom(seed)
    people: list[Person] = []
    plans: list[tuple[dt.datetime, int, int]] = []
    used_emails: set[str] = set()
    while len(plans) < count:
        person = _make_person(
            rng, used_emails, malformed_email_ratio, missing_name_ratio
        )
        person_index = len(people)
        people.append(person)
        applications = min(count - len(plans), _pick_application_count(rng) + 1)
        first_date = _random_datetime(rng, start, end)
        for order, job_index in enumerate(rng.sample(range(len(JOBS)), applications)):
            created = first_date
            if order:
                # Later applications of one person follow within four months.
                created = min(end, first_date + dt.timedelta(days=rng.uniform(1, 120)))
            plans.append((created, person_index, job_index))
    # Sorting by date gives ids in creation order, as a database assigns them.
    # Python's sort is stable, so equal dates keep their generation order.
    plans.sort(key=lambda plan: plan[0])

    bad_count = round(count * bad_resume_ratio)
    bad_indices = rng.sample(range(count), min(count, 2 * bad_count))
    bad_kinds = dict.fromkeys(bad_indices[:bad_count], "oversized_pdf")
    bad_kinds.update(dict.fromkeys(bad_indices[bad_count:], "png"))

    applications = tuple(
        _make_application(
            rng, index + 1, people, person_index, job_index, created, end,
            bad_kinds.get(index),
        )
        for index, (created, person_index, job_index) in enumerate(plans)
    )  # fmt: skip
    return Dataset(JOBS, tuple(people), applications)


def _make_application(
    rng: random.Random,
    application_id: int,
    people: list[Person],
    person_index: int,
    job_index: int,
    created: dt.datetime,
    end: dt.datetime,
    bad_resume_kind: str | None,
) -> Application:
    person = people[person_index]
    job = JOBS[job_index]
    locale = _COUNTRY_LOCALE[person.country]
    full_name = person.full_name
    stage_index = _pick_stage(rng)
    refused = rng.random() < _REFUSAL_CHANCE[stage_index]
    email_from = _email_variant(rng, person.email)
    arrived_by = "email" if email_from and rng.random() < 0.45 else "manual"

    incoming = None
    if arrived_by == "email":
        subject = _EMAIL_SUBJECTS[locale].format(job=job.name)
        body = _EMAIL_BODIES[locale].format(job=job.name, name=full_name or email_from)
        incoming = Message("email", created, full_name, subject, body, email_from)
    elif full_name:
        subject = f"{job.name} - {full_name}"
    else:
        subject = f"Application for {job.name}"

    source_name = None
    if rng.random() < 0.8:
        source_name = SOURCES[_pick_source(rng)][0]
    medium_name = rng.choice(MEDIUMS) if rng.random() < 0.3 else None

    messages = _make_messages(
        rng, person.first_name, job, incoming, stage_index, created, end
    )
    write_date = messages[-1].date if messages else created
    write_date = max(
        write_date, min(end, created + dt.timedelta(days=rng.uniform(0, 30)))
    )

    resume_kind = bad_resume_kind or _pick_resume_kind(rng, arrived_by)
    resume = _make_resume(rng, resume_kind, person, job) if resume_kind else None

    return Application(
        id=application_id,
        person_index=person_index,
        job_index=job_index,
        name=subject,
        partner_name=_name_variant(rng, full_name),
        email_from=email_from,
        partner_phone=person.phone,
        partner_mobile=person.mobile,
        stage_name=ODOO_STAGES[stage_index],
        source_name=source_name,
        medium_name=medium_name,
        arrived_by=arrived_by,
        create_date=created,
        write_date=write_date,
        refused=refused,
        messages=messages,
        resume=resume,
    )


# --- Resume content ----------------------------------------------------------

_EXPERIENCE_LINES = (
    "Five years of experience in a similar role.",
    "Master's degree, fluent in English and French.",
    "Led a team of four on a customer project.",
    "Looking for a new challenge in a growing company.",
)


def _resume_lines(candidate_name: str, job_name: str) -> list[str]:
    # crc32 rather than hash(): it does not change between runs.
    experience = _EXPERIENCE_LINES[zlib.crc32(candidate_name.encode()) % 4]
    lines = [candidate_name] if candidate_name else []
    return lines + ["Curriculum vitae", f"Applying for: {job_name}", experience]


def _pdf_text(text: str) -> bytes:
    """Encode ``text`` as a PDF literal string in WinAnsi (cp1252) encoding.

    Characters that cp1252 lacks lose their accents ("Ł" becomes "L") or
    become "?".
    """
    try:
        raw = text.encode("cp1252")
    except UnicodeEncodeError:
        folded = []
        for char in text:
            try:
                char.encode("cp1252")
                folded.append(char)
            except UnicodeEncodeError:
                base = unicodedata.normalize("NFKD", char.translate(_ASCII_LETTERS))
                folded.append(base[:1] if base[:1].isascii() else "?")
        raw = "".join(folded).encode("cp1252", errors="replace")
    escaped = raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
    return b"(" + escaped + b")"


def _pdf_parts(lines: list[str], filler: int = 0) -> tuple[bytes, int, bytes]:
    """Build a one-page PDF that shows ``lines``, as ``(head, filler, tail)``.

    The file is ``head``, then ``filler`` space bytes, then ``tail``, so its
    size is known without allocating the filler. With ``filler`` above 0 the
    spaces form the data of an extra, unreferenced stream object, which keeps
    the file valid. The cross-reference table records the byte offset of
    every object.
    """
    text = [b"BT /F1 18 Tf 72 770 Td"]
    for number, line in enumerate(lines):
        if number:
            text.append(b"/F1 11 Tf 0 -22 Td")
        text.append(_pdf_text(line) + b" Tj")
    text.append(b"ET")
    content = b"\n".join(text)
    bodies = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
            b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>"
        ),
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        (
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica "
            b"/Encoding /WinAnsiEncoding >>"
        ),
    ]

    head = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(bodies, start=1):
        offsets.append(len(head))
        head += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    tail = bytearray()
    if filler:
        offsets.append(len(head))
        head += b"%d 0 obj\n<< /Length %d >>\nstream\n" % (len(offsets), filler)
        tail += b"\nendstream\nendobj\n"

    xref_offset = len(head) + filler + len(tail)
    tail += b"xref\n0 %d\n0000000000 65535 f \n" % (len(offsets) + 1)
    for offset in offsets:
        tail += b"%010d 00000 n \n" % offset
    tail += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF" % (
        len(offsets) + 1,
        xref_offset,
    )
    return bytes(head), filler, bytes(tail)


def _pdf_size(lines: list[str], filler: int) -> int:
    head, filler, tail = _pdf_parts(lines, filler)
    return len(head) + filler + len(tail)


def _pdf_bytes(lines: list[str], filler: int = 0) -> bytes:
    head, filler, tail = _pdf_parts(lines, filler)
    return head + b" " * filler + tail


def padded_pdf(lines: list[str], size: int) -> bytes:
    """Return a valid one-page PDF showing ``lines``, padded to ``size`` bytes.

    A ``size`` below the unpadded size returns the unpadded document.
    """
    return _pdf_bytes(lines, max(0, size - _pdf_size(lines, 0)))


def _png_bytes() -> bytes:
    """Return a valid 2x2 grey PNG image."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        checksum = zlib.crc32(kind + data)
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", checksum)

    header = struct.pack(">IIBBBBB", 2, 2, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"\x00\x80\x80" * 2)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", pixels)
        + chunk(b"IEND", b"")
    )


def _resume_content(kind: str, candidate_name: str, job_name: str) -> bytes:
    lines = _resume_lines(candidate_name, job_name)
    if kind == "pdf":
        return _pdf_bytes(lines)
    if kind == "txt":
        return ("\n".join(lines) + "\n").encode("utf-8")
    if kind == "png":
        return _png_bytes()
    raise ValueError(f"Invalid resume kind {kind!r}: expected pdf, txt or png.")


def resume_bytes(application: Application) -> bytes:
    """Build the content of an application's resume.

    The result is ``application.resume.size`` bytes long and the same on
    every call. An oversized resume allocates its 10 MB only here. Raises
    ``ValueError`` when the application has no resume.
    """
    resume = application.resume
    if resume is None:
        raise ValueError(f"Application {application.id} has no resume.")
    if resume.kind == "oversized_pdf":
        lines = _resume_lines(resume.candidate_name, resume.job_name)
        filler = _oversized_filler(resume, lines)
        return _pdf_bytes(lines, filler)
    return _resume_content(resume.kind, resume.candidate_name, resume.job_name)


def _oversized_filler(resume: Resume, lines: list[str]) -> int:
    """Return the filler length that gives an oversized PDF its stored size.

    The file grows by one byte per filler byte, plus a byte whenever a length
    or offset that it spells out gains a digit. Stepping by the remaining
    difference therefore reaches the size in a few rounds.
    """
    filler = resume.size - _pdf_size(lines, 1) + 1
    for _ in range(10):
        difference = resume.size - _pdf_size(lines, filler)
        if difference == 0:
            return filler
        filler += difference
    raise AssertionError(
        f"Internal error: no filler length gives a PDF of {resume.size} bytes."
    )


# --- Command line ------------------------------------------------------------


def _summarize(dataset: Dataset) -> list[str]:
    people = dataset.people
    applications = dataset.applications
    per_person = [0] * len(people)
    for application in applications:
        per_person[application.person_index] += 1

    resume_kinds: dict[str, int] = {}
    for application in applications:
        if application.resume:
            kind = application.resume.kind
            resume_kinds[kind] = resume_kinds.get(kind, 0) + 1
    stages = {stage: 0 for stage in ODOO_STAGES}
    for application in applications:
        stages[application.stage_name] += 1

    return [
        f"applications: {len(applications)}",
        f"people: {len(people)}",
        f"people with several applications: {sum(n > 1 for n in per_person)}",
        f"people without email: {sum(p.email is None for p in people)}",
        f"people with a malformed email: {sum(p.email_malformed for p in people)}",
        f"people without a name: {sum(not p.full_name for p in people)}",
        f"messages: {sum(len(a.messages) for a in applications)}",
        f"refused applications: {sum(a.refused for a in applications)}",
        "resumes: "
        + ", ".join(
            f"{kind} {number}" for kind, number in sorted(resume_kinds.items())
        ),
        "stages: " + ", ".join(f"{stage} {number}" for stage, number in stages.items()),
    ]


def main(argv: list[str] | None = None) -> int:
    """Generate a dataset and print its summary counts and the time taken."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument(
        "--count", type=int, default=1000, help="number of applications (default 1000)"
    )
    parser.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    parser.add_argument(
        "--malformed-email-ratio",
        type=float,
        default=0.02,
        help="chance that a person's email is malformed, 0 to 1 (default 0.02)",
    )
    parser.add_argument(
        "--missing-name-ratio",
        type=float,
        default=0.005,
        help="chance that a person has no name, 0 to 1 (default 0.005)",
    )
    args = parser.parse_args(argv)

    started = time.perf_counter()
    try:
        dataset = generate(
            args.count, args.seed, args.malformed_email_ratio, args.missing_name_ratio
        )
    except ValueError as error:
        parser.error(str(error))
    elapsed = time.perf_counter() - started

    for line in _summarize(dataset):
        print(line)
    print(f"generated in {elapsed:.2f} s")
    try:
        import resource
    except ImportError:  # not available on Windows
        return 0
    # ru_maxrss is in KiB on Linux and includes the interpreter itself.
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory of this process: {peak_mib:.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
