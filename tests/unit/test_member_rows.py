"""Members CSV: valid rows come back, each bad row gives one error with its row number."""

import pytest

from coordinator.domain.member_rows import MemberRow, RowError, parse_member_csv

HEADER = "email,name,organization,sector,tags,bio\n"
NOT_A_SECTOR = "is not one of business, government, academia, civil society, other"


def member(line, email, name, organisation="", sector=None, tags=(), bio=""):
    return MemberRow(line, email, name, organisation, sector, tags, bio)


def test_valid_file():
    text = HEADER + "".join([
        " Ann@Example.org ,Ann Smith,Waterboard,Government,Flood Risk; GIS;flood  risk,Hydro\n",
        'bob@example.org,"Smith, Bob","Org, Inc",civil-society,,"Two\nlines"\n',
        "cy@example.org,Cy,,,,\n",  # row 4 although line 5: the quoted bio spans two lines
    ])
    assert parse_member_csv(text) == (
        [
            member(2, "ann@example.org", "Ann Smith", "Waterboard", "government",
                   ("flood risk", "gis"), "Hydro"),
            member(3, "bob@example.org", "Smith, Bob", "Org, Inc", "civil_society",
                   bio="Two\nlines"),
            member(4, "cy@example.org", "Cy"),
        ],
        [],
    )


@pytest.mark.parametrize(
    ("text", "rows"),
    [
        ("\ufeff" + HEADER + "a@example.org,A,,,,\n", [member(2, "a@example.org", "A")]),
        (
            " Email , NAME ,Organization,Sector,Tags,Bio\r\na@example.org,A,,,,\r\n",
            [member(2, "a@example.org", "A")],
        ),
        (
            "bio,tags,sector,organization,name,email\nhi,x,,,A,a@example.org\n",
            [member(2, "a@example.org", "A", tags=("x",), bio="hi")],
        ),
        (
            "email,name,organization,sector,tags,bio,phone\na@example.org,A,,,,,0123\n",
            [member(2, "a@example.org", "A")],
        ),
        (HEADER + "a@example.org,A\n", [member(2, "a@example.org", "A")]),
        (HEADER, []),
    ],
    ids=["bom", "header-case-and-crlf", "column-order", "extra-column", "short-row",
         "header-only"],
)
def test_header_variants(text, rows):
    assert parse_member_csv(text) == (rows, [])


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "missing column(s): email, name, organization, sector, tags, bio"),
        ("email,name,tags\na@example.org,A,x\n", "missing column(s): organization, sector, bio"),
        ("email;name;organization;sector;tags;bio\n",
         "missing column(s): email, name, organization, sector, tags, bio"),
    ],
)
def test_missing_columns(text, message):
    assert parse_member_csv(text) == ([], [RowError(1, message)])


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("not-an-email,B,,,,",
         "email “not-an-email” is invalid: An email address must have an @-sign."),
        (",B,,,,", "email “” is invalid: An email address must have an @-sign."),
        ("b@example.org,  ,,,,", "name is empty"),
        ("b@example.org," + "n" * 121 + ",,,,", "name is longer than 120 characters"),
        ("b@example.org,B," + "o" * 161 + ",other,,", "organization is longer than 160 characters"),
        ("b@example.org,B,Org,Church,,", f"sector “Church” {NOT_A_SECTOR}"),
        ("b@example.org,B,Org,,,", f"sector “” {NOT_A_SECTOR}"),
        ("b@example.org,B,,business,,", "sector given without an organization"),
        ("b@example.org,B,,,ok;bad!,",
         "tags: “bad!” may use letters, digits, spaces and . + # & / - _ only"),
        ('b@example.org,B,,,"water, law",',  # a comma does not separate tags
         "tags: “water, law” may use letters, digits, spaces and . + # & / - _ only"),
        ("b@example.org,B,,,a,b,c",
         "more fields than columns (quote values that contain commas)"),
        ("b@example.org,B,,,," + "b" * 2001, "bio is longer than 2000 characters"),
    ],
)
def test_bad_row_is_reported_with_its_row_number(row, message):
    text = HEADER + "a@example.org,A,,,,\n" + row + "\n" + "c@example.org,C,,,,\n"
    assert parse_member_csv(text) == (
        [member(2, "a@example.org", "A"), member(4, "c@example.org", "C")],
        [RowError(3, message)],
    )


@pytest.mark.parametrize(
    ("tags", "expected"),
    [
        ("", ()),
        ("GIS", ("gis",)),
        ("Flood Risk; GIS ;flood  risk", ("flood risk", "gis")),
        (";;water;", ("water",)),
        ("c++;R&D;gis/remote-sensing", ("c++", "r&d", "gis/remote-sensing")),
    ],
)
def test_tags_are_split_on_semicolons_and_normalised(tags, expected):
    assert parse_member_csv(HEADER + f"a@example.org,A,,,{tags},\n") == (
        [member(2, "a@example.org", "A", tags=expected)],
        [],
    )


def test_duplicate_email_reports_both_rows():
    text = HEADER + "a@example.org,A,,,,\nb@example.org,B,,,,\nA@EXAMPLE.ORG,A2,,,,\n"
    rows, errors = parse_member_csv(text)
    assert rows == [member(2, "a@example.org", "A"), member(3, "b@example.org", "B")]
    assert errors == [RowError(4, "email a@example.org already on row 2")]
    assert str(errors[0]) == "row 4: email a@example.org already on row 2"


def test_row_error_reads_as_row_and_message():
    assert str(RowError(7, "name is empty")) == "row 7: name is empty"


# A blank line is a row in a spreadsheet, but DictReader skips it, so every later row
# number is one too low.
def test_blank_line_still_counts_as_a_row():
    rows, errors = parse_member_csv(HEADER + "\nnot-an-email,B,,,,\n")
    assert [error.line for error in errors] == [3]
