"""The council's published contact details, from its privacy policy and rights page.

Kept in one place so every message quoting them agrees (the answers in
data/responses/answers.yml use the same ones; a test checks they appear in the policy).
"""
from __future__ import annotations

COUNCIL_NAME = "Cheshire West and Chester Council"
DPO_EMAIL = "dpo@cheshirewestandchester.gov.uk"
DPO_PHONE = "0752 3515 474"
# The rights page's "Making an individual rights request" section (the texts give three
# postal addresses; see the note in data/responses/answers.yml).
DPO_POSTAL_ADDRESS = (
    "Data Protection Officer, Cheshire West and Chester Council, 4 Civic Way, "
    "Ellesmere Port, CH65 0BE"
)
