"""Parse and validate a members CSV (email,name,organization,sector,tags,bio)."""

import csv
import io
from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email

from coordinator.domain.power.sectors import normalise_sector

from .tags import TagError, parse_tags

COLUMNS = ("email", "name", "organization", "sector", "tags", "bio")
MAX_BIO = 2000


@dataclass(frozen=True)
class MemberRow:
    line: int
    email: str
    name: str
    organisation: str
    sector: str | None
    tags: tuple[str, ...]
    bio: str


@dataclass(frozen=True)
class RowError:
    line: int
    message: str

    def __str__(self) -> str:
        return f"row {self.line}: {self.message}"


def normalise_email(raw: str) -> str:
    """Validated, lower-cased address; raises ValueError with a readable reason."""
    try:
        return validate_email(raw.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise ValueError(str(exc)) from None


def parse_member_csv(text: str) -> tuple[list[MemberRow], list[RowError]]:
    """Return the valid rows and one error per bad row; line numbers count the header as 1."""
    # csv.reader (not DictReader) so blank rows still count, as a spreadsheet shows them.
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    header = [name.strip().lower() for name in next(reader, [])]
    missing = [column for column in COLUMNS if column not in header]
    if missing:
        return [], [RowError(1, f"missing column(s): {', '.join(missing)}")]
    rows: list[MemberRow] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    for line, values in enumerate(reader, start=2):
        if not any(value.strip() for value in values):
            continue
        record = dict(zip(header, values, strict=False))
        if len(values) > len(header):
            record[None] = values[len(header):]
        try:
            row = _parse_row(line, record)
        except ValueError as exc:
            errors.append(RowError(line, str(exc)))
            continue
        if row.email in seen:
            errors.append(RowError(line, f"email {row.email} already on row {seen[row.email]}"))
            continue
        seen[row.email] = line
        rows.append(row)
    return rows, errors


def _parse_row(line: int, record: dict) -> MemberRow:
    if None in record:
        raise ValueError("more fields than columns (quote values that contain commas)")
    values = {key: (record.get(key) or "").strip() for key in COLUMNS}
    try:
        email = normalise_email(values["email"])
    except ValueError as exc:
        raise ValueError(f"email “{values['email']}” is invalid: {exc}") from None
    if not values["name"]:
        raise ValueError("name is empty")
    if len(values["name"]) > 120:
        raise ValueError("name is longer than 120 characters")
    sector = None
    if values["organization"]:
        if len(values["organization"]) > 160:
            raise ValueError("organization is longer than 160 characters")
        sector = normalise_sector(values["sector"])
        if sector is None:
            raise ValueError(
                f"sector “{values['sector']}” is not one of business, government, "
                "academia, civil society, other"
            )
    elif values["sector"]:
        raise ValueError("sector given without an organization")
    try:
        tags = tuple(parse_tags(values["tags"], separator=";"))
    except TagError as exc:
        raise ValueError(f"tags: {exc}") from None
    if len(values["bio"]) > MAX_BIO:
        raise ValueError(f"bio is longer than {MAX_BIO} characters")
    return MemberRow(line, email, values["name"], values["organization"], sector, tags,
                     values["bio"])
