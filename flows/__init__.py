"""Prefect flows (composition only) and the taskspace CLI."""
import os as _os

# taskspace's own loggers (chosen precision, progress of long steps) reach the Prefect run log.
_os.environ.setdefault("PREFECT_LOGGING_EXTRA_LOGGERS", "taskspace")
_os.environ.setdefault("PREFECT_LOGGING_TO_API_WHEN_MISSING_FLOW", "ignore")
