"""Special category data (UK GDPR Article 9 and 10) in a resident's message, by category.

Trainers may see none of it, yet they need to know that a message is *about* such data
(a request about care records from a mental health team is labelled differently from one
about bins). So each phrase becomes the placeholder of its category (``[HEALTH]``,
``[RELIGION]``, ...), not one ``[SPECIAL_CATEGORY]``: the trainer learns the topic, never
the condition, faith or offence.

Each category is a vocabulary (conditions, faiths, parties, unions, offences, ...), not a
list of messages: a term is matched with the small words that belong to it ("had a",
"on", "member of the") and the nouns that complete it ("positive", "member", "couple"), so
that no part of the phrase is left behind. Words that are also ordinary words ("black",
"white", "Green", "Unite", "church", "bi", "MS") are matched only in the shapes that make
them special category ("a black woman", "Green Party", "I'm bi", "I have MS").
"""
from __future__ import annotations

import re
from re import Pattern

HEALTH = "[HEALTH]"
ETHNICITY = "[ETHNICITY]"
RELIGION = "[RELIGION]"
SEXUALITY = "[SEXUALITY]"
GENDER_IDENTITY = "[GENDER_IDENTITY]"
POLITICS = "[POLITICS]"
TRADE_UNION = "[TRADE_UNION]"
OFFENCE = "[OFFENCE]"
BIOMETRIC = "[BIOMETRIC]"
SPECIAL_PLACEHOLDERS = (
    HEALTH, ETHNICITY, RELIGION, SEXUALITY, GENDER_IDENTITY, POLITICS, TRADE_UNION,
    OFFENCE, BIOMETRIC,
)


_FIRST_WORDS: dict[str, frozenset[str]] = {}
_TOKEN = re.compile(r"[a-z0-9+'’]+")


def _trie(phrases: list[str]) -> str:
    """The phrases as one regex shaped like a trie ("hiv", "hiv status" share "hiv"), which
    the regex engine tries in a few steps instead of one phrase after another. Longer
    phrases are tried before the shorter ones they extend."""
    root: dict[str, dict] = {}
    for phrase in phrases:
        node = root
        for char in phrase:
            node = node.setdefault(char, {})
        node[""] = {}

    def emit(node: dict[str, dict]) -> str:
        branches = [
            (r"[\s\-]*" if char == " " else "['’]?" if char == "'" else re.escape(char))
            + emit(child)
            for char, child in sorted(node.items()) if char
        ]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if "" in node:
            return "(?:" + body + ")?"
        return body

    return emit(root)


def _alt(words: str) -> str:
    """A regex alternation of the ``|``-separated phrases, longest first; spaces match any
    run of spaces or a hyphen ("self harm", "self-harm")."""
    phrases = sorted({" ".join(w.split()) for w in words.split("|") if w.strip()})
    regex = "(?:" + _trie(phrases) + ")"
    _FIRST_WORDS[regex] = frozenset(
        max(_TOKEN.findall(p.lower()), key=len) for p in phrases if _TOKEN.findall(p.lower())
    )
    return regex


# Small words that open such a phrase ("had a miscarriage", "on a psychiatric ward").
_LEAD = (
    r"(?:(?:had|(?:on|in)(?:\s+the)?|a|an|(?:a\s+)?member\s+of(?:\s+the)?|use|uses|using|type\s*[12]|"
    r"british|suffer(?:s|ing)?\s+from|diagnosed\s+with|"
    r"severe|mild|chronic|acute|long[\s\-]term|registered|partially|terminally|practising|"
    r"devout|observant|lapsed|non[\s\-]practising|born[\s\-]again|\d+\s+(?:weeks?|months?))\s+)*"
)

_HEALTH_TERMS = _alt(
    """hiv|aids|cancer|leukaemia|leukemia|lymphoma|tumour|tumor|chemo|chemotherapy|
    radiotherapy|diabetes|diabetic|epilepsy|epileptic|seizures|asthma|asthmatic|autism|
    autistic|asperger's|aspergers|adhd|dyslexia|dyslexic|dyspraxia|dyscalculia|dementia|
    alzheimer's|alzheimers|parkinson's|parkinsons|huntington's|huntingtons|
    multiple sclerosis|motor neurone disease|cerebral palsy|sickle cell|cystic fibrosis|
    crohn's|crohns|colitis|lupus|arthritis|fibromyalgia|chronic fatigue|long covid|covid|
    stroke|heart attack|heart condition|heart failure|angina|copd|kidney failure|dialysis|
    transplant|hepatitis|tuberculosis|chlamydia|herpes|syphilis|gonorrhoea|
    depression|depressed|anxiety|panic attacks|ptsd|ocd|bipolar|schizophrenia|schizophrenic|
    psychosis|psychotic|personality disorder|eating disorder|anorexia|anorexic|bulimia|
    bulimic|self harm|self harming|self harmed|suicidal|suicide attempt|attempted suicide|
    overdose|overdosed|breakdown|nervous breakdown|mental health|mental illness|mentally ill|
    sectioned|psychiatric|psychiatrist|antidepressants|antidepressant|antipsychotics|
    lithium|methadone|subutex|heroin|cocaine|crack|addiction|addicted|addict|alcoholic|
    alcoholism|rehab|recovery from|pregnant|pregnancy|miscarriage|miscarried|stillbirth|
    stillborn|abortion|ivf|hysterectomy|mastectomy|vasectomy|menopause|disabled|disability|
    disabilities|learning disability|learning disabilities|wheelchair|wheelchair user|blind|
    visually impaired|partially sighted|deaf|hard of hearing|hearing impaired|non verbal|
    terminally ill|terminal illness|palliative care|hospice|amputee|incontinence|
    incontinent|down's syndrome|downs syndrome|down syndrome|tourette's|tourettes|
    stammer|stutter|brain injury|spina bifida|muscular dystrophy|sti|std|hiv+|
    sertraline|fluoxetine|prozac|citalopram|escitalopram|mirtazapine|venlafaxine|duloxetine|
    amitriptyline|diazepam|valium|lorazepam|zopiclone|pregabalin|gabapentin|tramadol|
    codeine|morphine|oxycodone|fentanyl|quetiapine|olanzapine|risperidone|aripiprazole|
    clozapine|haloperidol|methylphenidate|ritalin|concerta|lisdexamfetamine|elvanse|
    buprenorphine|naltrexone|insulin|metformin|warfarin|statins|levothyroxine|
    propranolol|epipen|inhaler|steroids|hrt|antiretrovirals|antibiotics|
    hip replacement|knee replacement|stoma|colostomy|ileostomy|catheter|pacemaker|
    remission|prematurely|born premature|premature baby|premature birth|postnatal|post natal|
    postpartum|antenatal|midwife|
    expecting a baby|baby is due|c section|caesarean|bad nerves|
    counselling|counsellor|psychotherapy|psychologist|therapy sessions|cbt|camhs|cmht|
    iapt|talking therapies|crisis team|home treatment team|hearing aid|hearing aids|
    mobility scooter|crutches|walking stick|guide dog|prosthetic|prosthetic leg|paralysed|
    paraplegic|tetraplegic|quadriplegic|sight loss|glaucoma|cataracts|macular degeneration|
    tinnitus|migraines|migraine|sciatica|osteoporosis|scoliosis|hernia|endometriosis|pcos|
    infertility|infertile|fertility treatment|sepsis|pneumonia|meningitis|
    shingles|obesity|obese|bariatric|gastric band|gastric bypass|anaemia|anemia|thyroid|
    hypothyroidism|coeliac|celiac|anaphylaxis|eczema|psoriasis|diverticulitis|
    kidney disease|liver disease|cirrhosis|heart surgery|bypass surgery|open heart surgery|
    high blood pressure|hypertension|blood clot|dvt|aneurysm|concussion|head injury|
    spinal injury|amputation|amputated|
    sick note|fit note|off sick|sickness absence|signed off sick|sick leave|
    agoraphobia|agoraphobic|insomnia|trauma|traumatised|burnout|panic attack|
    suicidal thoughts|self harms|self harmer|self injury|suicide|mental breakdown|
    eating disorders|binge eating|drink problem|drinking problem|gambling addiction|
    drug use|drug problem|substance misuse|alcohol dependency|alcohol problem|
    alcoholics anonymous|narcotics anonymous|detox|recovering addict|in recovery|
    autism assessment|adhd assessment|neurodivergent|neurodiverse|learning difficulties|
    learning difficulty|special needs|sensory processing|global developmental delay|
    developmental delay|cleft palate|heart defect|chronic pain|long term illness|
    long term condition|terminal cancer|carcinoma|melanoma|oncology|oncologist|
    radiotherapy|biopsy|mri scan|ct scan|chemo sessions|physiotherapy|occupational therapy|
    speech therapy|wheelchair bound|housebound|bedbound|bed bound|blind in one eye|
    registered blind|deafblind|bsl user|cochlear implant|selective mutism|
    miscarriages|ectopic|stillbirths|hiv status|aids related|bowel cancer|
    breast cancer|prostate cancer|lung cancer|mental health crisis|psychiatric ward|
    mental health act|section 136|care coordinator|asd|adhd meds|
    pernicious anaemia|multiple myeloma|mesothelioma|motor neuron disease|
    ehlers danlos|hypermobility|me cfs|chronic fatigue syndrome|cfs|fibro|
    hiv+|overdosing|pregnant with|expecting twins|baby loss|stammering|
    medical condition|health condition|health conditions|underlying condition|
    underlying health|illness|ill health|chronic illness|serious illness|
    on medication|medication for|medications|prescribed|prescription for|
    medical history|diagnosis|diagnosed|suffers with|suffer with|suffering with|
    low mood|mood disorder|neurological|seizure|blackouts|impairment|impaired|
    hearing loss|vision loss|sight problems|mobility issues|mobility problems|
    maternity leave|having a baby|baby due|weeks gone|morning sickness|
    mental health problems|mental health issues|mental health condition|mentally unwell|
    in hospital with|admitted to hospital|a&e with|intensive care|icu|
    injury|injured|broken leg|broken arm|broken hip|disabled child|disabled son|
    disabled daughter|carer for my disabled|tablets for|injections|jabs|vaccinated|
    unvaccinated|vaccine|vaccination status|covid positive|tested positive|off work sick|ill|
    poorly|unwell|
    heart disease|heart problems|heart problem|heart issues|lung disease|kidney problems|
    liver problems|back problems|bad back|back pain|knee problems|allergies|allergy|
    allergic|nut allergy|thalassaemia|thalassemia|haemophilia|hemophilia|blood disorder|
    bleeding disorder|immunocompromised|immunosuppressed|clinically vulnerable|
    clinically extremely vulnerable|shielding|on oxygen|oxygen tank|cpap|sleep apnoea|
    sleep apnea|prosthesis|visual impairment|visually impaired|speech impediment|
    disfigurement|weight loss surgery|gastric sleeve|renal failure|bed sores|pressure sores|
    end of life care|dnr|dnacpr|blood type|blood group|family history of"""
)
_HEALTH_TAIL = (
    r"(?:[\s\-]+(?:positive|negative|status|diagnosis|treatment|disease|disorder|condition|carrier|"
    r"spectrum|ward|unit|clinic|user|medication|meds|tablets|problems?|issues?|"
    r"episode))*"
)
# Ordinary words in other senses: only in the shape that says a condition.
_POSSESSIVE = r"(?i:(?<=\bmy\s)|(?<=\bhis\s)|(?<=\bher\s)|(?<=\bour\s))"
_HEALTH_SHAPES = [
    _POSSESSIVE + r"(?i:nerves|operation|medication|meds|prescription|diagnosis|condition|"
    r"illness|surgery)\b(?!\s+(?i:records?|letter|form))",
    r"(?i:\b(?:surgery|operation)\s+on\s+(?:my|his|her)\s+(?:\w+))\b",
    r"\b(?:have|has|had|with|got)\s+(?:MS|ME|M\.E\.|IBS|MND|BPD|CFS|TB)\b",
    r"\bHIV\+",
    r"\b(?:have|has|had|got|with|diagnosed\s+with)\s+ms\b(?!\s+[A-Z])",
    r"\b(?:she|wife|partner|girlfriend|daughter|i|we)\s*(?:'s|\s+is|\s+am|'m|\s+are|'re)\s+expecting\b(?!\s+(?:a\s+(?:reply|response|letter|call)|to|you|your|the|an?\s+\w+\s+from))",
]

_RELIGION_TERMS = _alt(
    """muslim|muslims|islam|islamic|christian|christians|christianity|catholic|catholics|
    roman catholic|protestant|anglican|methodist|baptist church|evangelical|pentecostal|
    jehovah's witness|jehovah's witnesses|jehovahs witness|mormon|latter day saints|jewish|
    jew|judaism|hindu|hinduism|sikh|sikhism|buddhist|buddhism|jain|rastafarian|rastafari|
    pagan|wiccan|druid|quaker|quakers|atheist|agnostic|humanist|scientologist|
    mosque|synagogue|gurdwara|mandir|madrasa|madrassa|ramadan|eid|passover|diwali|
    yom kippur|hanukkah|halal|kosher|hijab|niqab|burqa|kippah|my faith|our faith|
    religious beliefs|my religion's|church of england|greek orthodox|russian orthodox|
    vicar|priest|rabbi|imam|pastor|chaplain|nun|monk|minister of religion|parish priest|
    buddhists|atheists|agnostics|humanists|hindus|sikhs|jews|pagans|
    turban|headscarf|head scarf|hijabi|yarmulke|crucifix|rosary|kirpan|
    sabbath|shabbat|baptism|baptised|christened|bar mitzvah|bat mitzvah|
    first holy communion|holy communion|confirmation class|prayer|prayers|pray|praying|
    prayer room|prayer times|friday prayers|jummah|salah|church service|church services|
    kingdom hall|mass on sunday|sunday mass|go to mass|bible study|sunday school|
    religious|faith school|faith community|faith group|
    orthodox jew|orthodox jewish|hasidic|haredi|shia|sunni|ahmadi|ahmadiyya|ismaili|
    hare krishna|iskcon|salvation army|born again|evangelist|
    spiritualist|zoroastrian|bahai|baha'i|temple|vihara|chapel|
    congregation|church elder|elders at|church group|church community|
    christmas mass|easter service|hajj|umrah|pilgrimage|rosh hashanah|vaisakhi|
    c of e|presbyterian|lutheran|coptic|christian scientist|unitarian|
    seventh day adventist|adventist|moravian|episcopalian|shinto|taoist|sufi|salafi|
    deobandi|barelvi|hasid|chabad|lubavitch|reform jew|liberal jew|sikh temple|
    hindu temple|friends meeting house|fasting during|pray five times|
    navratri|holi|kosher diet|halal diet|halal food|quran|koran|bible|torah|gita"""
)
_RELIGION_TAIL = r"(?:[\s\-]+(?:celebrant|meals?|food|diet|leader|imam|priest))*"
_RELIGION_SHAPES = [
    _POSSESSIVE + r"(?:beliefs|religious\s+beliefs)\b",
    r"\b(?:my|our|his|her|their|local)\s+church\b(?!\s+(?:road|street|lane|st|rd|way|"
    r"close|view|walk|hill|green|avenue|terrace|hall|car\s+park)\b)",
    r"\bfasting\s+for\s+ramadan\b",
    r"\b(?:attend|attends|attending|go\s+to|goes\s+to|going\s+to|at|from)\s+(?:the\s+)?"
    r"(?:(?:st\.?|saint)\s+\w+(?:'s)?\s+)?church\b(?!\s+(?:hall|road|street|lane|st|rd|way|close|view|walk|car\s+park))",
    r"\b(?:st\.?|saint)\s+\w+(?:'s)?\s+(?:church|chapel|cathedral|mosque)\b",
    r"\bchurch\s+(?:of|on)\s+[A-Z]\w+",
]

_ETHNICITY_TERMS = _alt(
    """mixed race|mixed heritage|dual heritage|biracial|pakistani|bangladeshi|indian|chinese|
    african|caribbean|nigerian|ghanaian|somali|eritrean|ethiopian|sudanese|kurdish|kurd|
    turkish|arab|iranian|persian|afghan|iraqi|syrian|yemeni|roma|romany|romani|gypsy|
    traveller|travellers|irish traveller|latino|latina|hispanic|filipino|vietnamese|
    bengali|punjabi|gujarati|tamil|sri lankan|nepali|white british|black british|
    british asian|ethnic minority|ashkenazi|sephardi|sephardic|mizrahi|bame|bme|polish|
    romanian|lithuanian|ukrainian|
    zimbabwean|congolese|jamaican|kenyan|ugandan|
    person of colour|people of colour|woman of colour|man of colour|poc|
    asian british|british pakistani|british bangladeshi|british indian|british chinese|
    british african|black african|black caribbean|afro caribbean|west indian|
    east african asian|han chinese|hong konger|portuguese|brazilian|albanian|kosovan|
    czech|slovak|bulgarian|hungarian|latvian|estonian|russian|eastern european|
    moroccan|algerian|egyptian|libyan|tunisian|lebanese|palestinian|israeli|saudi|
    pashtun|hazara|sinhalese|malaysian|indonesian|thai|japanese|korean|nepalese|gurkha|
    zambian|malawian|south african|cameroonian|sierra leonean|gambian|senegalese|
    ivorian|angolan|rwandan|tanzanian|trinidadian|barbadian|guyanese|colombian|mexican|
    venezuelan|greek cypriot|turkish cypriot|cypriot|italian|spanish|german|dutch|
    white irish|white other|white european|white and black caribbean|
    white and asian|white and black african|other white|gypsy roma|gypsy traveller|
    travelling community|traveller community|ethnic|ethnic background|ethnic group|
    ethnicity|racial|racially|racist|racism|bame background|
    asians|africans|pakistanis|bangladeshis|indians|arabs|kurds|somalis|nigerians|
    east asian|south asian|southeast asian|middle eastern|north african|latin american|
    latinx|latine|pacific islander|maori|aboriginal|indigenous|native american|
    first nations|inuit|
    jamaicans|poles|romanians|caribbeans|black people|white people|irish"""
)
_ETHNICITY_TAIL = (
    r"(?:[\s\-]+(?:family|families|woman|women|man|men|person|people|background|"
    r"heritage|origin|descent|boy|girl|lad|mother|father))*"
)
# "a Polish passport" says a nationality, which is not special category data.
_NOT_NATIONALITY = (
    r"(?![\s\-]+(?:passport|citizen|citizenship|national|embassy|consulate|id|language|"
    r"translation|translator|interpreter|speaker|version|food|restaurant|takeaway|shop|"
    r"lessons?|class|classes|sea|cuisine))"
)
_ETHNICITY_SHAPES = [
    r"\b(?:black|white|brown|asian)[\s\-]+(?:woman|women|man|men|person|people|family|"
    r"families|british|african|caribbean|irish|other|european|scottish|community|boy|girl|lad|mother|father|mum|dad|"
    r"heritage|background)\b",
    r"(?<=\bas\s)(?:White|Black|Asian)\b",
    r"(?<=\bas\sa\s)(?:White|Black|Asian)\b",
    r"(?<=\bI'm\s)(?:White|Black|Asian)\b",
    r"(?i:\b(?=(?:black|white|brown|asian)\b))(?i:(?<=\bi'm\s)|(?<=\bim\s)|(?<=\bi\sam\s)|(?<=\bwe're\s)|(?<=\bwe\sare\s)|(?<=\bhe's\s)|"
    r"(?<=\bshe's\s)|(?<=\bbeing\s)|(?<=\bbecause\sof\smy\s)|(?<=\bas\sa\s))(?i:black|white|brown|asian)\b"
    r"(?!\s+(?:bin|bins|bag|bags|car|van|door|box|form|belt|paper|card|list))",
    r"\b(?:ethnic\s+origin|ethnicity|race)\s+(?:is|was|as)\s+\w+",
    r"\bAsian\b",
]

_SEXUALITY_TERMS = _alt(
    """gay|lesbian|lesbians|bisexual|queer|homosexual|pansexual|asexual|lgbt|lgbtq|lgbtq+|
    lgbtqia|same sex|sexual orientation|sexuality|sex life|sex worker|sex work|
    sexual relationships|came out|
    heterosexual|homosexuality|bisexuality|sexual preference|sexual preferences|coming out|
    come out as|gay pride|pride march|two mums|two dads|
    gay couple|lesbian couple|same gender|civil partner and i are both|
    my girlfriend and i are both women|my boyfriend and i are both men|both men|both women|
    demisexual|sapphic|wlw|gay man|gay men|gay son|gay daughter|lgbtq+ group|
    lgbt group|pride group|dating men|dating women|sexual partner|sexual partners|
    sexual history|sex life|out as gay|out as bi|out as lesbian"""
)
_SEXUALITY_TAIL = (
    r"(?:[\s\-]+(?:couple|man|men|woman|women|partner|partners|relationship|relationships|"
    r"son|daughter|people|person|marriage|wife|husband))*"
)
_SEXUALITY_SHAPES = [
    _POSSESSIVE + r"sexuality\b",r"\b(?:i'm|i\s+am|he's|she's|is|am|being|as)\s+bi\b",
                     r"\b(?:i'?m|i\s+am|he'?s|she'?s|he\s+is|she\s+is|we'?re|we\s+are|they'?re)\s+(?:not\s+)?straight\b(?!\s+(?:away|after|back|to|into|from|through|up|home|forward|out|on|off))"]

_GENDER_TERMS = _alt(
    """transgender|transsexual|transitioned|transitioning|socially transitioning|
    non binary|nonbinary|enby|genderqueer|gender fluid|genderfluid|deadname|dead name|
    gender recognition certificate|gender reassignment|gender dysphoria|gender identity|
    previous gender|trans|
    social transition|medical transition|since transition|
    they/them|she/they|he/they|she/her|he/him|ze/zir|xe/xem|pronouns|
    changed gender|changed my gender|change my gender|changing gender|
    transitioned|detransitioned|detransition|assigned male at birth|assigned female at birth|
    amab|afab|gender affirming|gender affirmation|gender clinic|gender identity clinic|
    gic|top surgery|bottom surgery|intersex|mtf|ftm|transwoman|transman|
    trans woman|trans man|trans person|trans people|trans kid|trans son|trans daughter|
    trans child|gender non conforming|gender nonconforming|agender|two spirit|
    legally changed my gender|hormone therapy|cross hormones|puberty blockers|
    trans status|gender history|gender change|sex change|new gender|
    born male|born female|born a boy|born a girl|misgendered|misgendering|deadnamed|
    born a man|born a woman|identify as a woman|identify as a man|identify as female|
    identify as male|identify as non binary|identifies as|identified as|cross dresser|
    gender neutral|neutral pronouns|gender change certificate|
    deadnaming|birth gender|gender identity clinic"""
)
_GENDER_TAIL = r"(?:[\s\-]+(?:woman|women|man|men|person|people|child|kid|son|daughter|status))*"
_GENDER_SHAPES = [
    _POSSESSIVE + r"(?:transition|pronouns)\b",
    r"\bGRC\b",
    r"\b(?:grc|gender\s+x|x\s+gender\s+marker)\b",
]

_POLITICS_TERMS = _alt(
    """labour party|conservative party|conservatives|conservative|tory|tories|lib dems|
    lib dem|liberal democrats|liberal democrat|green party|snp|plaid cymru|plaid|reform uk|
    ukip|brexit party|sinn fein|sinn féin|dup|socialist|socialists|communist|anarchist|
    marxist|trotskyist|extinction rebellion|just stop oil|momentum|stop the war|
    palestine solidarity|pro palestine|pro israel|anti austerity|political views|
    political opinions|political beliefs|political party|independent candidate|
    political|politically active|political activist|political activism|activist|
    labour voter|labour member|labour supporter|tory voter|tory member|voted labour|
    vote labour|voted tory|vote tory|voted conservative|vote conservative|voted green|
    vote green|voted reform|vote reform|voted lib dem|vote lib dem|voted leave|voted remain|
    brexiteer|remainer|leaver|far right|far left|edl|english defence league|britain first|
    antifa|bnp|national front|swp|socialist worker|socialist workers party|cnd|greenpeace|
    free palestine|palestine action|pro palestinian|palestine|palestinian solidarity|
    republican|monarchist|anti monarchy|yes cymru|workers party|alliance party|
    womens equality party|liberal party|green councillor|labour councillor|canvassed|
    canvassing|canvasser|leafleting|election campaign|
    picket|protest march|protester|protesters|demonstrator|climate protest|climate activist|
    reform party|conservative association|constituency labour party|young conservatives|
    young labour|momentum member|party member|party membership|party conference|leftie|lefty|
    right wing|left wing|marxists|communists|anarchists|fascist|
    nationalist|unionist party|independence campaign|independence movement|
    pro life|pro choice|anti abortion|anti war|anti racism campaign|anti fracking|
    climate activism|political campaign|political campaigning|political meeting|
    party activist|tory party|plaid member|snp member|ukip member|green member"""
)
_POLITICS_TAIL = (
    r"(?:[\s\-]+(?:party|member|members|membership|voter|voters|supporter|supporters|"
    r"activist|activists|councillor's|councillor|candidate|campaigner|protest|protests|"
    r"march|marches|rally|demo|demonstration))*"
)
_POLITICS_SHAPES = [
    r"\b(?:Labour|Green|Reform|Liberal)(?:\s+UK)?[\s\-]+(?:party|member|members|voter|"
    r"supporter|activist|councillor's|councillor|candidate|campaigner)\b",
    r"\b(?:voted?|voting|support(?:ed)?|campaigned\s+for|member\s+of)\s+(?:the\s+)?"
    r"(?:(?:Labour|Reform(?:\s+UK)?|Green|Brexit)(?:\s+(?i:party))?|Leave|Remain|[A-Z][A-Za-z]+\s+Party)\b",
    r"\bcampaigned\s+for\s+\[[A-Z_]+\]",
    r"\bstood\s+as\s+(?:an?\s+)?\w+\s+candidate\b",
    r"\b(?:voted?|voting|support(?:ed|s)?|campaign(?:ed|s)?\s+for|member\s+of|joined)\s+(?:the\s+)?"
    r"(?:labour|reform(?:\s+uk)?|greens?|tories|tory|conservatives?|lib\s*dems?)(?:\s+party)?\b",
]

_UNION_TERMS = _alt(
    """unison|gmb|neu|nasuwt|naht|rcn|rmt|cwu|usdaw|fbu|ucu|bma|pcs|aslef|eis|nut|prospect|
    trade union|trades union|union rep|shop steward|
    my union|our union|the union|union subs|
    trade unionist|trade unionists|unionist|union member|union meeting|
    union official|union branch|union representative|union reps|unionised|unite the union|
    tuc|usdaw|equity union|musicians union|bectu|community union|nipsa|napo|poa|rcm|csp|
    society of radiographers|fda union|unison member|unison rep|gmb member|gmb rep|
    nuj|balpa|bfawu|urtu|nautilus|unity union|accord union|hcsa|ucatt|on strike|
    went on strike|strike action|striking workers|industrial action ballot|
    unite member|unite rep|picket line|on the picket line|strike ballot|on strike with|
    joined a union|in a union|union card|union dues|union fees|union rep's|staff side rep|
    branch secretary|union convenor|convenor"""
)
_UNION_TAIL = (
    r"(?:[\s\-]+(?:rep|reps|representative|member|members|membership|steward|shop\s+steward|"
    r"branch|official|subs|number))*"
)
_UNION_SHAPES = [
    r"\b(?:(?:a\s+)?member\s+)?(?:in|joined|of)\s+(?:the\s+)?(?:Unite|GMB|Unison|RMT|CWU|FBU|NEU|RCN)\b",
    r"\b(?:union\s+rep\s+for|member\s+of|rep\s+for)\s+the\s+[A-Z]{2,6}\b",
    r"\bUnite\s+(?:member|rep|steward|shop\s+steward)s?\b",
    r"\bas\s+a\s+Unite\b",
    r"\b(?:(?:a\s+)?member\s+of|in|joined|rep\s+for|with)\s+(?:the\s+)?(?:unite|unison|gmb|rmt|cwu|fbu|neu|rcn|nasuwt|ucu|pcs|bma|usdaw)\b",
    r"\b(?:unite|unison|gmb|rmt|cwu|fbu|neu|rcn|nasuwt|ucu|pcs|bma|usdaw)\s+(?:member|rep|steward|branch|official|membership)s?\b",
]

_CRIMES = (
    r"(?:assault|affray|theft|burglary|shoplifting|robbery|fraud|drugs|drug\s+dealing|possession|"
    r"drink[\s\-]+driving|criminal\s+damage|domestic\s+(?:abuse|violence)|harassment|stalking|"
    r"affray|gbh|abh|arson|manslaughter|murder|rape|sexual\s+assault|indecent\s+exposure|"
    r"dangerous\s+driving|handling\s+stolen\s+goods|benefit\s+fraud|a\s+sexual\s+offence)"
)
_OFFENCE_TERMS = _alt(
    """prison|jail|gaol|young offenders institution|young offender institution|yoi|
    probation|parole|bail|remand|tagged|electronic tag|conviction|convictions|convicted|
    criminal record|caution|cautioned|arrested|charged with|served time|suspended sentence|
    community sentence|community service|community order|ex offender|ex con|offender|
    sex offenders register|sex offender's register|sex offender|locked up|inside for|
    spent conviction|custodial sentence|criminal damage|drink driving conviction|
    electronic tag|on a tag|on tag|ankle tag|curfew tag|tagged|hmp|remanded|on remand|
    remanded in custody|in custody|police custody|found guilty|pleaded guilty|pled guilty|
    guilty plea|served time|did time|doing time|youth offending|youth offending team|yot|
    on licence|out on licence|released on licence|recalled to prison|driving ban|
    drink driving ban|banned from driving|disqualified from driving|drink driving|
    drink driven|drug driving|magistrates court|magistrates' court|crown court|
    sentenced|sentencing|inmate|prisoner|prisoners|ex prisoner|ex offender|reoffending|
    criminal offence|police record|police caution|
    under caution|interviewed under caution|penalty notice for disorder|pnd|
    community payback|unpaid work|restraining order|asbo|criminal behaviour order|
    cbo|mappa|sex offence|sexual offence|sex offences|prosecuted|prosecution|
    released from prison|released from jail|prison sentence|jail sentence|
    shoplifting|affray|gbh|abh|arson|burglary conviction|domestic violence conviction|
    possession of cannabis|possession of drugs|cannabis possession|drug dealing|
    criminal conviction|criminal convictions|bailed|on bail|police bail|
    arrest|arrests|lockup|locked up|banged up|prison officer said|in prison|jailed|
    imprisoned|imprisonment|detained|detention centre|secure unit|borstal|
    under investigation|police investigation|investigated by the police|accused of|
    suspected of|alleged offence|alleged assault|bail conditions|
    court case against me|charge against me|charges against me|criminal charge|
    criminal charges|criminal case|criminal proceedings|my trial|on trial|stood trial|
    fined by the court|court fine|drugs charge|drug offence|drug offences|
    drugs offence|motoring offence|speeding conviction|stolen goods|theft charge|
    criminal|crimes|committed a crime|reoffend|offender manager|probation officer|
    probation service|parole board|on parole|young offender|yo institution|
    convict|ex convict|criminal past|previous convictions|unspent conviction|
    police warning|harassment warning|community resolution|youth caution|
    youth conditional caution|referral order|reprimand|fraud investigation|benefit fraud|
    licence conditions|curfew|police interview|mugshot|custody photo|custody record"""
)
_OFFENCE_TAIL = (
    r"(?:[\s\-]+(?:for|of|with)\s+" + _CRIMES + r"|[\s\-]+(?:record|register|officer|"
    r"sentence|conviction))*"
)
_OFFENCE_SHAPES = [
    r"\bHMP\s+[A-Z][a-z]+\b",
    r"\b(?:served|did|doing|sentenced\s+to)\s+(?:\d+|a|an|two|three|four|five|six|ten|eighteen)\s+(?:months?|years?|weeks?)\b",
    r"\b(?:\w+\s+)?(?:months?|years?|weeks?)\s+for\s+" + _CRIMES + r"\b",
    r"\b" + _CRIMES + r"\s+(?:conviction|charge|caution|offence)\b",
    r"\b(?:for|of)\s+" + _CRIMES + r"\b(?=.{0,40}\b(?:conviction|convicted|caution|prison|"
    r"sentence|court|arrested|charged)\b)",
]

_BIOMETRIC_TERMS = _alt(
    """fingerprint|fingerprints|thumbprint|thumbprints|thumb print|palm print|palm prints|
    voice print|voiceprint|iris scan|retina scan|retinal scan|facial recognition|face scan|
    face template|biometric|biometrics|dna|genetic|genetics|gene|genome|genome sequencing|
    23andme|ancestry dna|paternity test|carrier of|
    face id|touch id|voice id|voice recognition|voice biometrics|face match|facial image|
    facial images|facial scan|facial data|facial features|face recognition|fingerprinted|
    fingerprinting|finger print|finger prints|dna sample|dna swab|cheek swab|mouth swab|
    genetic testing|genetic test|genetic condition|genetic disorder|genetic results|
    hereditary|hereditary condition|inherited condition|brca|brca1|brca2|
    chromosome|chromosomal|ancestry test|ancestrydna|myheritage|dna test|dna profile|
    scanned my face|scan my face|scanned my fingerprint|photo of my face|face was scanned|
    retina|retinal|iris recognition|hand geometry|vein scan|palm scan|gait analysis|
    signature dynamics|keystroke dynamics|biometric data|biometric passport|
    biometric residence permit|brp|genotype|genetic screening|genetic counsellor|
    genetics clinic|sickle cell trait|carrier test|newborn screening|
    gene mutation|genetic mutation|genetic marker|genetic markers|genetic information|
    genetic data|genetic history|genetic results|genetic risk|genetic predisposition|
    dna data|dna database|national dna database|dna record|dna records|dna evidence|
    dna kit|home dna kit|ancestry kit|dna swabs|saliva sample|prints taken|
    fingerprint scanner|fingerprint reader|finger scan|thumb scan|faceprint|face print|
    facial geometry|facial mapping|face matching|photo matching|live facial recognition|
    facial biometrics|voice biometric|voice authentication|voiceprints|eye scan|iris scans|
    hand print|handprint|palm vein|biometric scan|biometric id|biometric check|
    biometric enrolment|biometrics appointment|genetic father|biological father|
    biological mother|biological parents|donor conceived|sperm donor|egg donor|
    paternity|maternity test|dna paternity|relationship test|sibling dna|carrier status|
    ancestry.com|ancestry results|ancestry data|hair sample|hair samples|heredity|
    fingerprint entry|fingerprint clocking|clock in with my fingerprint"""
)
_BIOMETRIC_TAIL = (
    r"(?:[\s\-]+(?:test|tests|testing|sample|samples|results?|profile|data|match|template|"
    r"sequencing|condition|screening|scan|face\s+template))*"
)
_BIOMETRIC_SHAPES = [
    r"\b[A-Z]{2,5}\d\s+gene\b",
    r"\b(?:the\s+)?[a-z]+\s+[a-z]+\s+gene\b",
    r"\bcarrier\s+of\s+(?:the\s+)?[a-z]+(?:\s+[a-z]+)?\b",
]


def _words(text: str) -> frozenset[str]:
    """The message's words, each also without a plural "s" ("buddhists" finds "buddhist")."""
    tokens = _TOKEN.findall(text.lower().replace("’", "'"))
    return frozenset(tokens) | {t[:-1] for t in tokens if t.endswith("s")}


class _Rule:
    """A vocabulary with its lead-in words and tail, tried only when the message holds the
    first word of one of its terms: most hold none, and the full pattern is slow to try at
    every position."""

    def __init__(self, terms: str, tail: str, lead: str = "") -> None:
        self.first_words = _FIRST_WORDS[terms]
        self.pattern = re.compile(
            r"(?<![\w\[])" + (lead or _LEAD) + terms + r"(?:s|es)?\b" + tail + r"(?![\w\]])", re.I
        )

    def sub(self, placeholder: str, text: str, words: frozenset[str] | None = None) -> str:
        if words is None:
            words = _words(text)
        return self.pattern.sub(placeholder, text) if words & self.first_words else text


def _rule(terms: str, tail: str, lead: str = "") -> _Rule:
    return _Rule(terms, tail, lead)


# A language is not an ethnicity: "my data in Portuguese", "I speak Polish".
_ETHNICITY_LEAD = (
    r"(?<!\bin\s)(?<!\binto\s)(?<!\bspeak\s)(?<!\bspeaks\s)"
    + _LEAD.replace("(?:on|in)(?:\\s+the)?|a|an", "on|a|an", 1)
)


def _shapes(shapes: list[str], case_sensitive: bool = False) -> list[Pattern[str]]:
    return [re.compile(s) if case_sensitive else re.compile(s, re.I) for s in shapes]


# Order: the more specific categories first (a "DNA sample" is biometric before "sample" is
# anything else; "sickle cell" is health before "cell" could be an offence).
SPECIAL_RULES: list[tuple[Pattern[str] | _Rule, str]] = [
    *[(p, BIOMETRIC) for p in _shapes(_BIOMETRIC_SHAPES[:1], case_sensitive=True)],
    *[(p, BIOMETRIC) for p in _shapes(_BIOMETRIC_SHAPES[1:])],
    (_rule(_BIOMETRIC_TERMS, _BIOMETRIC_TAIL), BIOMETRIC),
    (_rule(_HEALTH_TERMS, _HEALTH_TAIL), HEALTH),
    *[(p, HEALTH) for p in _shapes(_HEALTH_SHAPES, case_sensitive=True)],
    *[(p, OFFENCE) for p in _shapes(_OFFENCE_SHAPES[:1])],
    *[(p, OFFENCE) for p in _shapes(_OFFENCE_SHAPES[1:])],
    (_rule(_OFFENCE_TERMS, _OFFENCE_TAIL), OFFENCE),
    (_rule(_GENDER_TERMS, _GENDER_TAIL), GENDER_IDENTITY),
    *[(p, GENDER_IDENTITY) for p in _shapes(_GENDER_SHAPES[:1])],
    *[(p, GENDER_IDENTITY) for p in _shapes(_GENDER_SHAPES[1:], case_sensitive=True)],
    (_rule(_SEXUALITY_TERMS, _SEXUALITY_TAIL), SEXUALITY),
    *[(p, SEXUALITY) for p in _shapes(_SEXUALITY_SHAPES)],
    *[(p, RELIGION) for p in _shapes(_RELIGION_SHAPES)],
    (_rule(_RELIGION_TERMS, _RELIGION_TAIL), RELIGION),
    *[(p, POLITICS) for p in _shapes(_POLITICS_SHAPES, case_sensitive=True)],
    (_rule(_POLITICS_TERMS, _POLITICS_TAIL), POLITICS),
    *[(p, TRADE_UNION) for p in _shapes(_UNION_SHAPES, case_sensitive=True)],
    (_rule(_UNION_TERMS, _UNION_TAIL), TRADE_UNION),
    *[(p, ETHNICITY) for p in _shapes(_ETHNICITY_SHAPES[:1])],
    *[(p, ETHNICITY) for p in _shapes(_ETHNICITY_SHAPES[1:], case_sensitive=True)],
    (_rule(_ETHNICITY_TERMS, _ETHNICITY_TAIL + _NOT_NATIONALITY, _ETHNICITY_LEAD), ETHNICITY),
]


def redact_special_categories(text: str) -> str:
    """``text`` with every special category phrase replaced by its category's placeholder."""
    words = _words(text)
    for pattern, placeholder in SPECIAL_RULES:
        if isinstance(pattern, _Rule):
            text = pattern.sub(placeholder, text, words)
        else:
            text = pattern.sub(placeholder, text)
    return text
