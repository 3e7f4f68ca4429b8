"""The jinja2 environment over templates/client/ and its filter table: every hook a template may call."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import jinja2

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

TEMPLATES = Path(__file__).resolve().parent.parent.parent / "templates"


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES / "client")),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=False,
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
