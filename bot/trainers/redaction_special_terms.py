"""The vocabularies of special category data, one per category, as ``|``-separated phrases.

Kept apart from the rules that match them (:mod:`bot.trainers.redaction_special`): a term
is matched in any case, with a plural "s"/"es", with any run of spaces or a hyphen where it
has a space, and with the small words before it and the nouns after it that its category's
rule adds. A phrase goes in the category a trainer should see (``[HEALTH]``, ...).
"""
from __future__ import annotations

HEALTH = """hiv|aids|cancer|leukaemia|leukemia|lymphoma|tumour|tumor|chemo|chemotherapy|
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

RELIGION = """muslim|muslims|islam|islamic|christian|christians|christianity|catholic|catholics|
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

ETHNICITY = """mixed race|mixed heritage|dual heritage|biracial|pakistani|bangladeshi|indian|
    chinese|
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

SEXUALITY = """gay|lesbian|lesbians|bisexual|queer|homosexual|pansexual|asexual|lgbt|lgbtq|lgbtq+|
    lgbtqia|same sex|sexual orientation|sexuality|sex life|sex worker|sex work|
    sexual relationships|came out|
    heterosexual|homosexuality|bisexuality|sexual preference|sexual preferences|coming out|
    come out as|gay pride|pride march|two mums|two dads|
    gay couple|lesbian couple|same gender|civil partner and i are both|
    my girlfriend and i are both women|my boyfriend and i are both men|both men|both women|
    demisexual|sapphic|wlw|gay man|gay men|gay son|gay daughter|lgbtq+ group|
    lgbt group|pride group|dating men|dating women|sexual partner|sexual partners|
    sexual history|sex life|out as gay|out as bi|out as lesbian"""

GENDER = """transgender|transsexual|transitioned|transitioning|socially transitioning|
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

POLITICS = """labour party|conservative party|conservatives|conservative|tory|tories|lib dems|
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

UNION = """unison|gmb|neu|nasuwt|naht|rcn|rmt|cwu|usdaw|fbu|ucu|bma|pcs|aslef|eis|nut|prospect|
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

OFFENCE = """prison|jail|gaol|young offenders institution|young offender institution|yoi|
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

BIOMETRIC = """fingerprint|fingerprints|thumbprint|thumbprints|thumb print|palm print|palm prints|
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

# Added for issue 12 (generalisation): families of terms, common misspellings, hereditary
# conditions, faith practices, campaigns and the words of transition, beside the lists above.
HEALTH += """|sarcoma|glioma|glioblastoma|myeloma|meningioma|adenoma|fibroma|lipoma|
    neuroblastoma|retinoblastoma|anxeity|anxiety disorder|anxity|axiety|depresion|depresssion|
    chrons|krohns|crohn|
    diabetis|diabeties|epilepsey|epilepsy|astma|ashtma|demensia|alzeimers|altzheimers|
    parkinson|schizo|skitzo|bi polar|ptsd|c ptsd|cptsd|ocd|adhd|dyspraxic|autistc|
    hypo|hypos|hypo plan|insulin pump|glucose monitor|libre sensor|blood sugar|
    methadone script|on a script|
    tried to take my own life|tried to take her own life|tried to take his own life|
    take my own life|took an overdose|kill myself|killing myself|end my life|ended his life|
    ended her life|suicide note|
    slipped disc|herniated disc|prolapsed disc|trapped nerve|sexual health|sexual health clinic|
    gum clinic|std clinic|sti clinic|sti test|std test|smear test|
    blood transfusion|blood transfusions|transfusion|

    colostomy bag|stoma bag|catheter bag|
    heroin user|drug user|crack user|cannabis user|recovering alcoholic|recovering addict|
    on the methadone|needle exchange|
    miscarried|terminated the pregnancy|pregnancy test|
    wheelchair|walking frame|zimmer frame|commode|stairlift|
    district nurse|community nurse|
    occupational therapist|ot assessment|physio|hearing test|eye test results|
    haemochromatosis|hemochromatosis|factor v leiden|marfan|tay sachs|fragile x|
    klinefelter|duchenne|spinal muscular atrophy|familial hypercholesterolaemia|
    polycystic kidney|thrombophilia|sickle cell anaemia|sickle cell disease|
    long covid|chronic illness|cancer treatment|cancer diagnosis|tumour|
    mental health team|mental health nurse|psychiatric nurse|
    sectioned under|detained under the mental health act|
    panic disorder|social anxiety|health anxiety|postnatal depression|post natal depression|
    bereavement counselling|grief counselling|
    deaf|deafness|hard of hearing|blindness|partially deaf|
    stroke|strokes|mini stroke|heart op|angioplasty|stent"""

ETHNICITY += """|windrush|windrush generation|windrush family|bantu|somali bantu|yoruba|igbo|hausa|
    akan|ashanti|fulani|tigrinya|tigrayan|amhara|oromo|baloch|sindhi|mirpuri|kashmiri|
    pathan|telugu|malayali|sylheti|berber|amazigh|zulu|xhosa|shona|ndebele|maasai|kikuyu|
    chaldean|assyrian|yazidi|druze|circassian|uyghur|tibetan|rohingya|hmong|romanichal|
    sinti|scottish traveller|welsh traveller|showman|showmen|showpeople|fairground family|
    new traveller|new age traveller|mixed white and black caribbean|mixed white and asian|
    half caste|half black|half white|half asian|half indian|half chinese|half jamaican|
    half nigerian|half pakistani|half irish|dual heritage|black heritage|asian heritage|
    ethnic origin|racial background|skin colour|his colour|her colour|my colour"""

RELIGION += """|kara|kesh|kangha|kachera|five ks|sikhi|amritdhari|turbaned|
    catholicism|protestantism|anglicanism|methodism|mormonism|paganism|rastafarianism|
    islamism|wicca|druidry|heathenry|satanist|satanism|
    converted to islam|converted to christianity|converted to judaism|reverted to islam|
    conscientious objector|conscientious objection|
    tithing|tithe|tithes|zakat|sadaqah|dasvandh|church tithe|
    place of worshipper|worshippers|parishioner|parishioners|
    mosque committee|church committee|temple committee|imam's|vicar's|
    fast for ramadan|observe the sabbath|keep kosher|keep halal|
    eid prayers|shabbat dinner|sukkot|purim|vesak|wesak|guru nanak|gurpurab|
    hijab|wear a hijab|headcovering|head covering|sheitel|tichel|kippot|
    crucifix|cross and chain|prayer mat|prayer beads|tasbih|mala beads"""

POLITICS += """|palestine solidarity|palestine solidarity campaign|stop the war coalition|
    conservative association|labour association|constituency party|local party|
    canvass|canvassed for|canvassing for|leaflet for|leafleted for|delivered leaflets for|
    lib dem volunteer|labour volunteer|tory volunteer|green volunteer|party volunteer|

    anti fracking|anti fracking anti racism|anti racist|anti war|anti brexit|
    pro brexit|anti nuclear|anti immigration|pro immigration|anti hs2|stop hs2|
    march against|
    reform uk|reform voter|labour councillor|tory councillor|conservative councillor|
    councillor's wife|councillor's husband|plaid cymru|aelod o plaid|yes cymru|
    extinction rebellion|insulate britain|animal rising|hunt saboteurs|hunt sabs|
    union flag patriotic alternative|libertarian|centrist|
    political affiliation|party affiliation|political leanings"""

UNION += """|branch sec|branch secretary|union sec|postie|cwu postie|rmt member|
    membership deductions|union deductions|union subscription|union subscriptions|
    equity member|aslef member|aslef rep|nasuwt member|neu member|neu rep|
    ucu member|pcs member|pcs rep|unite branch|gmb branch|unison branch|union steward|
    union learning rep|health and safety rep|union health and safety rep|
    walkout|industrial action|picket|picketing|pickets"""

GENDER += """|transitioned|transitioning|my since transitioning|
    old gender|previous gender|birth sex|sex at birth|gender at birth|legal gender|
    gender marker|sex marker|changed my gender marker|x marker|
    they/she|they/he|xe/xir|ze/hir|fae/faer|
    testosterone|on testosterone|oestrogen|estrogen|on oestrogen|on estrogen|t shots|
    hormone clinic|hormone treatment|hormones for|gender clinic|gender service|
    gender identity service|gids|tavistock|trans girl|trans boy|trans teen|trans youth|
    trans woman|trans man|transfem|transmasc|nonbinary|non binary|genderqueer|
    coming out as trans|came out as trans|came out as non binary|deed poll for my gender"""

SEXUALITY += """|lgbt+|lgbtq+|lgbtqia+|lgbtqi|lgbtqia+|queer youth|lgbt youth|lgbt youth group|
    lesbian mums|gay dads|two mums|two dads|same sex parents|same sex couple|same sex partner|
    grindr|scruff|gay dating|gay dating app|gay bar|gay club|gay village|
    bi man|bi woman|bisexual man|bisexual woman|polyamorous|poly relationship|kink|
    sexual sexual identity|
    my husband and i are both|same sex marriage|civil partnership with my"""

OFFENCE += """|charged me with|charged him with|charged her with|
    record for theft|police record|dbs check showed|came up on my dbs|
    restraining order|non molestation order|injunction against me|
    prosecuted|
    interviewed under caution|under caution|interviewed me under caution|
    out on bail|on bail|bailed|spent conviction|unspent|
    points on my licence|penalty points|speeding points|speeding fine|speeding ticket|
    points for speeding|caught speeding|drink drive|drink driver|drunk driving|
    arrested|arrested me|
    cautioned|jailed|imprisoned|

    anti social behaviour order|asb warning|dispersal order|
    criminal damage|shoplifted|nicked for|mappa meeting|mappa panel|youth offending service|
    supervision order|youth rehabilitation order|community service order|prosecuted me|
    prosecuted him|prosecuted her|taken to court|took me to court|got out of prison"""

BIOMETRIC += """|facial recognition scan|facial recognition scan of me|face scan of me|
    thumbprint scanning|fingerprint scanning|fingerprint scanner|biometric scanning|
    genetic test|the genetic test|genetic tests|gene test|gene testing|
    brca mutation|brca2 mutation|brca1 mutation|gene mutation|mutation|genetic variant|
    genetic haemochromatosis|genetic condition|genetic disease|genetic disorder|
    inherited disorder|runs in our family|runs in the family|
    matched my face|match my face|scanned my face|scans faces|face matching|
    voice sample|voice samples|voice recording for|voice biometrics|voiceprint|
    dna taken|took my dna|took dna|swabbed|dna swabbed|fingerprints taken|took my fingerprints|
    iris scanner|palm scanner|vein scanner|gait recognition|
    lynch genetic syndrome|whole genome|whole genome sequencing|genome sequencing results|
    gait|hand geometry|hand shape|genetic counselling|genetic counseling"""

# Added for issue 12, item 2 (the sixth corpus's classes of miss, docs/trainers.md "Sixth
# corpus"): health services and treatments, unions by their full names, identities and
# beliefs said without a trans, gay or faith word.
HEALTH += """|memory clinic|memory service|memory assessment|community mental health team|
    mental health services|mental health service|early intervention team|
    early intervention in psychosis|eating disorder service|drug and alcohol service|
    drug and alcohol team|substance misuse service|methadone clinic|pain clinic|
    fertility clinic|ivf clinic|ivf treatment|fertility treatment|egg freezing|
    renal unit|dialysis unit|haemodialysis|hemodialysis|peritoneal dialysis|kidney dialysis|
    stroke unit|cancer ward|chemo ward|chemotherapy unit|immunotherapy|radiation therapy|
    hiv clinic|antiretroviral|pep|
    signed off with stress|off with stress|work related stress|stress related illness|
    back injury|neck injury|knee injury|shoulder injury|hip injury|wrist injury|
    pip assessment|pip claim|pip award|pip assessor|pip tribunal|disability living allowance"""

UNION += """|fire brigades union|communication workers union|national union of mineworkers|
    num member|num members|num rep|num lodge|national education union|
    national union of teachers|royal college of nursing|royal college of midwives|
    public and commercial services union|university and college union|
    british medical association|musicians' union|bakers union|
    national union of rail maritime and transport workers|
    transport salaried staffs association|tssa|
    associated society of locomotive engineers and firemen|educational institute of scotland|
    union of shop distributive and allied workers|national union of journalists|
    unison union|gmb union|unite union|union officer"""

GENDER += """|cisgender|cis woman|cis women|cis man|cis men|cis female|cis male|cis het|cishet|
    i'm cis|im cis|i am cis|she's cis|he's cis|
    registered as female at birth|registered as male at birth|registered female at birth|
    registered male at birth|female at birth|male at birth"""

SEXUALITY += """|straight man|straight men|straight woman|straight women|straight guy|
    straight couple|hetero|questioning my sexuality|questioning his sexuality|
    questioning her sexuality|questioning their sexuality"""

# Philosophical beliefs are special category data with religion (UK GDPR Article 9:
# "religious or philosophical beliefs"), so they take its placeholder.
RELIGION += """|pacifist|pacifists|pacifism|ethical vegan|ethical vegans|ethical veganism|
    secularist|secular humanist|gender critical beliefs|church attendance"""

BIOMETRIC += """|my prints|his prints|her prints|my finger prints|my thumb prints"""

# Offences as the act itself, matched only after a word that says it was someone's ("done
# for", "caught", "a fine for", "convicted of": redaction_special.py), since "fly tipping" or
# "littering" alone is a council service ("report fly tipping").
CRIMES = """assault|common assault|racially aggravated assault|sexual assault|affray|theft|
    burglary|shoplifting|robbery|fraud|benefit fraud|tax fraud|tax evasion|fare evasion|
    fare dodging|tv licence evasion|not having a tv licence|no tv licence|
    money laundering|drugs|drug dealing|drug trafficking|possession|
    possession with intent to supply|knife possession|possession of a knife|
    possession of an offensive weapon|drink driving|drink-driving|drug driving|
    dangerous driving|careless driving|driving while disqualified|driving without insurance|
    criminal damage|domestic abuse|domestic violence|harassment|stalking|gbh|abh|arson|
    manslaughter|murder|rape|indecent exposure|handling stolen goods|a sexual offence|
    fly tipping|speeding|vandalism|graffiti|trespass|trespassing|littering|
    anti social behaviour|antisocial behaviour|anti social behavior|violent disorder|
    public order offence|a public order offence|obstruction|obstruction of the highway|
    obstructing a police officer|resisting arrest|breach of the peace|drunk and disorderly|
    being drunk and disorderly|perverting the course of justice|child neglect|neglect|
    child cruelty|cruelty to animals|animal cruelty|a hate crime|hate crime|soliciting|
    a fight|a burglary|an assault|a robbery|a theft|a break in|
    benefit fraud|identity fraud|forgery|blackmail|kidnapping|false imprisonment|
    threatening behaviour|malicious communications|revenge porn|voyeurism|
    breach of a restraining order|breaching my bail|breach of bail"""

# Whom or where an offence was against, which is part of it ("assault on my partner",
# "theft from my employer", "theft at work").
OFFENCE_AGAINST = """ex partner|ex-partner|ex wife|ex husband|ex|partner|wife|husband|girlfriend|
    boyfriend|child|children|kids|son|daughter|neighbour|neighbours|employer|work|job|
    workplace|boss|mum|mother|dad|father|carer|teacher|officer|a police officer"""

# The words that make an act someone's offence, before it ("caught shoplifting").
OFFENCE_CUES = """caught|committed|admitted|admitted to|guilty of|found guilty of|accused of|
    suspected of|convicted of|charged with|investigated for|arrested for|pleaded guilty to|
    pled guilty to|prosecuted for|sentenced for|jailed for|cautioned for|on bail for|
    on probation for|reported for|summonsed for|banned for"""

# What is given for an offence ("a fine for littering").
PENALTIES = """fine|fixed penalty|fixed penalty notice|fpn|penalty notice|caution|warning|
    summons|court summons|ban|conviction|criminal record|record|community order|tag"""
