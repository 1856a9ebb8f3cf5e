"""Write side of the CX action-plan tracker: domain model, application service, CLI."""

__version__ = "0.1.0"
