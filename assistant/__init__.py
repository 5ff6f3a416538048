"""Lanzarote replies assistant: cited passages from Parties' replies to the Lanzarote Committee questionnaires.

    from assistant import Assistant, build_index, add_reply
"""

__version__ = "0.6.0"

__all__ = ["Assistant", "AssistantError", "add_reply", "build_index", "__version__"]


def __getattr__(name: str):
    """Exports are loaded on first use, so `import assistant` stays cheap (the CLI starts fast)."""
    if name == "Assistant":
        from .api import Assistant

        return Assistant
    if name == "build_index":
        from .store.build import build_index

        return build_index
    if name == "add_reply":
        from .store.adding import add_reply

        return add_reply
    if name == "AssistantError":
        from .errors import AssistantError

        return AssistantError
    raise AttributeError(f"module 'assistant' has no attribute {name!r}")
