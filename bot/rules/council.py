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
# The two other postal addresses the policy texts give (the council's offices).
OTHER_PUBLISHED_ADDRESSES = (
    "The Portal, Wellington Road, Ellesmere Port, CH65 0BA",
    "58 Nicholas Street, Chester, CH1 2NP",
)

# The Information Commissioner's Office, as the privacy policy's "Where can I get advice?"
# gives it: where a resident may complain (the refusal and fee emails quote it).
ICO_NAME = "Information Commissioner's Office"
ICO_POSTAL_ADDRESS = (
    "Information Commissioner's Office, Wycliffe House, Water Lane, Wilmslow, Cheshire SK9 5AF"
)
ICO_PHONE = "0303 123 1113"
ICO_PHONE_NATIONAL_RATE = "01625 545 745"
ICO_EMAIL = "casework@ico.org.uk"
