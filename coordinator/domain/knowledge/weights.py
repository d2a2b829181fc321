"""How much each part of a profile weighs in its knowledge vector (docs/coordinators.md).

Apart from domain.knowledge.vectors so the web process can weigh a profile without
loading numpy (domain.knowledge.placement).
"""

DECLARED_WEIGHT = 1.0  # a tag the member declared
COMPLETED_WEIGHT = 0.5  # per completed task that required the tag
BIO_WEIGHT = 0.8  # per bio term (1 + ln count), in one norm with the tags
