"""Ordinary words: what redaction must not take for a name, a street or a code.

Kept apart from the rules so that every part of the redaction (names, addresses,
registrations) agrees on what an ordinary word is.
"""
from __future__ import annotations

# Words that are never part of a street's name: they keep "I have 2 questions about the way"
# and "3 times on the road" out of [ADDRESS].
NOT_STREET_NAME = frozenset(
    """a an the my your our his her their its this that these those of for to in on at by
    with from about into over under and or but so as is are was were be been i you we they
    me us them it he she please days weeks months years times copies questions people
    children kids minutes hours letters emails requests records files pages more less
    different other same any some all no one two three""".split()
)

# Words people capitalise that are not names: without them "Council Tax" and "Subject
# Access Request" would turn into [NAME]. Kept in lower case.
COMMON_WORDS = frozenset(
    """
    a about access account act actually address adult after again ago all also am an and
    another any anyone anything appeal apply are as ask asked asking at authority away back
    badge be because been before being benefit benefits best bin bins birth blue borough
    both but by call called calling can cannot care case cases certificate change changed
    check child children city claim click cold collection come commissioner complain
    complaint confused contact cookie cookies copy correct could council councils counter
    county court customer data date day days dear december delete department details did
    district do document documents does done dont dpo driving each education electoral
    else email emails england environmental erase erasure even ever every everything
    evening february fee fees file files find fine first for form forms freedom friday from
    gdpr general get getting give go going good government great had hall happy has have
    having health hello help her here hey hi him his hold holds home hospital hours house
    housing how however i ico if im in info information inform internal into is it its
    january july june just keep kind know last later leave legal let letter library licence
    like live local look looking lost made madam make making many march marketing may me
    mean members might monday month months more morning most much must my name need needs
    new news newsletter night no north not notice now number october of office officer ok
    okay on once one online only or order other our out over own parking pay payment people
    personal phone planning please police policy portal post privacy problem protection
    provide public put question questions rather really received record records refuse
    register regulation reply report request requested requests review right rights road
    saturday school schools see send sent september service services she should sir so
    social some someone something sorry south still street subject sunday support sure
    system take talk tax team tell thank thanks that the their them then there these they
    thing things this those through thursday time to today told tomorrow too town tuesday
    uk under understand unhappy until up update urgent us use used very want wanted was
    way we website wednesday week weeks welcome well were west what when where which who
    why will wish with without wondering work would wrong year years yes yesterday you
    your
    skip cancel stop prefer explain pardon unknown none nothing same above changed never
    married divorced anonymous
    easter christmas whitsun boxing sterling
    neighbour neighbours colour favour behaviour centre
    national insurance nino nat ins spelt spelled misspelt incorrect different community
    centre center library zoo market port advice citizens guardian analytics google
    information risk owner senior officer panel lifestyle leisure museum theatre
    hospital surgery clinic
    it's i'm i've i'd that's what's there's don't can't won't doesn't isn't didn't you're
    we're they're he's she's let's
    """.split()
)

# Street types after a street's name ("Acacia Avenue", "Bishops Wk", "Victoria Pathway").
STREET_TYPES = (
    r"(?:road|rd|street|st|lane|ln|avenue|ave|close|cl|drive|dr|way|crescent|cres|court|ct|"
    r"place|pl|gardens|gdns|grove|gr|terrace|terr|square|sq|hill|park|view|walk|row|mews|rise|"
    r"green|parade|boulevard|mount|vale|bank|fields|meadow|meadows|wharf|yard|cottages|"
    r"villas|croft|chase|heights|approach|glade|wynd|broadway|promenade|quay|gate|brow|"
    r"end|side|hollow|dell|fold|garth|nook|ride|cross|passage|alley|arcade|market|"
    r"pavement|highway|spinney|copse|common|orchard|pastures|paddock|paddocks|ridge|ridgeway|"
    r"field|glen|grange|hey|leys|lea|estate|precinct|circus|circle|loop|drove|dene|holme|"
    r"esplanade|embankment|sidings|link|links|ct|av|wk|pathway|path)"
)
