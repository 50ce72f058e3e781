"""The settings of what needs attention and of mail, read from the environment: the N's
of the rules with their defaults, days of the year refused by name when malformed, mail by
SMTP when a server is named and to files otherwise."""

from __future__ import annotations

from tests.config.test_settings import run_manage

PRINT = "from django.conf import settings as s; print({names})"


def _settings(*names: str, **env: str) -> list[str]:
    code = PRINT.format(names=", ".join(f"s.{name}" for name in names))
    result = run_manage("shell", "--no-imports", "-c", code, DEBUG="true", **env)
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_the_rules_have_defaults_a_desk_officer_would_choose():
    assert _settings(
        "ATTENTION_ACTION_POINT_DAYS",
        "ATTENTION_REVIEW_DAYS",
        "ATTENTION_CONSULTATION_DAYS",
        "ATTENTION_NOTE_CLEARING_DAYS",
        "ATTENTION_GOAL_UPDATE_MONTHS",
        "ATTENTION_FINANCE_ACT_PASSED",
        "ATTENTION_PAYMENT_DUE",
        "ATTENTION_TODAY",
    ) == ["14", "60", "30", "14", "6", "12-31", "06-30", "None"]


def test_a_day_of_the_year_that_is_none_is_refused_by_name():
    result = run_manage("check", DEBUG="true", ATTENTION_PAYMENT_DUE="June")
    assert result.returncode != 0
    assert "ATTENTION_PAYMENT_DUE must be a day of the year as MM-DD." in result.stderr
    negative = run_manage("check", DEBUG="true", ATTENTION_REVIEW_DAYS="-1")
    assert "ATTENTION_REVIEW_DAYS must be zero or more." in negative.stderr


def test_mail_goes_by_smtp_to_a_named_server_and_to_files_in_the_demo():
    assert _settings("EMAIL_BACKEND") == ["django.core.mail.backends.filebased.EmailBackend"]
    assert _settings(
        "EMAIL_BACKEND", "EMAIL_PORT", "EMAIL_USE_TLS", EMAIL_HOST="smtp.example.org"
    ) == ["django.core.mail.backends.smtp.EmailBackend", "587", "True"]
    assert _settings("EMAIL_USE_TLS", "EMAIL_USE_SSL", EMAIL_HOST="x", EMAIL_USE_SSL="true") == [
        "False",
        "True",
    ]
