"""Vietnamese text restorer: diacritics and OCR letter repair for plan documents.

Public API (free of Django, so it runs anywhere)::

    from cchc.documents.restore import restore_text
    result = restore_text(ocr_text)
    result.text          # repaired text, same lines and punctuation as the input
    result.words         # RestoredWord(start, end, original, restored, confidence)

The model (``cchc/documents/data/restorer-v1.bin``) is loaded lazily, once per process.
See ``docs/text-repair.md`` for the method, the model file and the evaluation.
"""

from .model import DEFAULT_MODEL_PATH, ModelFormatError, RestorerModel, get_model
from .restorer import DecoderParams, RestoredText, RestoredWord, Restorer, get_restorer, restore_text

__all__ = [
    "DEFAULT_MODEL_PATH",
    "DecoderParams",
    "ModelFormatError",
    "RestoredText",
    "RestoredWord",
    "Restorer",
    "RestorerModel",
    "get_model",
    "get_restorer",
    "restore_text",
]
