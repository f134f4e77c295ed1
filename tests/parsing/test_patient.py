from __future__ import annotations

from datetime import date

import pytest

from determinations.parsing import patient

TODAY = date(2026, 11, 23)


@pytest.mark.parametrize(
    ("summary", "age", "sex"),
    [
        ("The injured worker is a 63-year-old female who sustained", 63, "female"),
        ("The injured worker is a 54 year old male who", 54, "male"),
        ("This 45-year-old woman reports", 45, "female"),
        ("The patient, aged 47, states that he has pain. His medications help.", 47, "male"),
        ("The claimant reports that she is worse. Her pain is 8/10.", None, "female"),
        ("The claimant has pain in the low back.", None, ""),
        ("A 2-year-old complaint; no age given. Pain management is ongoing.", None, ""),
    ],
)
def test_age_and_sex(summary, age, sex):
    assert patient.patient_age(summary) == age
    assert patient.patient_sex(summary) == sex


@pytest.mark.parametrize(
    ("summary", "injury"),
    [
        ("sustained an industrial injury on 11/1/1998 resulting in pain", date(1998, 11, 1)),
        ("This is a patient with a date of injury of 3/15/10. A utilization", date(2010, 3, 15)),
        ("injury to his lower back after a motor vehicle accident on 3/9/2005.", date(2005, 3, 9)),
        ("She was injured at work on March 5, 2012 while lifting.", date(2012, 3, 5)),
        ("Report dated 03/23/2015 noted pain.", None),
    ],
)
def test_date_of_injury(summary, injury):
    assert patient.date_of_injury(summary, TODAY) == injury


@pytest.mark.parametrize(
    ("summary", "ur_date"),
    [
        ("A utilization review determination dated 4/19/14 recommends", date(2014, 4, 19)),
        ("A utilization review decision 10/07/2015 non-certified the", date(2015, 10, 7)),
        ("The UR dated 5/1/2015 denied the request.", date(2015, 5, 1)),
        ("Utilization review non-certified the request. On 6/1/2015 he", None),
    ],
)
def test_ur_decision_date(summary, ur_date):
    assert patient.ur_decision_date(summary, TODAY) == ur_date


@pytest.mark.parametrize(
    ("summary", "diagnoses"),
    [
        (
            "She was diagnosed with chronic back pain; status post lumbar fusion; and, "
            "status post bone stimulator implantation. Recent treatment",
            [
                "chronic back pain",
                "status post lumbar fusion",
                "status post bone stimulator implantation",
            ],
        ),
        (
            "Current diagnoses include acute exacerbation of low back pain and lumbar "
            "radiculopathy. Previous treatments",
            ["acute exacerbation of low back pain", "lumbar radiculopathy"],
        ),
        (
            "His diagnoses, and/or impressions, include neuropathy; permanent and stationary; "
            "and depression. No recent",
            ["neuropathy", "permanent and stationary", "depression"],
        ),
        (
            "Diagnoses: cervical strain, lumbar strain and insomnia.",
            ["cervical strain", "lumbar strain", "insomnia"],
        ),
        (
            "A review of the medical records indicates that the injured worker (IW) is "
            "undergoing treatment for contusion to the head, neck strain, and right hand "
            "contusion. Medical records (11-01-2016 to 11-21-2016) noted ongoing headaches.",
            ["contusion to the head", "neck strain", "right hand contusion"],
        ),
        (
            "The injured worker is undergoing treatments for: right shoulder tendinitis.",
            ["right shoulder tendinitis"],
        ),
        (
            "The injured worker was diagnosed as having lumbar radiculitis and lumbar sprain.",
            ["lumbar radiculitis", "lumbar sprain"],
        ),
        (
            "A review of the medical records shows the injured worker has diagnosis that "
            "include tenosynovitis right wrist, and carpal tunnel syndrome right wrist.",
            ["tenosynovitis right wrist", "carpal tunnel syndrome right wrist"],
        ),
        (
            "The patient's current diagnosis is documented as umbilical hernia without "
            "obstruction or gangrene.",
            ["umbilical hernia without obstruction or gangrene"],
        ),
        ("The current diagnosis is lumbar spine sprain/strain.", ["lumbar spine sprain/strain"]),
        (
            "Diagnoses, and-or impressions, were noted to include: low back injury; "
            "lumbosacral pain; and sacroiliac joint sprain.",
            ["low back injury", "lumbosacral pain", "sacroiliac joint sprain"],
        ),
        (
            "The applicant is a 63-year-old male who has filed a claim for knee pain "
            "reportedly associated with an industrial injury of October 24, 2016.",
            ["knee pain"],
        ),
        (
            "Medical records indicate the worker is undergoing treatment for cervical, "
            "thoracic and lumbar myoligamentous injury.",
            ["cervical, thoracic and lumbar myoligamentous injury"],
        ),
        ("No diagnosis is given in this summary text", []),
    ],
)
def test_diagnoses(summary, diagnoses):
    assert patient.diagnoses(summary) == diagnoses
