"""The jinja2 environment over templates/client/ (and a folder of overrides) and its filter table: every hook a
template may call."""

from __future__ import annotations

import difflib
from functools import cache
from pathlib import Path

import jinja2

from ..errors import Diagnostic, Origin, SpecError
from .auth_text import client_keywords, credential_keywords
from .cli_tables import cli_command, cli_options, items_path, kebab, summary
from .client_text import (
    body_keyword,
    body_spec,
    deprecated_reference,
    deprecation,
    method_docstring,
    resource_docstring,
    uses_params,
)
from .docs import doc_body, doc_parameter, doc_returns
from .examples import cli_example, curl_example, json_example, python_call, python_example
from .paging_text import paging_summary
from .text import anchor, cell, code, docstring, docstring_text, fenced, markdown_comment, package_version, toml_string
from .wait_text import (
    wait_about,
    wait_call,
    wait_cli_description,
    wait_cli_example,
    wait_command,
    wait_docstring,
    wait_final,
    wait_headline,
    wait_options,
    wait_python_example,
    wait_spec,
    wait_summary,
)

TEMPLATES = Path(__file__).resolve().parent.parent.parent / "templates"


def _bytecode_cache() -> jinja2.BytecodeCache | None:
    """Compiled templates kept between builds (a third of a small build's time), keyed by each
    template's source, so an edited template is compiled again; none where no temporary folder is
    writable."""
    try:
        return jinja2.FileSystemBytecodeCache()
    except RuntimeError:
        return None


@cache
def environment(overrides: Path | None = None) -> jinja2.Environment:
    """The templates of templates/client/; a file of `overrides` replaces the built-in one of its name."""
    builtin = jinja2.FileSystemLoader(str(TEMPLATES / "client"))
    loader = builtin if overrides is None else jinja2.ChoiceLoader([jinja2.FileSystemLoader(str(overrides)), builtin])
    env = jinja2.Environment(
        loader=loader,
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=False,
        bytecode_cache=_bytecode_cache(),
    )
    env.filters.update(
        pyrepr=repr,
        markdown_comment=markdown_comment,
        docstring_text=docstring_text,
        docstring=docstring,
        method_docstring=method_docstring,
        resource_docstring=resource_docstring,
        body_keyword=body_keyword,
        body_spec=body_spec,
        deprecation=deprecation,
        deprecated_reference=deprecated_reference,
        uses_params=uses_params,
        client_keywords=client_keywords,
        credential_keywords=credential_keywords,
    )
    env.filters.update(  # the wait methods (`x-poll`), in the client, the command line and the docs
        wait_spec=wait_spec,
        wait_docstring=wait_docstring,
        wait_about=wait_about,
        wait_call=wait_call,
        wait_cli_example=wait_cli_example,
        wait_python_example=wait_python_example,
        wait_cli_description=wait_cli_description,
        wait_headline=wait_headline,
        wait_command=wait_command,
        wait_summary=wait_summary,
        wait_options=wait_options,
        wait_final=wait_final,
    )
    env.filters.update(  # the command line, the reference docs and the README
        kebab=kebab,
        cli_command=cli_command,
        cli_options=cli_options,
        summary=summary,
        items_path=items_path,
        paging_summary=paging_summary,
        python_call=python_call,
        python_example=python_example,
        cli_example=cli_example,
        curl_example=curl_example,
        json_example=json_example,
        fenced=fenced,
        code=code,
        doc_parameter=doc_parameter,
        doc_body=doc_body,
        doc_returns=doc_returns,
        anchor=anchor,
        cell=cell,
        toml_string=toml_string,
        package_version=package_version,
    )
    return env


def check_overrides(folder: Path) -> None:
    """Each file of a template-override folder must replace a built-in client template: a misspelt name
    would be silently ignored, and the runtime is copied as shipped, never templated."""
    if not folder.is_dir():
        raise SpecError(
            [
                Diagnostic(
                    f"the templates folder {folder} does not exist",
                    Origin(folder),
                    "create it, or point `templates` in [tool.generator] (or --templates) at your templates",
                )
            ]
        )
    builtin = sorted(path.name for path in (TEMPLATES / "client").glob("*.jinja"))
    runtime = {path.name for folder in ("runtime", "cli") for path in (TEMPLATES / folder).glob("*.py")}
    problems = []
    for path in sorted(folder.iterdir()):
        if path.name.startswith(".") or path.name in builtin:
            continue
        if path.name.removesuffix(".jinja") in runtime:
            message = f"{path.name}: the runtime is not a template, it is copied into the package as shipped"
            hint = "change what the client does through custom code: a ClientMixin's on_request/on_response hooks"
        else:
            close = difflib.get_close_matches(path.name, builtin, n=1)
            message = f"{path.name} replaces no template"
            hint = f"did you mean `{close[0]}`?" if close else "the client templates are " + ", ".join(builtin)
        problems.append(Diagnostic(message, Origin(path), hint))
    if problems:
        raise SpecError(problems)
