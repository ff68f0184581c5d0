"""Shared shapes of spec v1: the base model every section derives from, and the value types used across it.

Each value type carries its JSON Schema constraints and, as a `Format`, the sentence that says what a valid
value looks like: the generated schema shows it to editors and error messages show it to people.
"""

import functools
import math
import re
from typing import Annotated, Any, ClassVar

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PlainValidator,
    Strict,
    StringConstraints,
    ValidatorFunctionWrapHandler,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from stackgen.frozen import Frozen


class Format(Frozen):
    """What a valid value of a type looks like, in words; read by error messages."""

    text: str


class SpecModel(BaseModel):
    """A section of the spec: immutable, unknown keys refused, keys as written in YAML."""

    # python-re: the duration pattern needs a lookahead, which the default (Rust) engine lacks.
    model_config = ConfigDict(frozen=True, extra="forbid", regex_engine="python-re",
                              defer_build=True)

    # An optional key may be left out, but `key:` with nothing after it is a mistake, not "unset". A check on
    # every field would cost a validator per field (~300) to build and a call per value to run; this one runs
    # once per mapping and hands a mapping that holds a null to a twin of the model that checks each field.
    @model_validator(mode="wrap")
    @classmethod
    def _not_null(cls, data: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        if type(data) is dict and None in data.values() and not cls._checks_nulls:
            return _null_checking(cls).model_validate(data)  # raises the errors the model would with the check
        return handler(data)

    _checks_nulls: ClassVar[bool] = False


def _refuse_null(cls: type[SpecModel], value: Any) -> Any:
    if value is None:
        raise PydanticCustomError("null_value", "a value is required")
    return value


@functools.cache
def _null_checking(model: type[SpecModel]) -> type[SpecModel]:
    """`model` with a null check before each field: only a mapping that holds a null is validated by it, so it
    is built on the way to an error, and reports each null field (and every other problem) as the model would."""
    checks = field_validator("*", mode="before")(classmethod(_refuse_null))
    return type(model.__name__, (model,), {"__module__": model.__module__, "__qualname__": model.__qualname__,
                                          "_checks_nulls": True, "_refuse_null": checks})


def _number(value: Any) -> int | float:
    # int stays int and float stays float: thresholds are written into PromQL as the user wrote them.
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise PydanticCustomError("float_type", "Input should be a valid number")
    if not math.isfinite(value):  # YAML's .inf and .nan: no threshold, bucket or bound means either
        raise PydanticCustomError("finite_number", "Input should be a finite number")
    return value


Number = Annotated[int | float, PlainValidator(_number), WithJsonSchema({"type": "number"})]
Text = Annotated[str, Strict(), StringConstraints(max_length=4000)]
MAX_DURATION_SECONDS = (2**63 - 1) // 10**9  # Go's time.Duration, which Prometheus and Alertmanager read: 292 years


def _held_by_prometheus(value: str) -> str:
    from stackgen.process.fast import seconds  # here: the spec's models load before the processors

    if seconds(value) > MAX_DURATION_SECONDS:
        raise PydanticCustomError("duration_range", "{value} is longer than Prometheus can hold (292 years)",
                                  {"value": repr(value)})
    return value


Duration = Annotated[str, Strict(), StringConstraints(
    max_length=40, pattern=r"^(?=[0-9])([0-9]+y)?([0-9]+w)?([0-9]+d)?([0-9]+h)?([0-9]+m)?([0-9]+s)?([0-9]+ms)?$"),
    AfterValidator(_held_by_prometheus), Format("Prometheus duration, e.g. 30s, 5m, 1h30m")]
NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_-]*$")
Name = Annotated[str, Strict(), StringConstraints(max_length=63, pattern=NAME_PATTERN.pattern),
                 Format("a lowercase name: a-z, 0-9, _ and -, starting with a letter")]
MetricName = Annotated[str, Strict(), StringConstraints(max_length=200, pattern=r"^[a-zA-Z_:][a-zA-Z0-9_:]*$"),
                       Format("a Prometheus metric name: letters, digits, _ and :, not starting with a digit")]
LabelName = Annotated[str, Strict(), StringConstraints(max_length=100, pattern=r"^[a-zA-Z_][a-zA-Z0-9_]*$"),
                      Format("a Prometheus label name: letters, digits and _, not starting with a digit")]
# Segments without ? # { }: Prometheus escapes a ? in metrics_path (never a query), a # is never sent, and braces
# are the service's route parameters; `//` is a segment no route has. Each would scrape a path nothing answers.
UrlPath = Annotated[str, Strict(), StringConstraints(max_length=500, pattern=r"^(/[^\s?#{}/]+)*/?$"),
                    Format("a URL path starting with /, without spaces, ?, #, braces or //")]
Matcher = Annotated[str, Strict(), StringConstraints(max_length=500)]
Port = Annotated[int, Strict(), Field(ge=1, le=65535)]
Bool = Annotated[bool, Strict()]
Int = Annotated[int, Strict()]
LabelMap = dict[LabelName, Text]
StringMap = dict[Annotated[str, Strict()], Text]


def _unique(items: tuple[Any, ...]) -> tuple[Any, ...]:
    seen: set[Any] = set()
    for item in items:
        if item in seen:
            raise PydanticCustomError("unique_items", "'{item}' is listed twice", {"item": item})
        seen.add(item)
    return items


UniqueLabelNames = Annotated[tuple[LabelName, ...], AfterValidator(_unique), Field(json_schema_extra={"uniqueItems": True})]


def field_values(section: SpecModel, *, by_alias: bool = False, exclude_unset: bool = False,
                 exclude_none: bool = False) -> dict[str, Any]:
    """`section.model_dump(...)` of a section whose fields hold plain values (strings, numbers, tuples, mappings
    of those), in field order: the same dict, without building a serializer for the model on the way."""
    out: dict[str, Any] = {}
    for name, info in type(section).model_fields.items():
        value = getattr(section, name)
        if (exclude_unset and name not in section.model_fields_set) or (exclude_none and value is None):
            continue
        if holds_model(value):
            raise TypeError(f"{type(section).__name__}.{name} holds a model: dump it with model_dump()")
        out[(info.alias or name) if by_alias else name] = dict(value) if isinstance(value, dict) else value
    return out


def holds_model(value: Any) -> bool:
    """Whether `value` is a model, or a tuple, list or mapping with one anywhere inside."""
    if isinstance(value, (tuple, list)):
        return any(holds_model(v) for v in value)
    if isinstance(value, dict):
        return any(holds_model(v) for v in value.values())
    return isinstance(value, BaseModel)


def section_defaults(model: type[SpecModel]) -> Any:
    """The default_factory of a section the spec may leave out: `model` with every field at its default.

    pydantic never validates a default, so `model()` would give the same object, but would first build the
    model's own validator: a second time over the schema its parent's validator already holds. A model with a
    validator of its own is refused here, as its defaults could then differ from what `model()` makes.
    """
    decorators = model.__pydantic_decorators__
    own = [name for name in (*decorators.model_validators, *decorators.field_validators) if name != "_not_null"]
    if own:
        raise TypeError(f"{model.__name__} has validators ({', '.join(own)}): its defaults need model()")
    return lambda: model.model_construct()


def _no_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)


def derived(placeholder: Any, description: str) -> Any:
    """A field whose default depends on other fields (set by a `mode="before"` validator of its model).

    The placeholder is never seen; the schema shows no default, and the description says how it is derived.
    """
    return Field(placeholder, description=description, json_schema_extra=_no_default)


def default_from(data: Any, key: str, source: str, make: Any = str) -> Any:
    """`data` with `key` set from its `source` key when the spec leaves it out; raw input is never changed."""
    if isinstance(data, dict) and key not in data and isinstance(data.get(source), str):
        return {**data, key: make(data[source])}
    return data
