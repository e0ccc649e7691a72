"""Check parsed YAML against the models and across files, turning every failure into a Problem.

Pydantic's messages are precise but speak Python; authors need the file, the line and what to
write instead. Every check here collects instead of raising, so one run reports everything:

- schema.py: one file against its model, each error located and said once
- messages.py: pydantic's errors as what to write instead
- phases.py: phase files on their way through validation
- cross.py: what one file cannot tell (stages and files, tiers, languages, unique ids)
- faq.py: each question of a phase asked once
- programs.py: prerequisites, sessions and written pages across files
"""

from generator.source.validate.cross import cross_check
from generator.source.validate.messages import field_names
from generator.source.validate.phases import PhaseSource
from generator.source.validate.schema import against_schema

__all__ = ["PhaseSource", "against_schema", "cross_check", "field_names"]
