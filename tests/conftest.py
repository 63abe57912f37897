"""The whole run: the services must be there (or the run says it does without them), and
every skip is counted with its reason; a skip for any other reason fails the run."""

from __future__ import annotations

import os
from collections import Counter

import pytest
from hypothesis import settings

from tests.services import SKIP_NO_SERVICE, missing_services, services_required

# Property tests: the same examples on every run (`ci`, the default), or a longer search with
# fresh examples (`SPICE_HYPOTHESIS_PROFILE=explore`, `make test-explore`).
settings.register_profile("ci", max_examples=60, derandomize=True, deadline=None)
settings.register_profile("explore", max_examples=2000, deadline=None)
settings.load_profile(os.environ.get("SPICE_HYPOTHESIS_PROFILE", "ci"))


def pytest_sessionstart(session: pytest.Session) -> None:
    if session.config.option.collectonly or not services_required():
        return
    missing = missing_services()
    if missing:
        raise pytest.UsageError(
            f"services not running: {', '.join(missing)}; start them with "
            "`scripts/services start`, or run `make test-embedded` to do without them"
        )


def _skips(terminalreporter: pytest.TerminalReporter) -> Counter[str]:
    reasons: Counter[str] = Counter()
    for report in terminalreporter.stats.get("skipped", []):
        _, _, reason = report.longrepr if isinstance(report.longrepr, tuple) else ("", 0, "")
        reasons[str(reason).removeprefix("Skipped: ")] += 1
    return reasons


def _unexpected(reasons: Counter[str]) -> int:
    return sum(n for reason, n in reasons.items() if not reason.startswith(SKIP_NO_SERVICE))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    reasons = _skips(terminalreporter)
    total = sum(reasons.values())
    terminalreporter.write_line(f"skipped: {total}")
    for reason, count in reasons.most_common():
        terminalreporter.write_line(f"  {count} x {reason}")
    if _unexpected(reasons):
        terminalreporter.write_line(
            f"{_unexpected(reasons)} tests were skipped for a reason other than "
            "`make test-embedded`: the run fails"
        )


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None and exitstatus == 0 and _unexpected(_skips(reporter)):
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
