"""A Go text/template interpreter with Prometheus' functions, for alert labels and annotations.

``expand_alert_text(text, alert_name, labels, value, ...)`` renders one label or annotation value exactly as an
alerting rule does (``$labels``, ``$value``, ``$externalLabels``, ``$externalURL``); template errors render in place
as ``<error expanding template: ...>``.
"""

from .errors import TemplateError, TemplateExecError, TemplateParseError
from .expand import alert_data, check_alert_text, expand, expand_alert_text
from .gofmt import format_float_v, sprintf
from .values import GoMap, GoStruct

__all__ = [
    "GoMap",
    "GoStruct",
    "TemplateError",
    "TemplateExecError",
    "TemplateParseError",
    "alert_data",
    "check_alert_text",
    "expand",
    "expand_alert_text",
    "format_float_v",
    "sprintf",
]
