"""Working groups, with the Vision Forum's churn and both planted groups' meetings."""

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
