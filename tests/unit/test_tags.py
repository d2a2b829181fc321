"""Tag normal form: trimmed, lower-cased, inner whitespace collapsed, checked, de-duplicated."""

import pytest

from coordinator.domain.tags import MAX_TAG_LENGTH, MAX_TAGS, TagError, normalise_tag, parse_tags

BAD_CHARACTERS = "may use letters, digits, spaces and . + # & / - _ only"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("flood risk", "flood risk"),
        ("  Flood Risk  ", "flood risk"),
        ("FLOOD RISK", "flood risk"),
        ("flood    risk", "flood risk"),
        ("Flood\t\n Risk", "flood risk"),
        ("flood\u00a0risk", "flood risk"),
        ("c++", "c++"),
        ("C#", "c#"),
        ("R&D", "r&d"),
        ("GIS/Remote-Sensing", "gis/remote-sensing"),
        ("v1.2", "v1.2"),
        ("2030 agenda", "2030 agenda"),
        ("ÉCOLE", "école"),
        ("água", "água"),
        ("日本", "日本"),
        ("x" * MAX_TAG_LENGTH, "x" * MAX_TAG_LENGTH),
        ("  " + "x" * MAX_TAG_LENGTH + "  ", "x" * MAX_TAG_LENGTH),
    ],
)
def test_normalise_tag(raw, expected):
    assert normalise_tag(raw) == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "a tag cannot be empty"),
        ("   ", "a tag cannot be empty"),
        ("\t\n", "a tag cannot be empty"),
        ("x" * (MAX_TAG_LENGTH + 1), f"“{'x' * 20}…” is longer than 40 characters"),
        ("Flood Risk" * 5, "“flood riskflood risk…” is longer than 40 characters"),
        ("-x", f"“-x” {BAD_CHARACTERS}"),
        (".net", f"“.net” {BAD_CHARACTERS}"),
        ("#hashtag", f"“#hashtag” {BAD_CHARACTERS}"),
        ("tag!", f"“tag!” {BAD_CHARACTERS}"),
        ("<script>", f"“<script>” {BAD_CHARACTERS}"),
        ("a<b", f"“a<b” {BAD_CHARACTERS}"),
        ("a\"b", f"“a\"b” {BAD_CHARACTERS}"),
        ("a,b", f"“a,b” {BAD_CHARACTERS}"),
        ("a;b", f"“a;b” {BAD_CHARACTERS}"),
        ("a\u200bb", f"“a\u200bb” {BAD_CHARACTERS}"),
        ("Bad!", f"“bad!” {BAD_CHARACTERS}"),
    ],
)
def test_normalise_tag_refuses(raw, message):
    with pytest.raises(TagError) as excinfo:
        normalise_tag(raw)
    assert str(excinfo.value) == message


def test_tag_error_is_a_value_error():
    assert issubclass(TagError, ValueError)


@pytest.mark.parametrize(
    ("text", "kwargs", "expected"),
    [
        ("", {}, []),
        (" , ,, ", {}, []),
        ("water", {}, ["water"]),
        ("a, b ,c", {}, ["a", "b", "c"]),
        ("Flood Risk, flood  risk, water", {}, ["flood risk", "water"]),
        ("b, a, B, c, A", {}, ["b", "a", "c"]),
        ("a,,b,", {}, ["a", "b"]),
        ("a;b; c", {"separator": ";"}, ["a", "b", "c"]),
        ("GIS; Flood Risk;gis", {"separator": ";"}, ["gis", "flood risk"]),
        ("a,b,a,b", {"limit": 2}, ["a", "b"]),
        (",".join(f"t{i}" for i in range(MAX_TAGS)), {}, [f"t{i}" for i in range(MAX_TAGS)]),
    ],
)
def test_parse_tags(text, kwargs, expected):
    assert parse_tags(text, **kwargs) == expected


@pytest.mark.parametrize(
    ("text", "kwargs", "message"),
    [
        (",".join(f"t{i}" for i in range(MAX_TAGS + 1)), {}, "at most 30 tags, got 31"),
        ("a,b,c", {"limit": 2}, "at most 2 tags, got 3"),
        ("a,b,c,A", {"limit": 2}, "at most 2 tags, got 3"),
        ("ok, bad!", {}, f"“bad!” {BAD_CHARACTERS}"),
        ("a, b", {"separator": ";"}, f"“a, b” {BAD_CHARACTERS}"),
        ("a;b, c;d", {"separator": ";"}, f"“b, c” {BAD_CHARACTERS}"),
        ("ok, " + "x" * 41, {}, f"“{'x' * 20}…” is longer than 40 characters"),
    ],
)
def test_parse_tags_refuses(text, kwargs, message):
    with pytest.raises(TagError) as excinfo:
        parse_tags(text, **kwargs)
    assert str(excinfo.value) == message
