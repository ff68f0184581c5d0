"""`stackgen init [PATH]`: scaffold a starter spec that validates and renders as it is.

The scaffold is prose-like text for a person to edit (comments, layout), so it is a Jinja2 template;
the values put into it are checked against the spec's name rules first, so they cannot break its YAML.
"""

import json
import re
from pathlib import Path

import typer

from stackgen.cli.common import guarded
from stackgen.errors import OutputError
from stackgen.spec.schema import API_VERSION, SCHEMA_ID

SCHEMA_FILE = "stackgen.schema.json"  # written beside the spec: the schema's $id is not hosted yet

TEMPLATE = "init.yaml.j2"
NAME = re.compile(r"^[a-z][a-z0-9_-]{0,39}$")


def default_name(path: Path) -> str:
    """A system name from the folder the spec goes in: `~/src/Web Shop/stackgen.yaml` -> `web-shop`."""
    folder = path.absolute().parent.name.lower()
    name = re.sub(r"[^a-z0-9_-]+", "-", folder).strip("-_")
    name = re.sub(r"^[^a-z]+", "", name)[:40].rstrip("-_")
    return name or "myapp"


def render_starter_spec(name: str, service: str, port: int, title: str = "") -> str:
    """The starter spec's text. Pure; `name` and `service` must already match NAME."""
    import jinja2  # imported here, not at the top, so `--help` and the other commands start fast

    env = jinja2.Environment(loader=jinja2.PackageLoader("stackgen", "templates"), autoescape=False,
                             keep_trailing_newline=True, undefined=jinja2.StrictUndefined)
    return env.get_template(TEMPLATE).render(
        schema_url=SCHEMA_FILE, api_version=API_VERSION, name=name, service=service, port=port,
        title=title or name.replace("-", " ").replace("_", " ").title())


def write_new_file(path: Path, text: str) -> None:
    """Create `path` with `text`; never replaces a file that exists (checked atomically by the open)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "x", encoding="utf-8") as handle:
            handle.write(text)
    except FileExistsError:
        raise OutputError(f"{path}: already exists; stackgen init never overwrites a spec. "
                          "Choose another path or remove the file") from None
    except OSError as exc:
        raise OutputError(f"{path}: could not write: {exc.strerror or exc}") from None


def claim_schema_file(path: Path) -> None:
    """Refuse unless `path` is absent or a stackgen schema, which init may refresh: anything else is the user's."""
    try:
        ours = json.loads(path.read_text(encoding="utf-8")).get("$id") == SCHEMA_ID
    except FileNotFoundError:
        return
    except (OSError, ValueError, AttributeError):
        ours = False
    if not ours:
        raise OutputError(f"{path}: exists and is not a stackgen schema; stackgen init never overwrites it. "
                          "Move it, or write the spec in another folder")


def write_schema(path: Path) -> None:
    """The spec format's JSON Schema at `path`, for the editor the starter spec's first line points at."""
    from stackgen.output.serialize import dump_json
    from stackgen.spec.schema import json_schema

    try:
        path.write_bytes(dump_json(json_schema()))
    except OSError as exc:
        raise OutputError(f"{path}: could not write: {exc.strerror or exc}") from None


def _check_starter(text: str, path: Path) -> None:
    """The starter spec validates as it is: an option value the spec refuses (a title over its length limit)
    is a usage error here, before anything is written, not a spec that `validate` then refuses."""
    from stackgen.errors import SpecError
    from stackgen.spec.loader import check_typed
    from stackgen.spec.yamlsource import parse_yaml

    try:
        check_typed(parse_yaml(text.encode("utf-8"), str(path)))
    except SpecError as exc:
        first = exc.issues[0]
        raise typer.BadParameter(f"the spec it makes would not validate: {first.path}: {first.message}"
                                 + (f" ({first.hint})" if first.hint else "")) from None


def _checked_name(value: str) -> str:
    if not NAME.match(value):
        raise typer.BadParameter(f"{value!r}: use a lowercase name of up to 40 characters: a-z, 0-9, _ and -, "
                                 "starting with a letter")
    return value


def init(
    path: Path = typer.Argument(Path("stackgen.yaml"), help="Where to write the spec."),
    name: str = typer.Option("", "--name", show_default=False,
                             help="System name (default: from the folder the spec goes in)."),
    service: str = typer.Option("app", "--service", help="Name of the service Prometheus scrapes."),
    port: int = typer.Option(8000, "--port", min=1, max=65535, help="Port of its /metrics endpoint."),
    title: str = typer.Option("", "--title", show_default=False, help="Human title (default: from the name)."),
) -> None:
    """Write a starter spec, with the schema comment for editor completion. Never overwrites a file."""
    system = _checked_name(name or default_name(path))
    text = render_starter_spec(system, _checked_name(service), port, title.replace("\n", " ").strip())
    _check_starter(text, path)
    schema_path = path.parent / SCHEMA_FILE
    guarded(lambda: claim_schema_file(schema_path))
    guarded(lambda: write_new_file(path, text))
    guarded(lambda: write_schema(schema_path))
    typer.echo(f"wrote {path} and {schema_path}; next: `stackgen validate {path}` and `stackgen generate {path}`")
