"""Template errors, with Go's message text (``template: NAME:LINE: ...``)."""

from __future__ import annotations


class TemplateError(Exception):
    """Any failure to parse or expand a template."""


class TemplateParseError(TemplateError):
    """The template text is not a valid Go template."""


class TemplateExecError(TemplateError):
    """Expansion failed (bad field, function error, wrong argument type...)."""
