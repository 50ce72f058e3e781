import pytest


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Report how many requests the fuzzing sent (xdist carries user_properties over)."""
    sent = 0
    runs = {"passed": 0, "failed": 0}
    for outcome, reports in terminalreporter.stats.items():
        for report in reports:
            if getattr(report, "when", None) != "call" or "test_fuzz" not in report.nodeid:
                continue
            sent += sum(v for k, v in report.user_properties if k == "fuzz_requests")
            if outcome in runs:
                runs[outcome] += 1
    if runs["passed"] or runs["failed"]:
        terminalreporter.write_line(
            f"API fuzzing: {sent} requests that passed every check; "
            f"{runs['passed']} operation runs passed, {runs['failed']} failed."
        )
