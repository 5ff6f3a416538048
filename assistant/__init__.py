"""Lanzarote replies assistant: cited passages from Parties' replies to the Lanzarote Committee questionnaires."""

__version__ = "0.1.0"
