"""Run logs: everything a stage says goes to Prefect's run logger (the UI's Logs tab), the terminal stays short.

Prefect's run loggers (``prefect.flow_runs``, ``prefect.task_runs``) send their records to the API and, by
propagation, to the console handler on the root logger. :func:`route_run_logs` sets them to INFO, so that
stage summaries and what a stage prints (training progress, with ``log_prints``) reach the API, and
filters the console:

- the stage's own lines (printed inside a task run) go to stdout as plain lines, as they did before
  they went through the logger;
- Prefect's INFO lines and our summaries stay off the terminal unless ``PREFECT_LOGGING_LEVEL`` asks for them
  (``arabic-llm run`` prints its own stage table);
- an expected failure (flows/failures.py) is left out of the console: the command prints it in one line.
  The run still ends Failed with the message, and the API keeps the traceback.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

RUN_LOGGERS = ("prefect.flow_runs", "prefect.task_runs")
QUIET_ON_TERMINAL = "arabic_llm_quiet_on_terminal"  # extra={...: True}: for the UI only


def from_prefect(pathname: str) -> bool:
    """Was the line written by Prefect or one of its integrations (prefect_dask, ...)?"""
    parts = Path(pathname).parts
    installed = [i for i, part in enumerate(parts) if part in ("site-packages", "dist-packages")]
    return bool(installed) and len(parts) > installed[-1] + 1 and parts[installed[-1] + 1].startswith("prefect")


def is_stage_output(record: logging.LogRecord) -> bool:
    """A line the project's code wrote into a run log (a print captured by Prefect, a stage's log call),
    not one of Prefect's own lines."""
    return (record.name.startswith(RUN_LOGGERS) and not getattr(record, QUIET_ON_TERMINAL, False)
            and not from_prefect(record.pathname))


def _run_id(record: logging.LogRecord):
    return getattr(record, "task_run_id", None) or getattr(record, "flow_run_id", None)


class ConsoleFilter(logging.Filter):
    """On Prefect's console handler: run-log lines below the user's Prefect logging level, stage output
    (printed on stdout instead) and expected failures (their traceback and the run's "Finished in state
    Failed" line after it) stay off the terminal."""

    def __init__(self, show_expected: bool = False, terminal_level: int = logging.WARNING):
        super().__init__("arabic-llm-console")
        self.show_expected, self.terminal_level = show_expected, terminal_level
        self.failed_quietly: set = set()  # task and flow runs whose expected failure is said by the command

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name.startswith(RUN_LOGGERS):
            if record.levelno < self.terminal_level or (record.levelno < logging.WARNING and is_stage_output(record)):
                return False
            if not record.exc_info and _run_id(record) is not None and _run_id(record) in self.failed_quietly:
                return False
        if record.exc_info and record.exc_info[1] is not None and not self.show_expected:
            from flows.failures import expected_failure

            if expected_failure(record.exc_info[1]) is not None:
                self.failed_quietly.add(_run_id(record))
                return False
        return True


class StageOutputHandler(logging.StreamHandler):
    """Stage output as plain lines on stdout (the stream at the time of writing, so captures see it)."""

    def __init__(self):
        super().__init__(sys.stdout)
        self.setFormatter(logging.Formatter("%(message)s"))
        self.addFilter(lambda record: record.levelno < logging.WARNING and is_stage_output(record))

    def emit(self, record: logging.LogRecord) -> None:
        self.stream = sys.stdout
        super().emit(record)


def route_run_logs(debug: bool = False) -> None:
    """Set up this process's logging for a run on the terminal (call after importing Prefect).

    ``debug`` shows expected failures' tracebacks and Prefect's INFO lines.
    """
    import prefect.main  # noqa: F401  (configures Prefect's logging, which would replace what is set here)
    from prefect.logging.handlers import PrefectConsoleHandler

    prefect_level = logging.getLogger("prefect").getEffectiveLevel()
    terminal_level = min(prefect_level, logging.INFO) if debug else prefect_level
    for name in RUN_LOGGERS:
        logger = logging.getLogger(name)
        logger.setLevel(min(prefect_level, logging.INFO))  # the API gets INFO whatever the terminal shows
        if not any(isinstance(h, StageOutputHandler) for h in logger.handlers):
            logger.addHandler(StageOutputHandler())
    for handler in logging.getLogger().handlers:
        if isinstance(handler, PrefectConsoleHandler):
            for old in [f for f in handler.filters if isinstance(f, ConsoleFilter)]:
                handler.removeFilter(old)
            handler.addFilter(ConsoleFilter(show_expected=debug, terminal_level=terminal_level))
