"""The administration rules, in the service every interface calls."""

import pytest

from coordinator.errors import InvalidInputError
from coordinator.services import administration
from coordinator.services.administration import LastAdminError, OrganisationInput


def _org(name: str, sector: str = "business") -> OrganisationInput:
    return OrganisationInput(name=name, sector=sector, formal_authority=1, resource_control=0,
                             discursive_legitimacy=2, critical_stakeholder=False)


def test_organisation_names_are_unique_whatever_their_case(make):
    p = make.partnership()
    administration.save_organisation(p, None, _org("Delta Water Board"))
    with pytest.raises(InvalidInputError) as refused:
        administration.save_organisation(p, None, _org("  delta water BOARD "))
    assert refused.value.field == "name"
    other = make.partnership()
    assert administration.save_organisation(other, None, _org("Delta Water Board")).id


def test_an_organisation_keeps_its_own_name_when_saved_again(make):
    p = make.partnership()
    org = administration.save_organisation(p, None, _org("River Friends", "civil_society"))
    saved = administration.save_organisation(p, org, _org("River Friends", "government"))
    assert (saved.id, saved.sector, saved.tier) == (org.id, "government", org.tier)


def test_critical_sectors_must_be_sectors_the_partnership_has(make):
    p = make.partnership()
    make.organisation(p, sector="government")
    with pytest.raises(InvalidInputError) as refused:
        administration.save_settings(p, "P", "", ["government", "academia"])
    assert refused.value.field == "critical_sectors" and p.critical_sectors is None
    administration.save_settings(p, " P ", "", ["government"])
    assert (p.name, p.critical_sectors) == ("P", ["government"])


def test_the_last_admin_stays_an_admin(make):
    p = make.partnership()
    admin = make.member(p, role="admin")
    with pytest.raises(LastAdminError):
        administration.set_role(admin, "member", None)
    assert admin.role == "admin"
    second = make.member(p, role="admin")
    administration.set_role(admin, "member", None)
    assert admin.role == "member"
    with pytest.raises(LastAdminError):
        administration.set_role(second, "coordinator", None)


def test_a_member_cannot_be_put_in_another_partnerships_organisation(make):
    p, other = make.partnership(), make.partnership()
    member = make.member(p)
    foreign = make.organisation(other)
    make.commit()
    with pytest.raises(InvalidInputError) as refused:
        administration.set_role(member, "member", foreign.id)
    assert refused.value.field == "organisation_id" and member.organisation_id is None
