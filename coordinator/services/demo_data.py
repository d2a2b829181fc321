"""Static data for the demo partnership: organisations, people, groups, tasks and phrases.

Everything here is fictional. The planted patterns that use these rows are listed in the
docstring of `coordinator.services.demo`.
"""

from dataclasses import dataclass

PARTNERSHIP = {
    "slug": "demo",
    "name": "Rivermouth Water Resilience Partnership",
    "description": (
        "Water authority, city, utilities, engineers, insurers, researchers, farmers and "
        "residents' groups of the Rivermouth delta working together on floods, drought and "
        "clean water. Nobody here can tell anyone else what to do: members post tasks and "
        "others join them."
    ),
}

EMAIL_DOMAIN = "demo.polder.example"

# key: (name, sector, formal_authority, resource_control, discursive_legitimacy)
ORGANISATIONS = {
    "rwa": ("Rivermouth Regional Water Authority", "government", 2, 2, 2),
    "council": ("Rivermouth City Council", "government", 2, 2, 1),
    "northbank": ("Northbank Water plc", "business", 1, 2, 2),
    "province": ("Delta Province Environment Agency", "government", 2, 2, 1),
    "hydrosys": ("Hydrosys Engineering Consultants", "business", 0, 2, 1),
    "harbourline": ("Harbourline Insurance", "business", 0, 2, 1),
    "university": ("Rivermouth University, Institute for Water Studies", "academia", 1, 1, 2),
    "lowlands": ("Lowlands Climate Research Centre", "academia", 0, 1, 2),
    "college": ("Coastal Technical College", "academia", 0, 1, 2),
    "housing": ("Riverside Housing Association", "other", 1, 1, 1),
    "eastside": ("Eastside Residents' Flood Action Group", "civil_society", 0, 0, 1),
    "estuary": ("Friends of the Rivermouth Estuary", "civil_society", 0, 0, 2),
    "health": ("Rivermouth Community Health Network", "civil_society", 0, 1, 1),
    "kestrel": ("Kestrel GeoAnalytics", "business", 0, 1, 1),
    "farmers": ("Lower Rivermouth Farmers' Cooperative", "other", 0, 1, 1),
}

# Knowledge clusters: the tag pools members and tasks draw from.
CLUSTERS = {
    "eng": ("hydrology", "flood modelling", "hydraulic engineering", "stormwater design",
            "civil engineering", "sediment transport", "groundwater", "asset management",
            "coastal engineering", "drainage systems"),
    "pol": ("water law", "spatial planning", "public policy", "procurement", "regulation",
            "funding & grants", "risk governance", "flood insurance",
            "environmental permitting", "public finance"),
    "com": ("community engagement", "public health", "participatory mapping",
            "risk communication", "social vulnerability", "volunteer coordination",
            "environmental justice", "education", "housing", "communications"),
    "data": ("gis", "data science", "remote sensing", "sensor networks", "open data",
             "machine learning", "dashboards", "python", "early warning systems",
             "data engineering"),
    "eco": ("water quality", "estuarine ecology", "wetland restoration",
            "nature-based solutions", "biodiversity", "agriculture", "soil science",
            "microbiology"),
}

FOCUS = {
    "eng": ("the Eastside polder drainage", "the estuary flood defences",
            "pumping stations under 2040 rainfall", "urban flooding after cloudbursts"),
    "pol": ("who pays for flood resilience", "the regional adaptation programme",
            "making public procurement greener", "the legal side of shared water data"),
    "com": ("residents who are hit first and helped last", "flood preparedness in Eastside",
            "health after floods", "getting tenants heard"),
    "data": ("open flood data anyone can reuse", "sensor networks on a shoestring",
             "forecasts that people actually read", "satellite data for the delta"),
    "eco": ("the estuary's salt marshes", "clean water for farms and beaches",
            "nature-based flood protection", "biodiversity in the polder ditches"),
}

# key, name, organisation, cluster, second cluster, job title, role, explicit tags.
# Empty tags: drawn from the cluster pools with the seeded random generator.
MEMBERS = [
    ("admin", "Ingrid Bakker", "rwa", "pol", "", "Partnership secretariat lead", "admin",
     "risk governance, public policy, funding & grants"),
    ("maarten", "Maarten de Groot", "rwa", "eng", "", "Senior hydrologist", "member", ""),
    ("yusuf", "Yusuf Demir", "rwa", "eng", "data", "Flood forecasting engineer", "member", ""),
    ("els", "Els Janssen", "rwa", "eng", "", "Asset manager, dikes and sluices", "member", ""),
    ("ruth", "Ruth Kramer", "rwa", "pol", "", "Water-board legal adviser", "member", ""),
    ("daan", "Daan Mulder", "rwa", "pol", "", "Procurement officer", "member", ""),
    ("noor", "Noor Hassan", "rwa", "data", "eng", "Hydroinformatics specialist", "member", ""),
    ("hendrik", "Hendrik Visser", "council", "pol", "com", "Resilience programme manager",
     "member", "public policy, risk governance, spatial planning, communications"),
    ("sofia", "Sofia Rossi", "council", "pol", "", "Spatial planner", "member", ""),
    ("willem", "Willem Bos", "council", "pol", "", "Climate adaptation policy adviser",
     "member", ""),
    ("claire", "Claire Dubois", "council", "com", "pol", "Public health officer", "member", ""),
    ("bram", "Bram Peters", "council", "eng", "", "Drainage engineer, public works", "member",
     ""),
    ("lucas", "Lucas Vermeulen", "council", "data", "", "GIS officer", "member", ""),
    ("pieter", "Pieter Smit", "northbank", "eng", "", "Network hydraulics lead", "member",
     "hydraulic engineering, asset management, drainage systems, civil engineering"),
    ("olivia", "Olivia Grant", "northbank", "eng", "", "Wastewater process engineer", "member",
     ""),
    ("george", "George Whitfield", "northbank", "eng", "pol", "Capital programme manager",
     "member", ""),
    ("mei", "Mei Lin", "northbank", "data", "", "Data scientist, leakage analytics", "member",
     ""),
    ("karen", "Karen Holt", "northbank", "pol", "", "Regulatory affairs manager", "member", ""),
    ("anouk", "Anouk Dekker", "province", "eco", "", "Estuary ecologist", "member", ""),
    ("ruben", "Ruben Smits", "province", "eco", "pol", "Water quality inspector", "member", ""),
    ("frank", "Frank Hoekstra", "province", "pol", "", "Permitting lead", "member", ""),
    ("ilse", "Ilse van Dam", "province", "eng", "", "Coastal engineer", "member", ""),
    ("lena", "Lena Brandt", "hydrosys", "eng", "", "Principal hydraulic engineer", "member",
     "hydraulic engineering, stormwater design, flood modelling, civil engineering"),
    ("jonas", "Jonas Meyer", "hydrosys", "eng", "", "Stormwater engineer", "member",
     "stormwater design, drainage systems, civil engineering"),
    ("farid", "Farid Haddad", "hydrosys", "eng", "", "Flood modeller", "member",
     "flood modelling, hydrology, hydraulic engineering"),
    ("sara", "Sara Lindqvist", "hydrosys", "eng", "data", "Hydraulic modeller", "member", ""),
    ("tom", "Tom Becker", "hydrosys", "eng", "", "Civil engineer", "member", ""),
    ("priya", "Priya Nair", "hydrosys", "eng", "eco", "Nature-based solutions engineer",
     "member", "stormwater design, nature-based solutions, hydrology, civil engineering"),
    ("james", "James Okoro", "harbourline", "pol", "", "Flood risk underwriter", "member", ""),
    ("hannah", "Hannah Vos", "harbourline", "pol", "data", "Catastrophe risk analyst",
     "member", ""),
    ("victor", "Victor Lemaire", "harbourline", "data", "", "Actuarial data scientist",
     "member", ""),
    ("sanne", "Sanne de Vries", "university", "com", "pol", "Partnership coordinator",
     "coordinator", "community engagement, communications, public policy, education"),
    ("erik", "Erik Lindgren", "university", "eng", "", "Professor of hydrology", "member", ""),
    ("aisha", "Aisha Bello", "university", "eng", "data", "Postdoc in urban flood modelling",
     "member", ""),
    ("chen", "Chen Wei", "university", "data", "", "Research software engineer", "member", ""),
    ("laura", "Laura Martin", "university", "data", "eco", "Remote sensing researcher",
     "member", ""),
    ("tobias", "Tobias Wolff", "university", "eco", "", "Wetland ecologist", "member", ""),
    ("fatima", "Fatima Zahra", "university", "eco", "com", "PhD researcher, water and health",
     "member", ""),
    ("jasper", "Jasper Kuiper", "lowlands", "data", "", "Climate data scientist", "member", ""),
    ("nadia", "Nadia Petrova", "lowlands", "data", "eng", "Machine-learning researcher",
     "member", ""),
    ("oscar", "Oscar Lund", "lowlands", "eng", "", "Sediment and morphology researcher",
     "member", ""),
    ("helena", "Helena Sousa", "lowlands", "pol", "", "Climate governance researcher",
     "member", ""),
    ("michelle", "Michelle Tan", "college", "eng", "", "Lecturer in civil engineering",
     "member", ""),
    ("david", "David Owusu", "college", "data", "", "Lecturer in data and GIS", "member", ""),
    ("karin", "Karin Sjöberg", "college", "com", "eco", "Environmental education coordinator",
     "member", ""),
    ("marcus", "Marcus Reid", "housing", "com", "", "Tenant engagement manager", "member", ""),
    ("julia", "Julia Kowalski", "housing", "com", "pol", "Community development officer",
     "member", ""),
    ("ahmed", "Ahmed Saleh", "housing", "pol", "", "Estates and insurance manager", "member",
     ""),
    ("amara", "Amara Osei", "eastside", "com", "", "Organiser", "member",
     "community engagement, participatory mapping, environmental justice, "
     "volunteer coordination"),
    ("kwame", "Kwame Asante", "eastside", "com", "pol", "Chair", "coordinator",
     "community engagement, environmental justice, housing, public policy"),
    ("rosa", "Rosa Jiménez", "eastside", "com", "", "Volunteer coordinator", "member",
     "volunteer coordination, community engagement, risk communication"),
    ("dennis", "Dennis Vink", "eastside", "com", "data", "Citizen-science lead, rain gauges",
     "member", "participatory mapping, community engagement, sensor networks, open data"),
    ("mariam", "Mariam Yusuf", "eastside", "com", "", "Community health volunteer", "member",
     "public health, community engagement, social vulnerability"),
    ("patrick", "Patrick Nolan", "eastside", "com", "", "Flood warden", "member",
     "risk communication, volunteer coordination, community engagement"),
    ("femke", "Femke Hendriks", "estuary", "eco", "", "Volunteer monitoring lead", "member",
     ""),
    ("liam", "Liam O'Connor", "estuary", "eco", "com", "Education officer", "member", ""),
    ("greta", "Greta Nilsson", "estuary", "eco", "", "Estuary restoration volunteer",
     "member", ""),
    ("samuel", "Samuel Adeyemi", "estuary", "com", "eco", "Campaigns and communications",
     "member", ""),
    ("grace", "Grace Mensah", "health", "com", "", "Community health worker", "member",
     "public health, community engagement, social vulnerability"),
    ("elif", "Elif Kaya", "health", "com", "", "Health promotion lead", "member", ""),
    ("joanna", "Joanna Nowak", "health", "com", "data", "Health data officer", "member", ""),
    ("pedro", "Pedro Alves", "health", "com", "", "Outreach worker", "member", ""),
    ("tomas", "Tomás Herrera", "kestrel", "data", "", "Founder and geospatial analyst",
     "member", "gis, remote sensing, python, open data"),
    ("ines", "Inês Carvalho", "kestrel", "data", "", "Remote sensing analyst", "member", ""),
    ("kofi", "Kofi Boateng", "kestrel", "data", "eng", "Sensor network engineer", "member",
     ""),
    ("gerrit", "Gerrit Jansen", "farmers", "eco", "", "Dairy farmer, cooperative board",
     "member", ""),
    ("anna", "Anna Wouters", "farmers", "eco", "pol", "Agri-environment adviser", "member",
     ""),
    ("rik", "Rik Bosman", "farmers", "eco", "", "Soil and drainage adviser", "member", ""),
]

# key: (name, description, creator, founding members, created days ago)
GROUPS = {
    "forum": ("Rivermouth 2050 Vision Forum",
              "A standing forum where every partner helps shape a shared long-term vision.",
              "hendrik", ("admin", "willem", "sofia", "george", "helena", "sanne", "marcus",
                          "kwame", "anouk", "james", "erik"), 104),
    "green": ("Green Streets & Sponge City",
              "Bioswales, rain gardens and permeable streets, planned with the people who "
              "live on them.",
              "priya", ("aisha", "rosa", "dennis", "femke", "sofia", "ines", "bram", "karin"),
              110),
    "warning": ("Flood Early Warning",
                "Sensors, forecasts and warnings that reach people in time.",
                "yusuf", ("noor", "lucas", "mei", "jasper", "kofi", "dennis", "patrick",
                          "chen"), 108),
    "funding": ("Funding & Regulation Roundtable",
                "Bids, budgets, permits and the rules that shape what we can build.",
                "karen", ("daan", "frank", "hannah", "ahmed", "anna", "willem"), 100),
    "quality": ("Water Quality & Health",
                "From bathing water to private wells: clean water and the health of people "
                "who use it.",
                "ruben", ("fatima", "tobias", "greta", "elif", "joanna", "gerrit", "claire"),
                96),
}

# Vision Forum churn inside the 28-day window: (member, day joined or left, days ago).
FORUM_JOINS = (("claire", 27), ("julia", 25), ("samuel", 22), ("elif", 20), ("victor", 17),
               ("oscar", 14), ("gerrit", 12), ("ahmed", 8), ("noor", 5))
FORUM_LEAVES = (("james", 26), ("erik", 23), ("julia", 21), ("george", 18), ("elif", 15),
                ("anouk", 11), ("victor", 7), ("samuel", 4))
FORUM_MEETINGS_IN_WINDOW = (27, 25, 23, 20, 18, 16, 13, 11, 9, 6, 4, 2)
FORUM_MEETINGS_BEFORE = (98, 91, 84, 77, 70, 63, 56, 49, 42, 35, 31)
FORUM_MEETING_TITLES = (
    "Vision Forum plenary", "Introductions round and vision recap",
    "Workshop: shared values for 2050", "Check-in: where are we on the vision statement?",
    "Welcome session for new forum members", "Workshop: what does resilience mean to us?",
    "Forum plenary: revisiting the targets", "Reflection session on how we work together",
)
GREEN_MEETINGS = (105, 91, 77, 63, 49, 35, 24, 17, 3)


@dataclass(frozen=True)
class TaskTemplate:
    """A task to seed; fields left None are filled in by the seeded random generator.

    Days count back from `now`: `created=30` is 30 days ago, `due=-5` five days overdue.
    `team` lists (member, days ago, mode, days ago they left) with mode join, accept,
    decline or pending.
    """

    title: str
    tags: str
    deliverable: str
    group: str | None = None
    by: str | None = None
    status: str | None = None
    created: int | None = None
    closed: int | None = None
    due: int | None = None
    no_due: bool = False
    policy: str | None = None
    capacity: int | None = None
    full: bool = False
    effort: float = 1.0
    team: tuple = ()


T = TaskTemplate

ALIGNOPHILIA_TASK = T(
    "Hydraulic design of the Eastside flood barrier and pumping station",
    "hydraulic engineering, stormwater design, community engagement",
    "design drawings and a hydraulic report for the barrier and the new pumping station",
    by="lena", status="active", created=26, due=35, policy="approval", capacity=5,
    team=(("jonas", 25, "accept", None), ("pieter", 24, "accept", None),
          ("farid", 22, "accept", None), ("amara", 19, "decline", None),
          ("grace", 6, "pending", None)),
)

FORUM_TASKS = [
    T("Draft a shared 2050 vision statement", "public policy, communications, spatial planning",
      "a one-page vision statement every partner can sign", group="forum", by="hendrik",
      status="active", created=84, due=-30, policy="open", capacity=8, effort=0.15,
      team=(("willem", 80, "join", None), ("sanne", 79, "join", None),
            ("marcus", 75, "join", 9), ("helena", 70, "join", None),
            ("claire", 26, "join", None), ("julia", 24, "join", 20),
            ("elif", 19, "join", 14), ("gerrit", 11, "join", None),
            ("noor", 4, "join", None))),
    T("Agree partnership-wide flood-risk reduction targets",
      "risk governance, public policy, hydrology",
      "a set of flood-risk targets for 2030 and 2050", group="forum", by="admin",
      status="active", created=62, due=-10, policy="approval", capacity=6, effort=0.1,
      team=(("willem", 60, "accept", None), ("helena", 58, "accept", None),
            ("kwame", 50, "accept", None), ("sofia", 26, "accept", 10),
            ("oscar", 6, "pending", None))),
    T("Map stakeholder expectations for the vision",
      "participatory mapping, community engagement, spatial planning",
      "a map of what each partner expects from the vision", group="forum", by="sanne",
      status="open", created=40, no_due=True, policy="open", capacity=4),
    T("Compile lessons from other delta partnerships", "risk governance, public policy",
      "a short review of five delta partnerships", group="forum", by="helena",
      status="done", created=75, closed=52, due=-50, policy="open", capacity=3, effort=0.6,
      team=(("erik", 73, "join", None), ("anouk", 72, "join", None))),
    T("Plan the public launch of the vision", "communications, community engagement, education",
      "a launch event plan", group="forum", by="willem", status="cancelled", created=45,
      closed=12, policy="open", capacity=5, effort=0.2,
      team=(("julia", 24, "join", None), ("marcus", 40, "join", None))),
]

GREEN_TASKS = [
    T("Map candidate streets for bioswales in Eastside",
      "gis, stormwater design, participatory mapping",
      "a ranked list of 25 streets with room for bioswales", group="green", by="bram",
      status="done", created=70, closed=40),
    T("Design a rain-garden pilot at Harbour Primary School",
      "stormwater design, nature-based solutions, education",
      "a planting and drainage design the school can build with pupils", group="green",
      by="priya", status="done", created=50, closed=9),
    T("Run a street-party consultation on Kade Street",
      "community engagement, spatial planning, communications",
      "residents' choices for the Kade Street redesign", group="green", by="karin",
      status="done", created=40, closed=18),
    T("Monitor infiltration at the Kade Street pilot", "sensor networks, hydrology, data science",
      "six months of infiltration measurements", group="green", by="aisha", status="active",
      created=30, policy="open", capacity=3, full=True),
    T("Draft a maintenance agreement for green-street assets",
      "asset management, procurement, volunteer coordination",
      "an agreement on who maintains what", group="green", by="sofia", status="active",
      created=35, policy="approval"),
    T("Cost-benefit note for sponge-city measures",
      "public finance, stormwater design, flood insurance",
      "a cost-benefit note for the council budget round", group="green", by="bram",
      status="done", created=80, closed=45),
    T("Recruit residents as rain-garden stewards",
      "volunteer coordination, community engagement",
      "thirty residents who look after a rain garden each", group="green", by="rosa",
      status="active", created=25, due=21),
    T("Specify tree-pit planters that store stormwater",
      "stormwater design, civil engineering, biodiversity",
      "a standard detail for the council's street designs", group="green", by="priya",
      status="open", created=6),
]

# Everyday tasks: status, initiator, dates and team are drawn by the seeded generator.
# `by` pins the initiator's organisation (or person) where a planted pattern needs it.
TASKS = [
    # Flood Early Warning
    T("Install twelve low-cost river level sensors on the Rivermouth",
      "sensor networks, early warning systems, hydrology", "twelve working level sensors",
      group="warning"),
    T("Calibrate the flash-flood forecast for the Vaart catchment",
      "flood modelling, hydrology, data science", "a calibrated forecast with skill scores",
      group="warning"),
    T("Build a public flood warning dashboard", "dashboards, open data, risk communication",
      "a public dashboard with levels and warnings", group="warning", status="active", full=True),
    T("Translate flood warnings into six community languages",
      "risk communication, communications, community engagement",
      "warning texts in six languages", group="warning"),
    T("Test SMS alerts with the Eastside flood wardens",
      "early warning systems, volunteer coordination, risk communication",
      "a tested SMS alert chain", group="warning"),
    T("Write the data-sharing agreement for gauge data", "open data, water law, regulation",
      "a signed data-sharing agreement", group="warning"),
    # Funding & Regulation Roundtable
    T("Prepare the EU LIFE climate adaptation bid",
      "funding & grants, public policy, nature-based solutions", "a submitted LIFE bid",
      group="funding"),
    T("Compare procurement routes for green-blue infrastructure",
      "procurement, public finance, stormwater design", "a comparison of three routes",
      group="funding"),
    T("Review permitting rules for temporary flood barriers",
      "environmental permitting, regulation, water law", "a permitting checklist",
      group="funding"),
    T("Model a flood-resilience levy for the water board",
      "public finance, risk governance, flood insurance", "levy options with their yield",
      group="funding"),
    T("Brief councillors on the national adaptation programme",
      "public policy, risk governance, communications", "a briefing and a Q&A session",
      group="funding"),
    T("Check state-aid rules for the farmers' water retention scheme",
      "regulation, agriculture, funding & grants", "a legal opinion on state aid",
      group="funding"),
    # Water Quality & Health
    T("Sample bathing water at five estuary beaches",
      "water quality, microbiology, public health", "a summer of weekly samples",
      group="quality"),
    T("Map private wells in flood-prone farmland", "groundwater, gis, public health",
      "a map of private wells and their flood risk", group="quality"),
    T("Trace nitrate run-off from the polder farms",
      "water quality, agriculture, soil science", "a nitrate budget per sub-catchment",
      group="quality"),
    T("Run a health survey after the February floods",
      "public health, social vulnerability, community engagement",
      "a survey of 300 households", group="quality", by="health", created=70, due=-20,
      status="done", closed=24),
    T("Publish monthly water-quality bulletins", "water quality, communications, open data",
      "a monthly bulletin", group="quality"),
    T("Design a blue-green algae warning protocol",
      "microbiology, public health, risk communication", "an agreed warning protocol",
      group="quality"),
    # Engineering and hydrology
    T("Update the 1-in-100-year flood map for the lower river",
      "flood modelling, hydrology, gis", "an updated flood map"),
    T("Survey the condition of the Zuiderdijk embankment",
      "asset management, civil engineering, coastal engineering", "a condition survey"),
    T("Assess sediment build-up at the harbour mouth",
      "sediment transport, coastal engineering, remote sensing",
      "a sediment budget for the harbour mouth"),
    T("Size the storage for the Westpark detention basin",
      "stormwater design, hydrology, drainage systems", "a storage calculation"),
    T("Inspect and log every culvert in the Eastside polder",
      "drainage systems, asset management, participatory mapping",
      "a culvert register with photos"),
    T("Model groundwater rise under sea-level scenarios",
      "groundwater, hydrology, data science", "groundwater maps for three scenarios"),
    T("Review pumping-station capacity for 2040 rainfall",
      "hydraulic engineering, drainage systems, asset management",
      "a capacity review of nine pumping stations"),
    T("Specify permeable paving for the Market Square rebuild",
      "stormwater design, civil engineering, procurement", "a paving specification"),
    T("Run storm-surge scenarios for the estuary barrier",
      "coastal engineering, flood modelling", "surge levels for five scenarios"),
    T("Check combined-sewer overflow spill records",
      "drainage systems, water quality, data engineering", "a spill analysis per outfall"),
    T("Design a flood-proof entrance for the Eastside health centre",
      "civil engineering, public health, stormwater design", "an entrance design"),
    T("Compile as-built drawings of the old sluice gates", "asset management, open data",
      "a digital archive of sluice drawings"),
    # Policy and law
    T("Map who is legally responsible for each watercourse",
      "water law, spatial planning, gis", "a map of legal responsibilities"),
    T("Draft a partnership agreement on shared data", "water law, open data, risk governance",
      "a draft data agreement"),
    T("Add climate risk to the regional spatial plan",
      "spatial planning, public policy, risk governance", "proposed plan amendments"),
    T("Benchmark flood insurance take-up in Rivermouth",
      "flood insurance, data science, social vulnerability", "take-up figures by district"),
    T("Write the procurement brief for river-level sensors",
      "procurement, sensor networks, regulation", "a procurement brief"),
    T("Analyse the cost of the winter floods", "public finance, flood insurance, data science",
      "a damage and cost analysis"),
    T("Prepare a policy note on managed retreat",
      "public policy, spatial planning, environmental justice", "a policy note"),
    # Community and health
    T("Organise a flood-memory evening at the Eastside library",
      "community engagement, communications, education", "an evening with 80 residents"),
    T("Door-to-door flood-preparedness visits on Dijkstraat",
      "community engagement, volunteer coordination, risk communication",
      "visits to 120 households", status="active", full=True),
    T("Recruit and train twenty new flood wardens",
      "volunteer coordination, education, risk communication", "twenty trained wardens"),
    T("Map vulnerable residents with the care services",
      "social vulnerability, public health, participatory mapping",
      "a confidential register for flood days"),
    T("Write a plain-language guide to flood insurance",
      "communications, flood insurance, social vulnerability", "a four-page guide"),
    T("Run a school programme on the water cycle",
      "education, communications, water quality", "six school visits"),
    T("Hold a listening session with Eastside tenants",
      "community engagement, housing, environmental justice",
      "a report of what tenants told us"),
    T("Collect residents' photos of the February floods",
      "participatory mapping, community engagement, open data",
      "a geotagged photo archive"),
    T("Set up a mutual-aid list for flood days",
      "volunteer coordination, social vulnerability", "a mutual-aid list per street",
      by="health", created=60, due=-30, status="done", closed=35),
    T("Evaluate last winter's sandbag distribution",
      "volunteer coordination, risk communication, public health",
      "an evaluation with recommendations"),
    # Data and IT
    T("Clean and publish 30 years of rainfall records",
      "open data, data engineering, hydrology", "an open rainfall dataset"),
    T("Build a flood-exposure index per neighbourhood",
      "gis, data science, social vulnerability", "an exposure index"),
    T("Classify land cover from drone imagery", "remote sensing, machine learning, gis",
      "a land-cover map", by="kestrel", status="active", created=30, due=25),
    T("Set up the partnership's shared geodata server", "gis, data engineering, open data",
      "a running geodata server"),
    T("Predict basement flooding from residents' reports",
      "machine learning, data science, drainage systems", "a prediction model"),
    T("Automate the tide-gauge data feed", "data engineering, python, sensor networks",
      "an automated data feed", by="kestrel", status="done", created=55, closed=20, due=-15),
    T("Digitise historic flood marks", "gis, participatory mapping, open data",
      "a map of historic flood marks"),
    T("Validate satellite soil moisture against field probes",
      "remote sensing, soil science, data science", "a validation report"),
    # Ecology and water quality
    T("Restore four hectares of tidal marsh at Kreekrug",
      "wetland restoration, estuarine ecology, nature-based solutions",
      "a restored marsh and its monitoring plan", status="active", full=True),
    T("Count migratory birds before and after the dike works",
      "biodiversity, estuarine ecology", "two bird counts"),
    T("Trial buffer strips on three polder farms",
      "agriculture, water quality, nature-based solutions", "three trial strips",
      by="farmers", status="active", created=45, due=40),
    T("Survey eelgrass beds in the estuary",
      "estuarine ecology, remote sensing, biodiversity", "an eelgrass map",
      by="estuary", status="active", created=35, due=30),
    T("Plan oyster reefs as a living breakwater",
      "nature-based solutions, coastal engineering, estuarine ecology", "a reef plan"),
    T("Measure soil compaction on flooded farmland", "soil science, agriculture",
      "compaction measurements on twelve fields", by="farmers", status="active",
      created=50, due=-6),
    T("Remove invasive crayfish from the Vaart ditches",
      "biodiversity, volunteer coordination", "a trapping season",
      by="estuary", status="done", created=80, closed=40, due=-30),
    T("Write the ecological monitoring plan for the retention area",
      "water quality, biodiversity, environmental permitting", "a monitoring plan"),
    # Across clusters
    T("Hold a cross-sector workshop on the Eastside polder's future",
      "community engagement, spatial planning, hydrology", "a workshop report"),
    T("Evaluate the partnership's first year", "public policy, risk governance, communications",
      "an evaluation report"),
    T("Create an onboarding pack for new partners", "communications, education",
      "an onboarding pack"),
    T("Model the health impacts of heat and flooding together",
      "public health, data science, hydrology", "a combined health-risk model"),
    T("Co-design a floodable park with residents",
      "community engagement, stormwater design, nature-based solutions",
      "a park design residents chose"),
    T("Inventory emergency pumps across all partners", "asset management, procurement",
      "a shared pump inventory"),
    T("Publish an open API for flood warning levels",
      "open data, early warning systems, python", "a documented public API"),
    T("Review accessibility of evacuation routes",
      "spatial planning, social vulnerability, gis", "a route accessibility review"),
]

CONTEXT = (
    "Raised at the last plenary.", "Follows up on the February floods.",
    "Needed for the LIFE bid.", "Asked for by Eastside residents.",
    "The council's budget round closes soon.", "Builds on last year's pilot.",
    "Several partners asked for this separately.", "The water board needs this for its plan.",
)
BIO_TEMPLATES = (
    "{title} at {org}. I work on {t1} and {t2}, lately mostly on {focus}.",
    "{title}, {org}. Background in {t1}; happy to help with {t2}. Interested in {focus}.",
    "I am {title_lower} at {org}, working on {t1} and {t2}. Ask me about {focus}.",
)
JOIN_NOTES = (
    "I can help with the {tag} side: {title_lower} at {org}.",
    "I did similar {tag} work last year and have time on Thursdays.",
    "{tag} is my day job, so I can take a part of this.",
    "Happy to contribute on {tag}; we have data that may help.",
)
WORK_NOTES = (
    "Drafting", "Field visit", "Data cleaning", "Reading and notes", "Calls with partners",
    "Analysis", "Writing up", "Site survey", "Preparing materials", "Review and edits",
)
COMMENTS = (
    "I've put a first draft in the shared folder; comments welcome by Friday.",
    "Who has the contact at the water board for this?",
    "Quick update: about halfway there, no blockers so far.",
    "Could we check this against the February flood data first?",
    "Residents raised this at the last meeting too, so good to see it moving.",
    "I can bring the field kit on Tuesday if someone can drive.",
    "Small change of plan: the site visit moves to next week.",
    "The numbers look plausible to me, but let's get a second pair of eyes on them.",
)
DECLINE_REASONS = (
    "Thanks! The team is complete for this phase.",
    "We need someone with more hands-on experience for this one.",
    "Sorry, we are keeping the team small until the scope is clear.",
)
ALIGNOPHILIA_DECLINE = (
    "Thanks, Amara. We want to settle the hydraulics first; residents can come in at the "
    "consultation stage."
)
OUTCOME_ENDINGS = (
    "Files are in the shared folder.", "Presented at the plenary.",
    "Sent to all partners by email.", "Lessons learned are in the comments.",
)
CANCEL_REASONS = (
    "Superseded by the regional adaptation programme.", "No budget for this until next year.",
    "Merged into another task.", "The site owner withdrew permission.",
)
