"""Tests for the recruitment data generator in ``tools/datagen.py``."""

import collections
import dataclasses
import datetime as dt
import re
import sys
import tracemalloc
import zlib
from pathlib import Path

import pytest
from linkedin.mapping import is_valid_email, source_category

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools"))

import datagen

END = dt.datetime(2025, 6, 30)


@pytest.fixture(scope="module")
def dataset():
    return datagen.generate(5000, seed=7, end=END)


@pytest.fixture(scope="module")
def many_people():
    """People behind 20,000 applications, enough to measure small shares."""
    return datagen.generate(20000, seed=3, end=END).people


def applications_by_person(dataset):
    grouped = collections.defaultdict(list)
    for application in dataset.applications:
        grouped[application.person_index].append(application)
    return grouped


def resumes_of_kind(dataset, kind):
    return [
        application
        for application in dataset.applications
        if application.resume and application.resume.kind == kind
    ]


def check_pdf_structure(data):
    """Check that startxref points at the xref table and each entry at its object."""
    assert data.startswith(b"%PDF-")
    assert data.endswith(b"%%EOF")

    startxref = int(re.search(rb"startxref\n(\d+)\n%%EOF$", data).group(1))
    assert data[startxref:].startswith(b"xref\n")
    table = data[startxref:].split(b"trailer")[0].splitlines()
    first, count = map(int, table[1].split())
    entries = table[2 : 2 + count]
    assert first == 0
    assert len(entries) == count
    assert entries[0] == b"0000000000 65535 f "
    for number, entry in enumerate(entries[1:], start=1):
        assert len(entry) + 1 == 20  # each entry is 20 bytes with its newline
        offset = int(entry[:10])
        assert entry.endswith(b" 00000 n ")
        assert data[offset:].startswith(b"%d 0 obj\n" % number)


def test_generate_is_deterministic():
    first = datagen.generate(800, seed=11, end=END)
    second = datagen.generate(800, seed=11, end=END)
    assert first == second


def test_generate_seed_changes_output():
    first = datagen.generate(200, seed=1, end=END)
    second = datagen.generate(200, seed=2, end=END)
    assert first.people != second.people


def test_generate_resume_bytes_deterministic(dataset):
    application = resumes_of_kind(dataset, "pdf")[0]
    assert datagen.resume_bytes(application) == datagen.resume_bytes(application)


def test_application_count_and_ids(dataset):
    applications = dataset.applications
    assert len(applications) == 5000
    assert [a.id for a in applications] == list(range(1, 5001))
    dates = [a.create_date for a in applications]
    assert dates == sorted(dates)


def test_application_references_are_valid(dataset):
    for application in dataset.applications:
        assert 0 <= application.person_index < len(dataset.people)
        assert 0 <= application.job_index < len(dataset.jobs)


def test_generate_zero_count():
    empty = datagen.generate(0, end=END)
    assert empty.applications == ()
    assert empty.people == ()


@pytest.mark.parametrize(
    "arguments",
    [
        {"count": -1},
        {"count": 10, "malformed_email_ratio": 1.5},
        {"count": 10, "missing_name_ratio": -0.1},
        {"count": 10, "bad_resume_ratio": 2},
    ],
)
def test_generate_invalid_arguments(arguments):
    with pytest.raises(ValueError):
        datagen.generate(end=END, **arguments)


def test_applications_per_person_average(dataset):
    average = len(dataset.applications) / len(dataset.people)
    assert 1.2 <= average <= 1.4


def test_repeat_applicants_share_email(dataset):
    grouped = applications_by_person(dataset)
    repeat = [apps for apps in grouped.values() if len(apps) > 1]
    assert len(repeat) > 300
    assert any(len(apps) == 3 for apps in repeat)

    shared = 0
    for applications in repeat:
        person = dataset.people[applications[0].person_index]
        if person.email is None:
            continue
        emails = {
            application.email_from.strip().lower() for application in applications
        }
        assert emails == {person.email.lower()}
        shared += 1
    assert shared > 250


def test_repeat_applicant_jobs_differ(dataset):
    for applications in applications_by_person(dataset).values():
        jobs = [application.job_index for application in applications]
        assert len(jobs) == len(set(jobs))


def test_email_case_variants_exist(dataset):
    variants = [
        application
        for application in dataset.applications
        if application.email_from
        and application.email_from != dataset.people[application.person_index].email
    ]
    assert variants
    for application in variants:
        person = dataset.people[application.person_index]
        assert application.email_from.lower() == person.email.lower()


def test_malformed_email_share(many_people):
    with_email = [person for person in many_people if person.email is not None]
    malformed = [person for person in with_email if person.email_malformed]
    share = len(malformed) / len(with_email)
    assert 0.015 <= share <= 0.025


def test_malformed_email_ratio_is_honoured():
    people = datagen.generate(3000, seed=5, malformed_email_ratio=0.3, end=END).people
    with_email = [person for person in people if person.email is not None]
    share = sum(person.email_malformed for person in with_email) / len(with_email)
    assert 0.26 <= share <= 0.34


def test_malformed_flag_matches_validation():
    people = datagen.generate(3000, seed=5, malformed_email_ratio=0.3, end=END).people
    for person in people:
        if person.email is None:
            assert not person.email_malformed
        elif person.email_malformed:
            assert not is_valid_email(person.email), person.email
        else:
            assert is_valid_email(person.email), person.email


def test_malformed_email_shapes_vary():
    people = datagen.generate(3000, seed=5, malformed_email_ratio=0.3, end=END).people
    malformed = [person.email for person in people if person.email_malformed]
    assert any(email.endswith("@") for email in malformed)
    assert any(" at " in email for email in malformed)
    assert any("@@" in email for email in malformed)
    assert any("@" not in email for email in malformed)


def test_people_without_email_exist(dataset):
    without = [person for person in dataset.people if person.email is None]
    assert 0.02 <= len(without) / len(dataset.people) <= 0.08


def test_emails_use_reserved_domains(dataset):
    for person in dataset.people:
        if person.email and not person.email_malformed:
            domain = person.email.split("@")[1]
            assert domain in datagen.EMAIL_DOMAINS
    for domain in datagen.EMAIL_DOMAINS:
        assert re.fullmatch(r"([a-z]+\.)?example\.(com|org|net)", domain)


def test_valid_emails_are_unique(dataset):
    emails = [p.email for p in dataset.people if p.email and not p.email_malformed]
    assert len(emails) == len(set(emails))


def test_missing_name_share(many_people):
    missing = [person for person in many_people if not person.full_name]
    assert 0.002 <= len(missing) / len(many_people) <= 0.009
    for person in missing:
        assert person.first_name == ""
        assert person.last_name == ""
        assert person.linkedin_url is None


def test_missing_name_ratio_zero():
    people = datagen.generate(2000, seed=3, missing_name_ratio=0.0, end=END).people
    assert all(person.first_name and person.last_name for person in people)


def test_names_have_accents_and_particles(dataset):
    names = {person.full_name for person in dataset.people}
    assert any(not name.isascii() for name in names)
    assert any(" van " in name or " de " in name for name in names)


def test_name_variants_keep_letters(dataset):
    variants = 0
    for application in dataset.applications:
        full_name = dataset.people[application.person_index].full_name
        if application.partner_name != full_name:
            variants += 1
            # upper() rather than casefold(): "YILMAZ".casefold() loses the
            # dotless "ı" of "Yılmaz", but both sides upper-case alike.
            typed = " ".join(application.partner_name.split()).upper()
            assert typed == full_name.upper()
    assert variants > 100


def test_phone_formats(dataset):
    prefixes = {"GB": "+44", "FR": "+33", "DE": "+49", "ES": "+34", "NL": "+31"}
    for person in dataset.people:
        for number in (person.phone, person.mobile):
            if number is None:
                continue
            assert number.startswith(prefixes[person.country])
            assert re.fullmatch(r"\+\d[\d ]+\d", number)
            assert 11 <= len(number.replace(" ", "")) <= 14


def test_uk_numbers_use_drama_ranges(dataset):
    for person in dataset.people:
        if person.country != "GB":
            continue
        if person.mobile:
            assert person.mobile.replace(" ", "").startswith("+447700900")
        if person.phone:
            assert person.phone.replace(" ", "").startswith("+442079460")


def test_linkedin_urls(dataset):
    urls = [person.linkedin_url for person in dataset.people if person.linkedin_url]
    assert 0.25 <= len(urls) / len(dataset.people) <= 0.45
    for url in urls:
        assert re.fullmatch(
            r"https://www\.linkedin\.com/in/[a-z0-9-]+-[0-9a-f]{8}", url
        )


def test_stage_funnel(dataset):
    counts = collections.Counter(a.stage_name for a in dataset.applications)
    assert set(counts) == set(datagen.ODOO_STAGES)
    new, qualification, first, second, proposal, _ = (
        counts[stage] for stage in datagen.ODOO_STAGES
    )
    assert new > qualification > first > second > proposal


def test_hired_applications_are_not_refused(dataset):
    for application in dataset.applications:
        if application.stage_name == "Contract Signed":
            assert not application.refused


def test_sources_map_to_linkedin_categories():
    for name, _ in datagen.SOURCES:
        assert source_category(name) != "OTHER", name


def test_sources_and_mediums_present(dataset):
    sources = [a.source_name for a in dataset.applications]
    mediums = [a.medium_name for a in dataset.applications]
    assert any(source is None for source in sources)
    assert {source for source in sources if source} <= {n for n, _ in datagen.SOURCES}
    assert any(medium is not None for medium in mediums)
    assert {medium for medium in mediums if medium} <= set(datagen.MEDIUMS)


def test_dates_within_two_years(dataset):
    start = END - dt.timedelta(days=730)
    for application in dataset.applications:
        assert start <= application.create_date <= END
        assert application.create_date <= application.write_date <= END
        assert application.create_date.tzinfo is None


def test_messages_follow_application(dataset):
    for application in dataset.applications:
        dates = [message.date for message in application.messages]
        assert dates == sorted(dates)
        for message in application.messages:
            assert application.create_date <= message.date <= END
            assert message.kind in ("note", "email")
            assert message.body


def test_notes_per_application(dataset):
    counts = collections.Counter(
        sum(message.kind == "note" for message in application.messages)
        for application in dataset.applications
    )
    assert set(counts) == {0, 1, 2, 3}


def test_emailed_applications_start_with_email(dataset):
    emailed = [a for a in dataset.applications if a.arrived_by == "email"]
    manual = [a for a in dataset.applications if a.arrived_by == "manual"]
    assert emailed
    assert manual
    for application in emailed:
        first = application.messages[0]
        assert first.kind == "email"
        assert first.email_from == application.email_from
        assert first.date == application.create_date
    for application in manual:
        for message in application.messages:
            assert message.email_from is None


def test_people_without_email_arrive_manually(dataset):
    for application in dataset.applications:
        if application.email_from is None:
            assert application.arrived_by == "manual"


def test_recruiter_emails_exist(dataset):
    recruiter_emails = [
        message
        for application in dataset.applications
        for message in application.messages
        if message.kind == "email" and message.email_from is None
    ]
    assert recruiter_emails
    assert all(message.subject for message in recruiter_emails)


def test_resume_share(dataset):
    with_resume = [a for a in dataset.applications if a.resume]
    assert 0.35 <= len(with_resume) / len(dataset.applications) <= 0.45
    kinds = collections.Counter(a.resume.kind for a in with_resume)
    assert kinds["pdf"] > kinds["txt"] > kinds["png"]


def test_pdf_resume_structure(dataset):
    for application in resumes_of_kind(dataset, "pdf")[:200]:
        data = datagen.resume_bytes(application)
        assert len(data) == application.resume.size
        assert 300 <= len(data) <= 2000
        assert application.resume.mimetype == "application/pdf"
        assert application.resume.file_name.endswith(".pdf")
        check_pdf_structure(data)


def test_pdf_resume_shows_name(dataset):
    for application in resumes_of_kind(dataset, "pdf")[:200]:
        name = application.resume.candidate_name
        data = datagen.resume_bytes(application)
        try:
            encoded = name.encode("cp1252")
        except UnicodeEncodeError:
            continue
        assert b"(" + encoded + b")" in data


def test_pdf_text_escapes_and_folds():
    assert datagen._pdf_text("a (b) \\") == b"(a \\(b\\) \\\\)"
    assert datagen._pdf_text("Łukasz Yılmaz") == b"(Lukasz Yilmaz)"
    assert datagen._pdf_text("Müller") == b"(M\xfcller)"


def test_txt_resume(dataset):
    application = resumes_of_kind(dataset, "txt")[0]
    data = datagen.resume_bytes(application)
    assert len(data) == application.resume.size
    assert application.resume.mimetype == "text/plain"
    assert application.resume.candidate_name in data.decode("utf-8")


def test_png_resume_is_valid_image(dataset):
    applications = resumes_of_kind(dataset, "png")
    assert len(applications) == round(5000 * 0.002)
    application = applications[0]
    data = datagen.resume_bytes(application)
    assert application.resume.mimetype == "image/png"
    assert application.resume.file_name.endswith(".png")
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(data) == application.resume.size
    ihdr_length = int.from_bytes(data[8:12], "big")
    ihdr = data[12 : 16 + ihdr_length]
    stored_crc = int.from_bytes(data[16 + ihdr_length : 20 + ihdr_length], "big")
    assert zlib.crc32(ihdr) == stored_crc


def test_oversized_resume_is_lazy():
    tracemalloc.start()
    dataset = datagen.generate(2000, seed=7, end=END)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    oversized = resumes_of_kind(dataset, "oversized_pdf")
    assert len(oversized) == 4
    # Holding four 10 MB resumes would need at least 40 MB.
    assert peak < 20 * 1024 * 1024
    for application in oversized:
        resume = application.resume
        assert resume.oversized
        assert resume.size > datagen.RESUME_MAX_BYTES
        for field in dataclasses.fields(resume):
            assert not isinstance(getattr(resume, field.name), (bytes, bytearray))


def test_oversized_resume_bytes_on_demand():
    dataset = datagen.generate(2000, seed=7, end=END)
    application = resumes_of_kind(dataset, "oversized_pdf")[0]
    data = datagen.resume_bytes(application)
    assert len(data) == application.resume.size
    assert len(data) > 10 * 1024 * 1024
    assert application.resume.mimetype == "application/pdf"
    check_pdf_structure(data)


def test_small_resumes_are_not_oversized(dataset):
    for application in dataset.applications:
        if application.resume and application.resume.kind != "oversized_pdf":
            assert not application.resume.oversized


def test_resume_bytes_without_resume(dataset):
    application = next(a for a in dataset.applications if a.resume is None)
    with pytest.raises(ValueError) as error:
        datagen.resume_bytes(application)
    assert str(application.id) in str(error.value)


def test_generate_memory_bound():
    # 5,000 applications within a quarter of the 100 MB budget for 20,000.
    tracemalloc.start()
    datagen.generate(5000, seed=9, end=END)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 25 * 1024 * 1024


def test_main_prints_summary(capsys):
    assert datagen.main(["--count", "50", "--seed", "3"]) == 0
    output = capsys.readouterr().out
    assert "applications: 50" in output
    assert "people: " in output
    assert "resumes: " in output
    assert "generated in " in output


def test_main_rejects_invalid_ratio(capsys):
    with pytest.raises(SystemExit) as error:
        datagen.main(["--count", "5", "--malformed-email-ratio", "2"])
    assert error.value.code == 2
    assert "malformed_email_ratio" in capsys.readouterr().err
