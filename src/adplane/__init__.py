"""adplane: a self-hosted advertising platform API that speaks IQM's REST API."""

__version__ = "0.1.0"
