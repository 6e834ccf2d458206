"""The event model: one rule set for `log`, `import` and `edit`."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
)

from signals.catalogue import Catalogue, Credibility, Indicator, Reliability, Status
from signals.errors import SignalsError
from signals.identity import fingerprint
from signals.likelihoods import WITHDRAWAL
from signals.text import REFUSED_IN_TEXT

# The fields every event has, and the only ones an ordinary row (and the import's fast
# path) fills.
BASE_FIELDS = (
    "indicator",
    "summary",
    "observed_at",
    "source",
    "url",
    "reliability",
    "credibility",
    "status",
    "location",
    "analyst",
    "tags",
    "notes",
    "external_id",
)
# How an event is read: a variant the indicator declares, the earlier event it ends (a
# breach or a withdrawal), the observation it shares with events filed under other
# indicators, and another indicator it could be filed under. Empty for most events.
READING_FIELDS = ("variant", "ends", "observation", "alternative")
EVENT_FIELDS = (*BASE_FIELDS, *READING_FIELDS)
REQUIRED_FIELDS = ("indicator", "summary", "observed_at")
# A row as the table takes it: an ordinary one stops after the fingerprint (the columns
# after it keep their defaults), one with a reading has all of them.
PLAIN_ORDER = (*BASE_FIELDS, "fingerprint")
CONTENT_ORDER = (*PLAIN_ORDER, *READING_FIELDS)
# The columns of a file (`import` and `export`): the event it ends is named by how it ends.
ENDING_COLUMNS = ("breaks", "withdraws")
FILE_COLUMNS = (*BASE_FIELDS, "variant", *ENDING_COLUMNS, "observation", "alternative")

# Tab and newline are text; any other control character (a carriage return, ESC, the
# C1 codes) or line separator would act on the terminal or the brief it is shown in.
CONTROL_CHARACTERS = REFUSED_IN_TEXT
URL_PATTERN = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)
EARLIEST_DATE = dt.date(1900, 1, 1)
TAG_MAX_LENGTH = 50


def _clean_text(value: Any) -> Any:
    """Strip, refuse control characters, and treat an empty cell as no value."""
    if value is None:
        return None
    if not isinstance(value, str):
        return value
    if "\r\n" in value:
        # A line ending from another system, in a multi-line note.
        value = value.replace("\r\n", "\n")
    if CONTROL_CHARACTERS.search(value):
        raise ValueError("contains control characters or line separators")
    stripped = value.strip()
    return stripped or None


def _upper(value: Any) -> Any:
    return value.strip().upper() if isinstance(value, str) else value


def _lower(value: Any) -> Any:
    return value.strip().lower() if isinstance(value, str) else value


def _as_text(value: Any) -> Any:
    # Credibility grades are digits; a CSV or JSON may give them as numbers.
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value.strip() if isinstance(value, str) else value


def _parse_tags(value: Any) -> Any:
    if value is None:
        return []
    if isinstance(value, str):
        value = value.split(";")
    if isinstance(value, list | tuple):
        tags: list[str] = []
        for tag in value:
            cleaned = _clean_text(tag) if isinstance(tag, str) else tag
            if cleaned and cleaned not in tags:
                tags.append(cleaned)
        return tags
    return value


def _check_url(value: str | None) -> str | None:
    if value is not None and not URL_PATTERN.match(value):
        raise ValueError("must be an http:// or https:// address")
    return value


def _check_tag(value: list[str]) -> list[str]:
    for tag in value:
        if len(tag) > TAG_MAX_LENGTH:
            raise ValueError(f"tag '{tag[:20]}…' is longer than {TAG_MAX_LENGTH} characters")
    return value


Text = Annotated[str, BeforeValidator(_clean_text)]
OptionalText = Annotated[str | None, BeforeValidator(_clean_text)]


class EventInput(BaseModel):
    """What an analyst or a file says about one observation, validated once for every path in."""

    # Validators are built on first use (see signals.catalogue): most commands need few.
    model_config = ConfigDict(extra="forbid", frozen=True, str_max_length=10_000, defer_build=True)

    indicator: Annotated[str, BeforeValidator(_lower)] = Field(min_length=1, max_length=80)
    summary: Text = Field(min_length=3, max_length=2_000)
    observed_at: dt.date
    source: OptionalText = Field(default=None, max_length=200)
    url: Annotated[OptionalText, AfterValidator(_check_url)] = Field(default=None, max_length=2_000)
    reliability: Annotated[Reliability, BeforeValidator(_upper)] = Reliability.F
    credibility: Annotated[Credibility, BeforeValidator(_as_text)] = Credibility.CANNOT_JUDGE
    status: Annotated[Status, BeforeValidator(_lower)] = Status.REPORTED
    location: OptionalText = Field(default=None, max_length=200)
    analyst: OptionalText = Field(default=None, max_length=100)
    tags: Annotated[list[str], BeforeValidator(_parse_tags), AfterValidator(_check_tag)] = Field(
        default_factory=list, max_length=20
    )
    notes: OptionalText = Field(default=None, max_length=10_000)
    external_id: OptionalText = Field(default=None, max_length=200)
    # Before `variant`: the reading of an event that ends another follows from it.
    ends: int | None = Field(default=None, gt=0)
    variant: Annotated[OptionalText, BeforeValidator(_lower)] = Field(
        default=None, max_length=40, validate_default=True
    )
    observation: OptionalText = Field(default=None, max_length=80)
    alternative: Annotated[OptionalText, BeforeValidator(_lower)] = Field(
        default=None, max_length=80
    )

    @field_validator("indicator")
    @classmethod
    def _known_indicator(cls, value: str, info: ValidationInfo) -> str:
        catalogue = info.context.get("catalogue") if info.context else None
        if isinstance(catalogue, Catalogue) and value not in catalogue.by_id:
            suggestions = catalogue.suggest(value)
            hint = f"; did you mean {', '.join(suggestions)}?" if suggestions else ""
            raise ValueError(f"unknown indicator '{value}'{hint}")
        return value

    @field_validator("ends")
    @classmethod
    def _endable(cls, value: int | None, info: ValidationInfo) -> int | None:
        indicator = _indicator(info)
        if value is not None and indicator is not None and indicator.ending() is None:
            raise ValueError(
                f"indicator '{indicator.id}' declares no breach or withdrawal, so no event of"
                " it ends another"
            )
        return value

    @field_validator("variant")
    @classmethod
    def _declared_variant(cls, value: str | None, info: ValidationInfo) -> str | None:
        indicator = _indicator(info)
        if indicator is None:
            return value
        if info.data.get("ends") is not None:
            if value is not None and value != indicator.ending():
                raise ValueError(
                    f"an event that ends another is read as its {indicator.ending()}:"
                    " give no variant with it"
                )
            return indicator.ending()
        if value is None:
            return None
        if not indicator.variants:
            raise ValueError(f"indicator '{indicator.id}' declares no variants")
        if value not in indicator.variants:
            raise ValueError(
                f"'{value}' is not a variant of '{indicator.id}'; choose"
                f" {', '.join(indicator.variants)}"
            )
        return value

    @field_validator("alternative")
    @classmethod
    def _other_indicator(cls, value: str | None, info: ValidationInfo) -> str | None:
        catalogue = info.context.get("catalogue") if info.context else None
        if value is None or not isinstance(catalogue, Catalogue):
            return value
        if value not in catalogue.by_id:
            suggestions = catalogue.suggest(value)
            hint = f"; did you mean {', '.join(suggestions)}?" if suggestions else ""
            raise ValueError(f"unknown indicator '{value}'{hint}")
        if value == info.data.get("indicator"):
            raise ValueError(
                "names the event's own indicator; give another it could be filed under"
            )
        return value

    @field_validator("observed_at", mode="before")
    @classmethod
    def _read_date(cls, value: Any) -> Any:
        if isinstance(value, str):
            from signals.dates import read_date

            return read_date(value)
        return value

    @field_validator("observed_at")
    @classmethod
    def _plausible_date(cls, value: dt.date, info: ValidationInfo) -> dt.date:
        today = (info.context or {}).get("today") or dt.date.today()
        if value < EARLIEST_DATE:
            raise ValueError(f"is before {EARLIEST_DATE.isoformat()}")
        # A day's grace: a source east of the analyst may date an event by a calendar
        # that is already a day ahead.
        if value > today + dt.timedelta(days=1):
            raise ValueError("is in the future: an event is logged once it has been observed")
        return value

    def fingerprint(self) -> int:
        return fingerprint(
            self.indicator, self.summary, self.observed_at.isoformat(), self.source, self.url
        )

    @property
    def read(self) -> bool:
        """Whether any field of its reading is given: the row then needs every column."""
        return any((self.variant, self.ends is not None, self.observation, self.alternative))

    def values(self) -> tuple[Any, ...]:
        """The row in the order of `PLAIN_ORDER`, or of `CONTENT_ORDER` when it is `read`."""
        row = tuple(self.row().values())
        return row if self.read else row[: len(PLAIN_ORDER)]

    def row(self) -> dict[str, Any]:
        """The columns this input fills in the events table."""
        return {
            "indicator": self.indicator,
            "summary": self.summary,
            "observed_at": self.observed_at.isoformat(),
            "source": self.source,
            "url": self.url,
            "reliability": self.reliability.value,
            "credibility": self.credibility.value,
            "status": self.status.value,
            "location": self.location,
            "analyst": self.analyst,
            "tags": ";".join(self.tags) if self.tags else None,
            "notes": self.notes,
            "external_id": self.external_id,
            "fingerprint": self.fingerprint(),
            "variant": self.variant or "",
            "ends": self.ends,
            "observation": self.observation,
            "alternative": self.alternative,
        }


class Retraction(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)

    reason: str
    retracted_at: str
    analyst: str | None = None


class EventEdit(BaseModel):
    """A correction: the revision it wrote, when, why and by whom."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    revision: int
    edited_at: str
    reason: str | None = None
    analyst: str | None = None


class Event(BaseModel):
    """An event as stored: its current revision, and its retraction if withdrawn."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    id: int
    indicator: str
    summary: str
    observed_at: dt.date
    source: str | None
    url: str | None
    reliability: Reliability
    credibility: Credibility
    status: Status
    location: str | None
    analyst: str | None
    tags: list[str]
    notes: str | None
    external_id: str | None
    logged_at: str
    revision: int
    revised_at: str
    variant: str = ""
    ends: int | None = None
    observation: str | None = None
    alternative: str | None = None
    retraction: Retraction | None = None

    @field_validator("tags", mode="before")
    @classmethod
    def _split_tags(cls, value: Any) -> Any:
        return _parse_tags(value)

    @property
    def grade(self) -> str:
        return f"{self.reliability.value}{self.credibility.value}"

    def as_input(self) -> dict[str, Any]:
        """This event's fields as `EventInput` takes them, for an edit to start from."""
        data = self.model_dump(include=set(EVENT_FIELDS))
        data["observed_at"] = self.observed_at.isoformat()
        # The reading of an ending follows from what it ends; an empty variant is none.
        data["variant"] = None if self.ends is not None else self.variant or None
        return data

    def public(self) -> dict[str, Any]:
        """The JSON shape of an event: the CSV columns plus id and logged_at."""
        data: dict[str, Any] = {"id": self.id}
        data.update(self.model_dump(mode="json", include=set(EVENT_FIELDS)))
        data["logged_at"] = self.logged_at
        data["revision"] = self.revision
        data["retracted"] = self.retraction is not None
        return data


class EventRevision(BaseModel):
    """An earlier revision of an event, kept when it was corrected."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    revision: int
    revised_at: str
    replaced_at: str
    fields: dict[str, Any]

    @field_validator("fields", mode="before")
    @classmethod
    def _tags_as_in_an_event(cls, value: Any) -> Any:
        # Stored as the CSV cell ("a;b"); shown, like an event's, as a list.
        if isinstance(value, dict) and "tags" in value:
            return {**value, "tags": _parse_tags(value["tags"])}
        return value


def ending_flag_problem(indicator: Indicator, flag: str) -> str | None:
    """Why `flag` (breaks or withdraws, as the person typed it) does not fit how events of
    `indicator` end, if it does not: a truce is broken, a standing position withdrawn."""
    ending = indicator.ending()
    if ending is None:
        return (
            f"indicator '{indicator.id}' declares no breach or withdrawal, so no event of it"
            " ends another"
        )
    right, wrong = ("withdraws", "breaks") if ending == WITHDRAWAL else ("breaks", "withdraws")
    if right in flag:
        return None
    what = (
        "a standing position, withdrawn rather than broken"
        if ending == WITHDRAWAL
        else "broken rather than withdrawn"
    )
    return f"indicator '{indicator.id}' is {what}: use {flag.replace(wrong, right)}"


def _indicator(info: ValidationInfo) -> Indicator | None:
    """The event's indicator in the catalogue the model validates against, once known."""
    catalogue = info.context.get("catalogue") if info.context else None
    if not isinstance(catalogue, Catalogue):
        return None
    return catalogue.by_id.get(str(info.data.get("indicator")))


def field_problems(error: ValidationError) -> list[tuple[str, str]]:
    """(field, reason) for each problem, worded for the person who typed the value."""
    problems: list[tuple[str, str]] = []
    for item in error.errors():
        name = str(item["loc"][0]) if item["loc"] else "event"
        reason = item["msg"].removeprefix("Value error, ")
        if item["type"] == "extra_forbidden":
            reason = "is not a field of an event"
        elif item["type"] == "missing" or (item["type"] == "string_type" and item["input"] is None):
            reason = "is required"  # an empty or blank text is no value at all
        elif item["type"] == "enum":
            reason = _enum_reason(name)
        else:
            reason = _length_reason(name, item["type"], item.get("ctx", {})) or reason
        problems.append((name, reason))
    return problems


def _length_reason(name: str, kind: str, ctx: dict[str, Any]) -> str | None:
    """A length limit in the words of what was typed: characters of a text, or a count of
    the field's items (tags), with the limit the model set."""
    if kind == "string_too_short":
        return f"must be at least {_count(ctx['min_length'], 'character')}"
    if kind == "string_too_long":
        return f"must be at most {_count(ctx['max_length'], 'character')}"
    if kind == "too_long":
        given = f" ({ctx['actual_length']} given)" if "actual_length" in ctx else ""
        return f"must be at most {ctx['max_length']} {name}{given}"
    return None


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _enum_reason(name: str) -> str:
    return {
        "reliability": "must be a reliability grade A to F",
        "credibility": "must be a credibility grade 1 to 6",
        "status": "must be reported, confirmed or refuted",
    }.get(name, "is not one of the allowed values")


def parse_event(
    data: dict[str, Any], catalogue: Catalogue, today: dt.date | None = None
) -> EventInput:
    """Validate one event's fields against the model and the catalogue."""
    try:
        return EventInput.model_validate(data, context={"catalogue": catalogue, "today": today})
    except ValidationError as error:
        problems = field_problems(error)
        raise InvalidEventError(problems) from None


class InvalidEventError(SignalsError):
    def __init__(self, problems: list[tuple[str, str]]) -> None:
        self.problems = problems
        described = "; ".join(f"{name}: {reason}" for name, reason in problems)
        super().__init__(f"Invalid event: {described}.")
