# Dates as a Danish ministry writes them: 15. maj 2019 (in tables too), 15. maj 2019 14.05
# with the time; numbers 25.000.000,00.
DATE_FORMAT = "j. F Y"
SHORT_DATE_FORMAT = "j. b Y"
TIME_FORMAT = "H.i"
DATETIME_FORMAT = "j. F Y H.i"
SHORT_DATETIME_FORMAT = "j. b Y H.i"
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
NUMBER_GROUPING = 3
