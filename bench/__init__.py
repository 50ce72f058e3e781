"""Benchmarks: load data many times the demo's, and the harness that measures the app on it.

``loaddata`` builds the data (``manage.py generate_load_data``); ``harness`` runs
``make bench``. Neither is used by the application itself.
"""
