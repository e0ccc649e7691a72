"""`phasebook new faq PHASE`: a question customers ask, added to the phase's file as a person
would write it (edit.py: comments and layout kept), with text that says what to write."""

from __future__ import annotations

from pathlib import Path

from ruamel.yaml.comments import CommentedMap

from generator.authoring.edit import Project, ScaffoldError, block_list, editing, literal, one_line
from generator.i18n.messages import N_, tr, tr_in
from generator.source import model as m


def new_faq(
    root: Path, phase_id: str, question: str | None = None, answer: str | None = None
) -> list[str]:
    """Append a question and its answer to the `faq:` of phase `phase_id`.

    A text given on the command line is written in the portal's first language; the other
    languages then show it until someone translates it, as every text of the portal does.
    A text not given is a placeholder in every portal language, each saying what to write.
    """
    one_line(question, "--question")
    one_line(answer, "--answer")
    with editing(root) as (project, portal):
        view = portal.phase_view(phase_id)
        if view is None:
            known = ", ".join(v.phase.id for v in portal.phases)
            raise ScaffoldError(
                tr("unknown phase '{id}' (known: {known})").format(id=phase_id, known=known)
            )
        path = _phase_file(project, view)
        number = len(view.phase.faq) + 1
        item = CommentedMap(
            question=_text(
                portal, question, N_("Question {number}: write what customers ask."), number
            ),
            answer=_text(
                portal,
                answer,
                N_("Write the answer here (Markdown: lists and links work)."),
                number,
            ),
        )
        data = project.read(path)
        block_list(data, "faq").append(item)
        project.write(path, data)
        return project.written()


def _phase_file(project: Project, view: m.PhaseView) -> Path:
    """The phase's own file, which must lie in phases/ (a link out of it is not followed)."""
    path = project.phases / Path(view.source).name
    if path.is_symlink() or path.resolve().parent != project.phases.resolve():
        raise ScaffoldError(
            tr("{file} is not a file in phases/: edit it by hand, nothing was changed").format(
                file=view.source
            )
        )
    return path


def _text(portal: m.Portal, given: str | None, placeholder: str, number: int):
    """`given` in the first language; else the placeholder in every language."""
    languages = portal.info.languages
    if given is not None:
        return (
            literal(given) if len(languages) == 1 else CommentedMap({languages[0]: literal(given)})
        )
    texts = {lang: literal(tr_in(lang, placeholder).format(number=number)) for lang in languages}
    if len(languages) == 1:
        return texts[languages[0]]
    return CommentedMap(texts)
