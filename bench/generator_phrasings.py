"""What generated letters say and how often: the tables of bench/generator.py.

Weights are the shares measured on the 97 real published letters by
bench/real_distributions.py (bench/RESULTS.md, "A generator true to real letters"); where
the real letters show nothing (expedited reviews, older layouts) the figure is a choice and
says so.
"""

from __future__ import annotations

LAYOUTS = {  # real 2016-17 letters are all standard; the older layouts stay for the parser
    "standard": 90,
    "decisions_and_rationales": 6,
    "medical_professional_review": 4,
}
ITEMS_PER_LETTER = {1: 53, 2: 21, 3: 6, 4: 5, 5: 4, 6: 4, 7: 2, 8: 2}  # measured counts
OVERTURNED = 22 / 190  # of items not partly authorized (all 17 partly authorized were upheld)
PARTLY_AUTHORIZED = 17 / 207
EXPEDITED = 0.02  # a choice: none of the 97 real letters is expedited
RECENT_INJURY = 0.3  # a choice: the 97 real letters were collected by injury date (Oct-Dec 2016)
# Days between header dates, measured: min, p10, p25, median, p75, p90, max.
DAYS_INJURY_TO_UR = (4, 24, 35, 52, 70, 84, 105)
DAYS_UR_TO_APPLICATION = (0, 3, 8, 14, 23, 29, 37)
DAYS_APPLICATION_TO_ASSIGNED = (0, 3, 3, 5, 6, 7, 15)
DAYS_ASSIGNED_TO_DECISION = (22, 22, 24, 27, 30, 35, 39)

CATEGORIES = {  # measured shares of items, in percent (injection 0.5 raised to 1)
    "diagnostic testing": 42,
    "physical medicine": 22,
    "pharmaceutical": 21,
    "evaluation and management": 4.5,
    "durable medical equipment": 3.5,
    "other": 3,
    "surgery": 3,
    "injection": 1,
}
# region: (MTUS complaints book, ODG chapter)
REGIONS = {
    "lumbar spine": ("Low Back Complaints 2004", "Low Back"),
    "lumbosacral spine": ("Low Back Complaints 2004", "Low Back"),
    "thoracic spine": ("Low Back Complaints 2004", "Low Back"),
    "cervical spine": ("Neck and Upper Back Complaints 2004", "Neck and Upper Back"),
    "right shoulder": ("Shoulder Complaints 2004", "Shoulder"),
    "left shoulder": ("Shoulder Complaints 2004", "Shoulder"),
    "right knee": ("Knee Complaints 2004", "Knee and Leg"),
    "left knee": ("Knee Complaints 2004", "Knee and Leg"),
    "right wrist": ("Forearm, Wrist, and Hand Complaints 2004", "Forearm, Wrist and Hand"),
    "left hand": ("Forearm, Wrist, and Hand Complaints 2004", "Forearm, Wrist and Hand"),
    "right elbow": ("Elbow Complaints 2007", "Elbow"),
    "right foot": ("Ankle and Foot Complaints 2004", "Ankle and Foot"),
}
PAIN = "Chronic Pain Medical Treatment 2016"
# category: [(label template, MTUS book (None: the region's), MTUS section, ODG topic)]
# {region} is a body region, {n} a count that a partly authorized item splits.
SERVICES = {
    "diagnostic testing": [
        ("MRI of the {region} without contrast", None, "Special Studies", "MRI"),
        ("MRI of the {region}", None, "Special Studies", "MRI"),
        ("X-rays of the {region}", None, "Special Studies", "X-ray"),
        ("CT scan of the head", "General Approaches 2004", "Special Studies", "CT"),
        ("EMG/NCV of the bilateral lower extremities", "Low Back Complaints 2004",
         "Special Studies", "Electrodiagnostic testing (EMG/NCS)"),
        ("EMG/NCS of the bilateral upper extremities", "Neck and Upper Back Complaints 2004",
         "Special Studies", "Electrodiagnostic testing (EMG/NCS)"),
        ("Nerve conduction study of the left upper extremity",
         "Neck and Upper Back Complaints 2004", "Special Studies", "Nerve conduction studies"),
        ("Urine drug testing", PAIN, "Drug testing", "Urine drug testing (UDT)"),
        ("Functional capacity evaluation", "General Approaches 2004", "Work-Relatedness",
         "Functional capacity evaluation (FCE)"),
        ("Comprehensive psychological testing", PAIN, "Psychological evaluations",
         "Psychological testing"),
        ("Pre-op labs: CBC", "General Approaches 2004", "Initial Care", "Preoperative lab testing"),
        ("Electrocardiogram", "General Approaches 2004", "Initial Care",
         "Preoperative electrocardiogram (ECG)"),
    ],
    "physical medicine": [
        ("Physical therapy {n} sessions for the {region}", PAIN, "Physical medicine treatment",
         "Physical therapy"),
        ("Additional physical therapy {n} visits for the {region}", PAIN,
         "Physical medicine treatment", "Physical therapy"),
        ("Chiropractic treatment {n} sessions for the {region}", PAIN,
         "Manual therapy & manipulation", "Manipulation"),
        ("Chiropractic spinal manipulation times {n}", PAIN, "Manual therapy & manipulation",
         "Manipulation"),
        ("Acupuncture {n} sessions for the {region}", "Acupuncture Treatment 2007", "",
         "Acupuncture"),
        ("Occupational therapy for {n} sessions", PAIN, "Physical medicine treatment",
         "Physical/Occupational therapy"),
        ("Electrical stimulation times {n}", PAIN, "Transcutaneous electrotherapy",
         "Electrical stimulation"),
        ("Shockwave therapy for the {region}", PAIN, "Physical medicine treatment",
         "Extracorporeal shock wave therapy (ESWT)"),
        ("Aquatic therapy {n} sessions", PAIN, "Aquatic therapy", "Aquatic therapy"),
        ("Functional restoration program", PAIN, "Functional restoration programs (FRPs)",
         "Functional restoration programs"),
    ],
    "evaluation and management": [
        ("Follow up office visit times {n}", "General Approaches 2004", "Follow-up Visits",
         "Office visits"),
        ("Pre-op Clearance", "General Approaches 2004", "Initial Care", "Preoperative testing"),
        ("Consultation with a pain management specialist", PAIN, "Introduction",
         "Office visits"),
        ("Medication management consultation", PAIN, "Introduction", "Office visits"),
        ("Spine surgery evaluation for the {region}", None, "Surgical Considerations",
         "Office visits"),
    ],
    "durable medical equipment": [
        ("TENS unit, 30 day rental", PAIN, "Transcutaneous electrotherapy", "TENS"),
        ("Lumbar support brace", "Low Back Complaints 2004", "Physical Methods", "Lumbar supports"),
        ("Hot/cold therapy unit", "Shoulder Complaints 2004", "Initial Care",
         "Continuous-flow cryotherapy"),
        ("Shoulder sling with abduction pillow", "Shoulder Complaints 2004", "Initial Care",
         "Postoperative abduction pillow sling"),
        ("Wrist brace", "Forearm, Wrist, and Hand Complaints 2004", "Initial Care", "Splints"),
        ("Hospital bed rental", "General Approaches 2004", "Initial Care",
         "Durable medical equipment (DME)"),
    ],
    "other": [
        ("Gym membership", PAIN, "Exercise", "Gym memberships"),
        ("Biofeedback {n} sessions", PAIN, "Biofeedback", "Biofeedback"),
        ("Home health aide 4 hours a day", PAIN, "Home health services", "Home health services"),
        ("Hygiene wipes", "General Approaches 2004", "Initial Care",
         "Durable medical equipment (DME)"),
    ],
    "surgery": [
        ("Right knee arthroscopy with partial meniscectomy", "Knee Complaints 2004",
         "Surgical Considerations", "Meniscectomy"),
        ("Left shoulder arthroscopy with subacromial decompression", "Shoulder Complaints 2004",
         "Surgical Considerations", "Surgery for impingement syndrome"),
        ("Right carpal tunnel release", "Forearm, Wrist, and Hand Complaints 2004",
         "Surgical Considerations", "Carpal tunnel release surgery (CTR)"),
        ("Lumbar laminectomy at L4-5", "Low Back Complaints 2004", "Surgical Considerations",
         "Discectomy/laminectomy"),
    ],
    "injection": [
        ("Lumbar epidural steroid injection at L4-5", PAIN, "Epidural steroid injections (ESIs)",
         "Epidural steroid injections (ESIs)"),
        ("Cervical facet injection C5-6", "Neck and Upper Back Complaints 2004", "Initial Care",
         "Facet joint diagnostic blocks"),
        ("Right knee cortisone injection", "Knee Complaints 2004", "Initial Care",
         "Corticosteroid injections"),
        ("Trigger point injections times {n}", PAIN, "Trigger point injections",
         "Trigger point injections"),
    ],
}  # fmt: skip
SESSIONS = [6, 8, 10, 12, 18, 24]
DRUG_SECTIONS = {  # drug class: (MTUS book, section, ODG topic)
    "opioid": ("Opioid Treatment 2016", "3.3.9 Opioids for Chronic Pain and Chronic Opioid "
               "Treatment: Maintenance of Chronic Opioid Treatment", "Opioids"),
    "muscle relaxant": (PAIN, "Muscle relaxants (for pain)", "Muscle relaxants (for pain)"),
    "nsaid": (PAIN, "NSAIDs (non-steroidal anti-inflammatory drugs)", "NSAIDs"),
    "anticonvulsant": (PAIN, "Antiepilepsy drugs (AEDs)", "Anti-epilepsy drugs (AEDs)"),
    "proton pump inhibitor": (PAIN, "NSAIDs, GI symptoms & cardiovascular risk",
                              "Proton pump inhibitors (PPIs)"),
    "antidepressant": (PAIN, "Antidepressants for chronic pain", "Antidepressants"),
    "topical analgesic": (PAIN, "Topical analgesics", "Topical analgesics"),
    "sleep aid": (PAIN, "Medications for chronic pain", "Insomnia treatment"),
}  # fmt: skip
DRUG_DEFAULT = (PAIN, "Medications for chronic pain", "Medications for chronic pain")
COMMON_CLASSES = set(DRUG_SECTIONS)

# The reviewer's guideline line ("MAXIMUS guideline:"), measured shares of items.
REVIEWER_PHRASINGS = {
    "mtus_sections": 66.2,
    "outside_odg": 13.0,
    "mtus_and_odg": 11.1,
    "no_evidence": 6.8,
    "outside_other": 1.4,
    "mtus_plain": 1.4,
}
CLAIMS_PHRASINGS = {
    "mtus_sections": 28.0,
    "mtus_and_odg": 24.6,
    "no_evidence": 20.8,
    "outside_odg": 16.4,
    "mtus_plain": 10.1,
}
OTHER_CITATIONS = [  # (citation after "Non-MTUS Citation", guideline source)
    ("ACOEM Occupational Medicine Practice Guidelines, 3rd ed., Chapter 9, pg. 64", "acoem"),
    ("Drug information, accessed from UpToDate.com", "other"),
    ("What is an electrocardiogram? National Heart, Lung, and Blood Institute", "other"),
]

# Case summary openings (letters, measured); {age} {sex} {doi} {complaint}.
OPENINGS = [
    ("The injured worker is a {age} year old {sex}, who sustained an industrial injury on "
     "{doi}.", 40),
    ("The injured worker is a {age} year old {sex} who sustained an industrial injury on "
     "{doi}.", 12),
    ("The injured worker is a(n) {age} year old {sex}, who sustained a work related injury on "
     "{doi}.", 5),
    ("The injured worker is a {age}-year-old {sex}, with a reported date of injury of {doi}.", 3),
    ("This case involves a now {age}-year-old {sex} with a history of an occupational claim "
     "from {doi}.", 27),
    ("The applicant is a {age}-year-old {sex} who has filed a claim for {complaint} "
     "reportedly associated with an industrial injury of {doi}.", 4),
    ("This is a {age} year old {sex} with a date of injury on {doi}.", 3),
    ("According to medical records available for review, the injured worker is a {age} year "
     "old {sex}, who sustained an industrial injury on {doi}.", 2),
    ("This injured worker is a {age} year old {sex} who reported an industrial injury on "
     "{doi}.", 4),
]  # fmt: skip
# Diagnosis sentences (letters, measured; the 8% that state none are left out, as a letter
# without a diagnosis is a parse warning). {dx} is "a", "a and b" or "a, b and c".
DIAGNOSIS_SENTENCES = [
    ("Medical records indicate the worker is undergoing treatment for {dx}.", 17),
    ("The injured worker is undergoing treatments for {dx}.", 12),
    ("The current diagnosis is documented as {dx}.", 26),
    ("Diagnoses include {dx}.", 8),
    ("The diagnoses included {dx}.", 5),
    ("The injured worker was diagnosed as having {dx}.", 8),
    ("The injured worker has a diagnosis that include {dx}.", 4),
    ("The injured worker was diagnosed with {dx}.", 4),
    ("The injured worker has a diagnosis of {dx}.", 3),
    ("The injured worker was being treated for the diagnoses of {dx}.", 2),
    ("The diagnoses are {dx}.", 2),
]
DIAGNOSES = [
    "lumbar radiculopathy", "cervical strain", "chronic low back pain", "carpal tunnel syndrome",
    "rotator cuff tendinitis", "knee osteoarthritis", "myofascial pain syndrome",
    "major depressive disorder", "sleep disturbance", "lumbar disc displacement",
    "shoulder impingement",
    "right shoulder contusion", "lumbar sprain", "thoracic strain", "cervical radiculopathy",
    "right knee internal derangement", "left wrist sprain", "lateral epicondylitis",
    "sacroiliac joint dysfunction", "post-traumatic headaches", "right foot pain",
    "medial meniscus tear", "neck sprain", "bilateral hand paresthesias",
]  # fmt: skip
# What a worker complains of; "The applicant ... has filed a claim for {complaint}" letters
# state no other diagnosis, and the claim stands for it.
COMPLAINTS = [
    "low back pain", "neck and arm pain", "shoulder pain", "knee pain", "hand pain",
    "wrist pain", "elbow pain", "foot pain", "headaches", "neck and low back pain",
]  # fmt: skip
# Treatment to date: (phrase, chance a summary names it), tuned so that generated summaries
# mention each about as often as real ones do (RESULTS.md).
HISTORY = [
    ("physical therapy", 0.40), ("medications", 0.20), ("medication management", 0.22),
    ("diagnostic imaging", 0.15), ("chiropractic care", 0.05), ("acupuncture", 0.04),
    ("a home exercise program", 0.05), ("activity modification", 0.12), ("rest", 0.08),
    ("ice and heat", 0.06), ("modified duty", 0.02), ("injections", 0.02), ("surgery", 0.05),
    ("a TENS unit", 0.01), ("bracing", 0.04), ("psychotherapy", 0.03),
]  # fmt: skip
# Further sentences a summary may have: (sentence, chance); {region} {date} {finding}.
MORE = [
    ("An MRI of the {region} dated {date} revealed {imaging}.", 0.30),
    ("X-rays of the {region} revealed {imaging}.", 0.05),
    ("The injured worker is on temporary total disability.", 0.15),
    ("The injured worker is working with no lifting over 10 pounds.", 0.10),
    (
        "The injured worker reported that the pain radiates and worsens with prolonged sitting, "
        "standing and walking.",
        0.35,
    ),
    ("The treating physician noted that the injured worker has not returned to work.", 0.2),
    (
        "At the follow-up visit on {date}, the injured worker reported no significant change in "
        "symptoms.",
        0.3,
    ),
]
IMAGING = ["a disc protrusion with mild foraminal narrowing", "degenerative changes",
           "no acute fracture", "a partial thickness tear", "mild joint effusion",
           "multilevel disc desiccation"]  # fmt: skip
FINDINGS = [
    "decreased and painful lumbar range of motion", "tenderness to palpation of the cervical "
    "paraspinal muscles", "a positive Hawkins impingement sign", "palpable spasm of the lumbar "
    "paraspinal muscles", "decreased sensation in the right C6 dermatome", "a positive straight "
    "leg raise on the left", "medial joint line tenderness of the knee", "a positive Tinel's "
    "sign at the wrist", "an antalgic gait", "motor strength of 4+ out of 5 with abduction",
]  # fmt: skip

# Reviewer credentials. States: measured shares of letters naming each (California 64%).
STATES_PER_LETTER = {1: 39, 2: 36, 3: 25}
CALIFORNIA = 0.64
OTHER_STATES = {
    ("Texas", "TX"): 22, ("New York", "NY"): 11, ("Florida", "FL"): 11,
    ("North Carolina", "NC"): 10, ("Arizona", "AZ"): 9, ("Ohio", "OH"): 7,
    ("New Jersey", "NJ"): 5, ("South Carolina", "SC"): 4, ("Pennsylvania", "PA"): 4,
    ("West Virginia", "WV"): 4, ("Missouri", "MO"): 3, ("Iowa", "IA"): 3, ("Montana", "MT"): 3,
    ("Washington", "WA"): 2, ("Maryland", "MD"): 2, ("Virginia", "VA"): 2, ("Illinois", "IL"): 2,
    ("Oregon", "OR"): 1, ("Utah", "UT"): 1, ("Colorado", "CO"): 1,
}  # fmt: skip
# Specialty lines as written (measured letters), with the canonical names they stand for.
SPECIALTY_LINES = [
    ("Family Practice", 26), ("Preventive Medicine, Occupational Medicine", 20),
    ("Physical Medicine & Rehabilitation, Pain Management", 10),
    ("Physical Medicine & Rehabilitation", 5),
    ("Preventive Medicine, Occupational Medicine, Medical Toxicology", 4),
    ("Preventive Medicine, Occupational Medicine, Family Practice", 3),
    ("Anesthesiology, Pain Management", 3), ("Emergency Medicine", 3),
    ("Orthopedic Surgery, Sports Medicine", 3), ("Internal Medicine", 2),
    ("Neurology, Pain Management", 2), ("Internal Medicine, Hospice & Palliative Medicine", 2),
    ("Family Practice, Sports Medicine", 1), ("Psychiatry", 1), ("Neurological Surgery", 1),
    ("Chiropractor", 1), ("Orthopedic Surgery", 1),
]  # fmt: skip
CANONICAL_SPECIALTY = {"Chiropractor": "Chiropractic"}

MADE = (
    "MAXIMUS Federal Services sent the complete case file to an expert reviewer. He/she has no "
    "affiliation with the employer, employee, providers or the claims administrator. He/she has "
    "been in active clinical practice for more than five years and is currently working at least "
    "24 hours a week in active practice. The expert reviewer was selected based on his/her "
    "clinical experience, education, background, and expertise in the same or similar "
    "specialties that evaluate and/or treat the medical condition and disputed items/Service."
)
RATIONALE_OPENINGS = [
    "According to the {book}, {thing} is recommended only when {condition}.",
    "The California MTUS guidelines state that {thing} is recommended as an option when "
    "{condition}.",
    "The Official Disability Guidelines indicate that {thing} should be reserved for patients "
    "in whom {condition}.",
    "Guidelines recommend an initial trial of {thing} with documentation of objective "
    "functional improvement before continued use.",
    "CA MTUS/ACOEM Guidelines support {thing} when there are red flags or {condition}.",
]
CONDITIONS = [
    "there is documented objective functional improvement",
    "conservative treatment has failed for at least six weeks",
    "neurologic findings on examination are corroborated by imaging",
    "the patient has returned to work or has improved function and pain",
    "pain relief of at least 50 percent is documented",
    "there are unequivocal objective findings that identify specific nerve compromise",
]
RATIONALE_FINDINGS = [
    "The medical records do not describe any meaningful functional improvement attributable to "
    "{thing}.",
    "There is no documentation of objective functional improvement or a reduction in pain scores.",
    "Efficacy appears to diminish over time, and prolonged use may lead to dependence.",
    "The injured worker has used {thing} for {months} months without documented benefit.",
    "The treating physician documented a specific benefit and improved activities of daily "
    "living with {thing}.",
    "A trial of conservative care including {conservative} has failed.",
    "There is no evidence of any red flag conditions.",
    "The request exceeds the number of visits recommended by the guidelines.",
    "Neuropathic pain with radicular symptoms was documented on examination.",
    "Pain is rated {pain} out of 10 with treatment and {pain_high} out of 10 without it.",
    "There is no documentation of the claimant's willingness to consider surgical intervention "
    "based on the outcome of the study.",
    "The progress report of {visit} documents tenderness and a reduced range of motion.",
    "Prior sessions produced temporary relief lasting less than {weeks} weeks.",
    "Given the lack of extenuating circumstances to deviate from guidelines, the request cannot "
    "be supported.",
]
CONSERVATIVE = ["physical therapy", "medications", "rest", "ice", "NSAIDs", "activity modification",
                "a home exercise program", "chiropractic care", "bracing"]  # fmt: skip
