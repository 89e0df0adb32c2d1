"""Small text helpers shared by every app."""

import unicodedata


def fold(text: str) -> str:
    """Lower case without Vietnamese diacritics: "Sở Y tế" → "so y te", "Đ" → "d"."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


def search_key(*parts: str) -> str:
    """The folded, space-joined ``parts``, for accent-insensitive ``icontains`` search."""
    return " ".join(fold(part) for part in parts if part)
