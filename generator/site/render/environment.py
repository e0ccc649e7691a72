"""The Jinja2 environment of one language's pages: our templates, a site's overrides, the
portal's words through `jinja2.ext.i18n`, and where a broken template went wrong."""

from __future__ import annotations

from pathlib import Path

from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PackageLoader,
    PrefixLoader,
    StrictUndefined,
    TemplateError,
)

from generator.i18n import words
from generator.i18n.messages import tr
from generator.site.render.markup import escape
from generator.source import memo
from generator.text.errors import Problem

# How the templates are written: tools/catalog.py reads them with the same settings.
SYNTAX = {
    # Markdown attribute lists ({#id}) would otherwise open a Jinja comment.
    "comment_start_string": "{##",
    "comment_end_string": "##}",
    "trim_blocks": True,
    "lstrip_blocks": True,
}


def environment(overrides: Path | None, lang: str) -> Environment:
    """Templates compiled once per build (and kept between builds of the preview), their
    `_()` speaking `lang` as MkDocs' own theme does (mkdocs/localization.py)."""
    # A site's template replaces ours of the same name, or extends it as
    # "phasebook/<name>" to replace one {% block %} only.
    ours = PackageLoader("generator.site", "templates")
    loaders = [FileSystemLoader(overrides)] if overrides else []
    env = Environment(
        bytecode_cache=memo.TEMPLATES,
        loader=ChoiceLoader([*loaders, PrefixLoader({"phasebook": ours}), ours]),
        undefined=StrictUndefined,
        finalize=escape,
        autoescape=False,
        keep_trailing_newline=True,
        extensions=["jinja2.ext.i18n"],
        auto_reload=False,  # one build's: no file's date looked up at each render
        **SYNTAX,
    )
    env.install_gettext_translations(words.translations(lang), newstyle=True)
    return env


def template_problem(overrides: Path | None, template: str, exc: TemplateError) -> Problem:
    """Where a template (most likely a site's override) went wrong: its file and line,
    from the error itself or from the template's frame in the traceback."""
    filename = getattr(exc, "filename", None)
    line = getattr(exc, "lineno", None)
    tb = exc.__traceback__
    while tb is not None and line is None:
        if tb.tb_frame.f_code.co_filename.endswith(".j2"):
            filename, line = tb.tb_frame.f_code.co_filename, tb.tb_lineno
        tb = tb.tb_next
    name = Path(filename) if filename else Path(template)
    if overrides is not None and name.is_relative_to(overrides):
        shown = name.relative_to(overrides.parent).as_posix()
    else:
        shown = f"(packaged) {name.name}"
    message = tr("template error: {error}: fix it, or remove it to use ours").format(
        error=exc.message or exc
    )
    return Problem(shown, line or 1, 1, "", message)
