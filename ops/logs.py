"""The log line format: UTC time, level, request id, logger, message.

django-guid keeps the id of the current request (or Celery task) in a context variable;
RequestIdFilter copies it onto each record ("-" outside a request). Times are UTC in
every process, whatever TIME_ZONE Django sets for its own (it sets the process's TZ).
"""

from __future__ import annotations

import logging
import time

from django_guid.log_filters import CorrelationId


class RequestIdFilter(CorrelationId):
    def __init__(self) -> None:
        super().__init__(correlation_id_field="request_id")

    def filter(self, record: logging.LogRecord) -> bool:
        super().filter(record)
        if record.request_id is None:
            record.request_id = "-"
        return True


class UTCFormatter(logging.Formatter):
    converter = time.gmtime
    default_time_format = "%Y-%m-%dT%H:%M:%S"
    default_msec_format = "%s.%03dZ"
