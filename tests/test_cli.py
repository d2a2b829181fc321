"""Operator commands through the CLI runner."""

import pytest
from sqlalchemy import func, select

from coordinator.extensions import db
from coordinator.models import Membership, Organisation, Partnership, Tag, User

GOOD = """email,name,organization,sector,tags,bio
ana@example.org,Ana Alves,Delta Water Board,government,Hydrology; flood modelling,Hydrologist
ben@example.org,Ben Berg,River Friends,civil society,community engagement,
cat@example.org,Cat Chen,,,,
"""

BAD = """email,name,organization,sector,tags,bio
ana@example.org,Ana Alves,Delta Water Board,government,hydrology,
not-an-email,Bob,River Friends,civil society,,
cat@example.org,,River Friends,civil society,,
dan@example.org,Dan,Acme,industry,,
"""


def _counts():
    return tuple(db.session.scalar(select(func.count()).select_from(model))
                 for model in (User, Membership, Organisation, Tag))


def test_import_members_all_or_nothing(runner, make, tmp_path):
    make.partnership(slug="river")
    make.commit()
    bad = tmp_path / "bad.csv"
    bad.write_text(BAD)
    result = runner.invoke(args=["import-members", str(bad), "--partnership", "river"])
    assert result.exit_code == 1
    assert "row 3: email “not-an-email” is invalid" in result.output
    assert "row 4: name is empty" in result.output
    assert "row 5: sector “industry” is not one of" in result.output
    assert "nothing imported: 3 invalid row(s)" in result.output
    assert _counts() == (0, 0, 0, 0)


def test_import_members_skip_invalid_reports_what_it_skipped(runner, make, tmp_path):
    make.partnership(slug="river")
    make.commit()
    bad = tmp_path / "bad.csv"
    bad.write_text(BAD)
    result = runner.invoke(args=["import-members", str(bad), "--partnership", "river",
                                 "--skip-invalid"])
    assert result.exit_code == 0, result.output
    assert "skipped row 3" in result.output
    assert "Imported 1 member(s)" in result.output
    assert db.session.scalar(select(User.email)) == "ana@example.org"


def test_import_members_is_idempotent(runner, make, tmp_path):
    partnership = make.partnership(slug="river")
    make.commit()
    good = tmp_path / "good.csv"
    good.write_text(GOOD)
    first = runner.invoke(args=["import-members", str(good), "--partnership", "river"])
    assert first.exit_code == 0, first.output
    assert ("Imported 3 member(s); invited 0 who already have an account (they join once "
            "they accept); 0 already members; 2 new organisation(s)") in first.output
    counts = _counts()
    assert counts == (3, 3, 2, 3)
    second = runner.invoke(args=["import-members", str(good), "--partnership", "river"])
    assert "; 3 already members; 0 new organisation(s)" in second.output
    assert "Imported 0 member(s); invited 0" in second.output
    assert _counts() == counts
    ana = db.session.scalar(select(Membership).join(User).where(User.email == "ana@example.org"))
    assert ana.tag_names == ["flood modelling", "hydrology"]
    assert ana.organisation.sector == "government"
    assert ana.partnership_id == partnership.id


def test_import_conflicting_sector_for_an_existing_organisation(runner, make, tmp_path):
    partnership = make.partnership(slug="river")
    make.organisation(partnership, name="Delta Water Board", sector="business")
    make.commit()
    good = tmp_path / "good.csv"
    good.write_text(GOOD)
    result = runner.invoke(args=["import-members", str(good), "--partnership", "river"])
    assert result.exit_code == 1
    assert "row 2: organization “Delta Water Board” is already registered" in result.output


def test_import_unknown_partnership(runner, tmp_path):
    good = tmp_path / "good.csv"
    good.write_text(GOOD)
    result = runner.invoke(args=["import-members", str(good), "--partnership", "nope"])
    assert result.exit_code == 1
    assert "no partnership with slug “nope”" in result.output


def test_import_page_reports_rows(client, auth, make):
    partnership = make.partnership(slug="river")
    make.member(partnership, role="admin", email="admin@example.org")
    make.commit()
    auth.login("admin@example.org")
    from io import BytesIO

    response = client.post("/p/river/admin/import", data={
        "file": (BytesIO(BAD.encode()), "members.csv")}, content_type="multipart/form-data")
    assert "Nothing was imported" in response.text
    assert "Row 3: email" in response.text
    assert db.session.scalar(select(func.count()).select_from(User)) == 1
    response = client.post("/p/river/admin/import", data={
        "file": (BytesIO(GOOD.encode()), "members.csv")}, content_type="multipart/form-data")
    assert "3 members added" in response.text


def test_create_partnership_and_admin(runner, app):
    assert runner.invoke(args=["create-partnership", "river", "River"]).exit_code == 0
    dup = runner.invoke(args=["create-partnership", "river", "River"])
    assert "exists already" in dup.output
    weak = runner.invoke(args=["create-admin", "boss@example.org", "--partnership", "river"],
                         env={"POLDER_ADMIN_PASSWORD": "password123"})
    assert weak.exit_code == 1 and "commonly used" in weak.output
    result = runner.invoke(args=["create-admin", "Boss@Example.org", "--partnership", "river"],
                           env={"POLDER_ADMIN_PASSWORD": "long enough passphrase"})
    assert result.exit_code == 0, result.output
    assert "boss@example.org is an admin of river." in result.output
    with app.app_context():
        member = db.session.scalar(select(Membership).join(Partnership).where(
            Partnership.slug == "river"))
        assert (member.role, member.user.email) == ("admin", "boss@example.org")


@pytest.mark.parametrize("command", [["seed-demo"], ["recompute", "--partnership", "river"],
                                     ["send-digests"]])
def test_every_now_option_refuses_a_moment_without_offset_alike(runner, make, command):
    make.partnership(slug="river")
    make.commit()
    result = runner.invoke(args=[*command, "--now", "2026-11-23T08:00:00"])
    assert result.exit_code == 2
    assert "no UTC offset" in result.output and "--now" in result.output
