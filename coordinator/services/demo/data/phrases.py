"""Text the seeder picks from: bios, task context, notes, comments, reasons."""

# What a member has lately worked on, by cluster; ends their bio.
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
    "port": ("keeping the harbour open in storm season", "a channel deep enough for ships",
             "quay walls that outlast the next surge", "terminals that keep working in floods"),
}

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
