"""healthplan-qa: question answering over Vietnamese provincial health plans and reports."""

__version__ = "0.1.0"
