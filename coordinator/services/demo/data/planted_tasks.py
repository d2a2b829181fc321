"""The task template, and the tasks that carry the planted patterns."""

from dataclasses import dataclass


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

# The port terminal team works only with itself: every team below is port people, and
# nobody from the port joins anything else (people.CLOSED_CIRCLE), so its knowledge
# cluster has no ties outside (a silo).
SILO_TASKS = [
    T("Dredging plan for the inner harbour channel", "dredging, navigation, port operations",
      "a dredging plan and schedule for the next two years", by="bas", status="active",
      created=60, due=30, policy="open", capacity=4,
      team=(("henk", 58, "join", None), ("linde", 55, "join", None),
            ("ruud", 40, "join", None))),
    T("Update the quay-wall inspection schedule", "quay walls, harbour safety",
      "an inspection schedule for every quay wall", by="linde", status="done", created=80,
      closed=20, due=-15, policy="open", capacity=3,
      team=(("joost", 75, "join", None), ("esther", 70, "join", None))),
    T("Storm-surge closure drill for the terminals", "harbour safety, cargo handling",
      "a drill report with the closure times of every terminal", by="joost",
      status="active", created=30, due=20, policy="open", capacity=4,
      team=(("henk", 28, "join", None), ("ruud", 27, "join", None),
            ("esther", 25, "join", None))),
]
